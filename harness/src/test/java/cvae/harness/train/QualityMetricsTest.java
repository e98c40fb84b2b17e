package cvae.harness.train;

import cvae.harness.TestData;
import cvae.harness.io.Json;
import cvae.harness.quality.SampleQuality;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A short real run with the sample-quality metrics: every metric is there, in range, deterministic, and harmless. */
class QualityMetricsTest {
    static final Trainer.Quality QUALITY = new Trainer.Quality(TestData.repoRoot().resolve("results/classifier/digit-mlp.safetensors"), 20);

    static TrainConfig small(String normalize) {
        return TrainConfig.defaults().with(Map.of("epochs", 2, "train_limit", 2048, "test_limit", 500, "threads", 2,
                "eval_batch", 250, "normalize", normalize), "test").validate("test");
    }

    static List<EpochMetrics> run(TrainConfig cfg, Path out, Trainer.Quality q) throws Exception {
        try (Backend be = Backends.open(cfg.backend(), cfg.resolvedThreads())) {
            new Trainer(cfg, be, TestData.mnist(), out, new PrintStream(new ByteArrayOutputStream())).quality(q).run(false);
        }
        return MetricsCsv.read(out.resolve("metrics.csv"), cfg.epochs());
    }

    @Test void everyMetricIsComputedAndInItsRange(@TempDir Path tmp) throws Exception {
        for (String norm : List.of("none", "standard")) {
            Path out = tmp.resolve(norm);
            TrainConfig cfg = small(norm);
            List<EpochMetrics> rows = run(cfg, out, QUALITY);
            assertEquals(2, rows.size());
            Normalization n = cfg.normalization();
            for (EpochMetrics m : rows) {
                SampleQuality q = m.quality();
                assertNotNull(q, "quality of epoch " + m.epoch());
                assertEquals(m.testLoss() - m.trainLoss(), m.gap(), 1e-15);
                assertTrue(q.accuracy() >= 0 && q.accuracy() <= 1, "accuracy " + q.accuracy());
                double mean = 0;
                for (double a : q.labelAccuracy()) {
                    assertTrue(a >= 0 && a <= 1, "label accuracy " + a);
                    mean += a / 10;
                }
                assertEquals(q.accuracy(), mean, 1e-5, "equal samples per label: overall = mean of labels");
                assertTrue(q.tv() > 0 && q.realTv() > 0 && q.hf() > 0 && q.realHf() > 0, q.csv());
                // a sigmoid decoder's samples lie in [0, 1]; the real digits span the model's black..white
                assertTrue(q.background() >= 0 && q.background() <= 1, "background " + q.background());
                assertTrue(q.realBackground() >= n.black() && q.realBackground() < n.black() + 0.01 * (n.white() - n.black()),
                        "real digits' background is nearly black: " + q.realBackground());
                assertTrue(q.renderedBackground() >= 0 && q.renderedBackground() <= 1, "rendered " + q.renderedBackground());
                assertTrue(q.seconds() >= 0);
            }
            // confusion.csv: 10 rows per epoch, each row counts the 20 samples of its label
            List<String> lines = Files.readAllLines(out.resolve("confusion.csv"));
            assertEquals(ConfusionCsv.HEADER, lines.getFirst());
            assertEquals(1 + 20, lines.size());
            Map<Integer, int[][]> conf = ConfusionCsv.parse(out.resolve("confusion.csv"));
            for (int e = 0; e < 2; e++)
                for (int k = 0; k < 10; k++) {
                    int[] row = conf.get(e)[k];
                    assertEquals(20, java.util.Arrays.stream(row).sum());
                    assertEquals(rows.get(e).quality().labelAccuracy()[k], row[k] / 20.0, 1e-6);
                }
            // run.json records the classifier and its measured accuracy
            @SuppressWarnings("unchecked")
            Map<String, Object> info = (Map<String, Object>) Json.parse(Files.readString(out.resolve("run.json")));
            @SuppressWarnings("unchecked")
            Map<String, Object> cl = (Map<String, Object>) info.get("classifier");
            assertTrue(((Number) cl.get("test_accuracy")).doubleValue() >= 0.98, cl.toString());
            assertTrue(Files.exists(out.resolve("samples/epoch0001.png")));
        }
    }

    @Test void metricsAreDeterministicAndDoNotTouchTheLossCurve(@TempDir Path tmp) throws Exception {
        TrainConfig cfg = small("none");
        List<EpochMetrics> a = run(cfg, tmp.resolve("a"), QUALITY);
        List<EpochMetrics> b = run(cfg.with(Map.of("threads", 1), "t"), tmp.resolve("b"), QUALITY);
        List<EpochMetrics> off = run(cfg, tmp.resolve("off"), null);
        assertEquals(a.stream().map(EpochMetrics::deterministicPart).toList(), off.stream().map(EpochMetrics::deterministicPart).toList(),
                "measuring the samples must not change the curve");
        assertEquals(Files.readString(tmp.resolve("a/confusion.csv")), Files.readString(tmp.resolve("b/confusion.csv")));
        for (int e = 0; e < 2; e++) {
            String qa = a.get(e).quality().csv(), qb = b.get(e).quality().csv();
            assertEquals(qa.substring(0, qa.lastIndexOf(',')), qb.substring(0, qb.lastIndexOf(',')), "epoch " + e);
        }
        assertNull(off.getFirst().quality());
        assertFalse(Files.exists(tmp.resolve("off/confusion.csv")));
        // the two normalisations train different curves
        List<EpochMetrics> std = run(small("standard"), tmp.resolve("std"), null);
        assertNotEquals(off.getFirst().deterministicPart(), std.getFirst().deterministicPart());
    }
}
