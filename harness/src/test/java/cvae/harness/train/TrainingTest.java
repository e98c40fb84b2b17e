package cvae.harness.train;

import cvae.harness.TestData;
import cvae.harness.data.Mnist;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Short real runs on a subset of MNIST: determinism, backend agreement, resume, outputs. */
class TrainingTest {
    static TrainConfig small(String backend, int threads) {
        return TrainConfig.defaults().with(java.util.Map.of("epochs", 2, "train_limit", 1024, "test_limit", 500,
                "backend", backend, "threads", threads, "eval_batch", 250), "test").validate("test");
    }

    static Trainer.Result train(TrainConfig cfg, Path out, boolean resume) throws Exception {
        Mnist.Dataset ds = TestData.mnist();
        try (Backend be = Backends.open(cfg.backend(), cfg.resolvedThreads())) {
            return new Trainer(cfg, be, ds, out, new PrintStream(new ByteArrayOutputStream())).run(resume);
        }
    }

    static List<String> deterministicRows(Path metrics) throws Exception {
        return MetricsCsv.read(metrics, (int) Files.lines(metrics).count() - 1).stream().map(EpochMetrics::deterministicPart).toList();
    }

    @Test void sameSeedBackendAndThreadsGiveTheSameCurveToTheBit(@TempDir Path tmp) throws Exception {
        TrainConfig cfg = small("cpu", 2);
        train(cfg, tmp.resolve("a"), false);
        train(cfg, tmp.resolve("b"), false);
        List<String> a = deterministicRows(tmp.resolve("a/metrics.csv")), b = deterministicRows(tmp.resolve("b/metrics.csv"));
        assertEquals(2, a.size());
        assertEquals(a, b);
        // the checkpoints hold the same weights, bit for bit
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/checkpoint.safetensors")), Files.readAllBytes(tmp.resolve("b/checkpoint.safetensors")));
        // and the thread count does not change the curve either (every sum runs in a fixed order)
        train(small("cpu", 1), tmp.resolve("c"), false);
        assertEquals(a, deterministicRows(tmp.resolve("c/metrics.csv")));
    }

    @Test void aDifferentSeedGivesADifferentCurve(@TempDir Path tmp) throws Exception {
        train(small("cpu", 2), tmp.resolve("a"), false);
        train(small("cpu", 2).with(java.util.Map.of("seed", 1), "test"), tmp.resolve("b"), false);
        assertNotEquals(deterministicRows(tmp.resolve("a/metrics.csv")), deterministicRows(tmp.resolve("b/metrics.csv")));
    }

    /** cpu (Vector API, float sums in vector order) and reference (scalar, double sums) agree to 1e-3 relative. */
    @Test void cpuAndReferenceAgreeOnAShortRun(@TempDir Path tmp) throws Exception {
        TrainConfig cfg = TrainConfig.defaults().with(java.util.Map.of("epochs", 2, "train_limit", 512, "test_limit", 200,
                "eval_batch", 200), "test");
        train(cfg.with(java.util.Map.of("backend", "cpu"), "t"), tmp.resolve("cpu"), false);
        train(cfg.with(java.util.Map.of("backend", "reference"), "t"), tmp.resolve("ref"), false);
        List<EpochMetrics> c = MetricsCsv.read(tmp.resolve("cpu/metrics.csv"), 2), r = MetricsCsv.read(tmp.resolve("ref/metrics.csv"), 2);
        for (int e = 0; e < 2; e++) {
            assertEquals(r.get(e).trainLoss(), c.get(e).trainLoss(), 1e-3 * r.get(e).trainLoss(), "train loss, epoch " + e);
            assertEquals(r.get(e).testLoss(), c.get(e).testLoss(), 1e-3 * r.get(e).testLoss(), "test loss, epoch " + e);
            assertEquals(r.get(e).testKl(), c.get(e).testKl(), 1e-3 * r.get(e).testKl(), "test KL, epoch " + e);
        }
    }

    @Test void aResumedRunHasTheCurveOfAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        TrainConfig three = small("cpu", 2).with(java.util.Map.of("epochs", 3), "t");
        train(three, tmp.resolve("whole"), false);
        train(three.with(java.util.Map.of("epochs", 1), "t"), tmp.resolve("split"), false);
        train(three, tmp.resolve("split"), true);
        assertEquals(deterministicRows(tmp.resolve("whole/metrics.csv")), deterministicRows(tmp.resolve("split/metrics.csv")));
    }

    @Test void theRunDirectoryHoldsEverything(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        train(small("cpu", 2), out, false);
        for (String f : List.of("config.yaml", "metrics.csv", "curves.png", "run.json", "checkpoint.safetensors",
                "samples/epoch0000.png", "samples/epoch0001.png"))
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        String header = Files.readAllLines(out.resolve("metrics.csv")).get(0);
        assertTrue(header.startsWith("epoch,train_loss,train_mse,train_kl,test_loss,test_mse,test_kl,seconds,samples_per_s"), header);
        String yaml = Files.readString(out.resolve("config.yaml"));
        for (String k : TrainConfig.KEYS) assertTrue(yaml.contains("\n" + k + ": "), "config.yaml lacks " + k);
        String json = Files.readString(out.resolve("run.json"));
        for (String k : List.of("git_commit", "git_dirty", "jdk", "cpu", "vector_bits", "backend", "threads", "seed",
                "dataset_sha256", "started", "ended"))
            assertTrue(json.contains("\"" + k + "\""), "run.json lacks " + k);
        assertTrue(json.contains(Mnist.EXPECTED_SHA256.get(Mnist.TRAIN_IMAGES)));
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary file left behind");
        }
    }

    @Test void lossDecreasesOnTheRealData(@TempDir Path tmp) throws Exception {
        train(small("cpu", 2).with(java.util.Map.of("epochs", 3), "t"), tmp.resolve("r"), false);
        List<EpochMetrics> m = MetricsCsv.read(tmp.resolve("r/metrics.csv"), 3);
        assertTrue(m.get(2).testLoss() < m.get(0).testLoss(), "test loss must fall: " + m);
        assertTrue(m.get(0).testLoss() < 0.1 && m.get(0).testLoss() > 0.001, "plausible MSE scale: " + m.get(0));
    }

    /**
     * What the trainer hands a backend that records steps (the cuda backend replays them as
     * CUDA graphs, which only a GPU can run): every step whose batch and next batch are
     * full, keyed by the parity of its buffers, starting again each epoch after the
     * recordings are dropped; the last two steps of an epoch (a short batch, no next one)
     * run as usual. Here a cpu backend that says it records, and runs each step as given:
     * the curve must be that of a plain cpu run.
     */
    @Test void fullBatchStepsGoToARecordingBackendKeyedByParity(@TempDir Path tmp) throws Exception {
        TrainConfig cfg = small("cpu", 2).with(java.util.Map.of("train_limit", 1000), "test");   // 16 steps, the last of 40 images
        List<Integer> keys = new java.util.ArrayList<>();
        int[] forgotten = {0};
        try (Backend cpu = Backends.open("cpu", 2)) {
            Backend recording = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
                    new Class<?>[] {Backend.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "recordsSteps" -> true;
                        case "recordedStep" -> {
                            keys.add((Integer) args[0]);
                            ((Runnable) args[1]).run();
                            yield null;
                        }
                        case "forgetRecordedSteps" -> {
                            keys.add(-1);
                            forgotten[0]++;
                            yield null;
                        }
                        default -> {
                            try {
                                yield method.invoke(cpu, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    });
            new Trainer(cfg, recording, TestData.mnist(), tmp.resolve("rec"), new PrintStream(new ByteArrayOutputStream())).run(false);
        }
        List<Integer> epoch = new java.util.ArrayList<>(List.of(-1));
        for (int s = 0; s < 14; s++) epoch.add(s % 2);                 // steps 0..13; 14 (next batch short) and 15 run as usual
        List<Integer> expected = new java.util.ArrayList<>(epoch);
        expected.addAll(epoch);
        assertEquals(expected, keys);
        assertEquals(2, forgotten[0]);
        train(cfg, tmp.resolve("plain"), false);
        assertEquals(deterministicRows(tmp.resolve("plain/metrics.csv")), deterministicRows(tmp.resolve("rec/metrics.csv")));
    }
}
