package cvae.harness.sweep;

import cvae.harness.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The demonstration, small: a sweep killed with SIGKILL in the middle of a trial and
 * run again finishes every trial exactly once, and its summary.csv has the deterministic
 * columns of an uninterrupted sweep's (which runs with other jobs and threads, too).
 */
class SweepKillTest {
    static final String EXPERIMENT = """
            name: kill
            base:
              epochs: 3
              train_limit: 1000
              test_limit: 500
              eval_batch: 250
            grid:
              batch_size: [32, 100]
              lr: [1.0e-3, 3.0e-3]
            """;
    static final List<String> TRIALS = List.of("batch_size=32,lr=0.001", "batch_size=32,lr=0.003", "batch_size=100,lr=0.001",
            "batch_size=100,lr=0.003");

    /** The sweep in a child JVM, one trial at a time so that the kill lands at a known trial. */
    static Process start(Path file, Path out, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dcvae.home=" + TestData.repoRoot(),
                "-cp", System.getProperty("java.class.path"), "cvae.harness.Main",
                "sweep", file.toString(), "--out", out.toString(), "--jobs", "1",
                "--data", TestData.repoRoot().resolve("data/mnist").toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test void aSweepKilledMidTrialAndRunAgainEqualsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        TestData.mnist();
        Path file = tmp.resolve("kill.yaml");
        Files.writeString(file, EXPERIMENT);
        Path out = tmp.resolve("killed");

        // 1. start, and kill -9 as soon as the second trial has its first checkpoint (the first has finished; 2 epochs to go)
        Process p = start(file, out, tmp.resolve("run1.log")), q = null;
        try {
            Path ckpt = out.resolve(TRIALS.get(1)).resolve("checkpoint.safetensors");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(p.isAlive(), "the sweep ended before it could be killed: " + Files.readString(tmp.resolve("run1.log")));
            assertTrue(Files.exists(ckpt), "no checkpoint of the second trial in time");
            p.destroyForcibly();                                    // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");

            assertEquals(Results.Status.FINISHED, Results.status(out.resolve(TRIALS.get(0))));
            assertNotEquals(Results.Status.FINISHED, Results.status(out.resolve(TRIALS.get(1))), "killed mid-trial");
            assertFalse(Files.exists(out.resolve(TRIALS.get(3)).resolve("metrics.csv")));
            String firstRunJson = Files.readString(out.resolve(TRIALS.get(0)).resolve("run.json"));
            String secondEpoch0 = Files.readAllLines(out.resolve(TRIALS.get(1)).resolve("metrics.csv")).get(1);

            // 2. the same command again
            q = start(file, out, tmp.resolve("run2.log"));
            assertTrue(q.waitFor(180, TimeUnit.SECONDS), "the resumed sweep took too long");
            String log = Files.readString(tmp.resolve("run2.log"));
            assertEquals(0, q.exitValue(), log);
            assertTrue(log.contains("skipping 1 of 4 trials already done"), log);
            assertTrue(log.contains("resume  " + TRIALS.get(1) + "  at epoch "), log);

            // every trial finished exactly once
            assertEquals(firstRunJson, Files.readString(out.resolve(TRIALS.get(0)).resolve("run.json")), "the finished trial was not rerun");
            assertEquals(secondEpoch0, Files.readAllLines(out.resolve(TRIALS.get(1)).resolve("metrics.csv")).get(1),
                    "the checkpointed epoch was not retrained (its timings are those of the first run)");
            for (String t : TRIALS) {
                Path rd = out.resolve(t);
                assertEquals(Results.Status.FINISHED, Results.status(rd), t);
                List<String> rows = Files.readAllLines(rd.resolve("metrics.csv"));
                assertEquals(4, rows.size(), t + ": header and one row per epoch");
                for (int e = 0; e < 3; e++) assertTrue(rows.get(e + 1).startsWith(e + ","), t);
                assertTrue(Files.exists(rd.resolve("samples/epoch0002.png")), t);
            }
            try (Stream<Path> all = Files.walk(out)) {
                assertEquals(List.of(), all.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no temp files left");
            }
        } finally {
            p.destroyForcibly();
            if (q != null) q.destroyForcibly();
        }

        // 3. an uninterrupted sweep elsewhere, 2 jobs of 1 thread: the same deterministic columns
        Path whole = tmp.resolve("whole");
        assertEquals(0, cvae.harness.Main.run(new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(System.err, true),
                "sweep", file.toString(), "--out", whole.toString(), "--jobs", "2",
                "--data", TestData.repoRoot().resolve("data/mnist").toString()));
        assertEquals(deterministic(whole.resolve("summary.csv")), deterministic(out.resolve("summary.csv")));
        for (String t : TRIALS)
            assertEquals(Compare.compare(Csv.read(whole.resolve(t).resolve("metrics.csv")), Csv.read(out.resolve(t).resolve("metrics.csv")),
                    0, 0, null).cells().stream().filter(c -> !c.within()).toList(), List.of(), t + ": the same curve to the bit");
    }

    /** summary.csv without its timing columns (seconds, samples_per_s). */
    static List<List<String>> deterministic(Path summary) {
        Csv.Table t = Csv.read(summary);
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < t.header().size(); i++) if (!Summary.TIMING.contains(t.header().get(i))) keep.add(i);
        List<List<String>> out = new ArrayList<>();
        out.add(keep.stream().map(t.header()::get).toList());
        for (List<String> r : t.rows()) out.add(keep.stream().map(r::get).toList());
        assertEquals(5, out.size());
        return out;
    }
}
