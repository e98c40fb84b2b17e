package cvae.harness.sweep;

import cvae.harness.quality.SampleQuality;
import cvae.harness.train.ConfusionCsv;
import cvae.harness.train.EpochMetrics;
import cvae.harness.train.MetricsCsv;
import cvae.harness.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** bin/harness findings on hand-made run directories: means over seeds, ranges, the 0 → 8 share. */
class FindingsTest {
    static void run(Path dir, long seed, double[] testLoss, double[] acc, int zeroAsEight) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.yaml"), TrainConfig.defaults().with(Map.of("seed", seed, "epochs", testLoss.length), "t").toYaml());
        List<EpochMetrics> rows = new ArrayList<>();
        List<String> conf = new ArrayList<>();
        for (int e = 0; e < testLoss.length; e++) {
            double[] label = new double[10];
            java.util.Arrays.fill(label, acc[e]);
            int[][] c = new int[10][10];
            for (int k = 0; k < 10; k++) c[k][k] = 10;
            c[0][0] = 10 - zeroAsEight;
            c[0][8] = zeroAsEight;
            SampleQuality q = new SampleQuality(acc[e], label, c, 80, 100, 0.1, 0.2, 0.001, 0.0, 0.25, 0.01);
            rows.add(new EpochMetrics(e, testLoss[e] - 0.001, 0, 0, testLoss[e], 0, 0, 1, 1, 0.1, q));
            conf.addAll(ConfusionCsv.rows(e, c));
        }
        MetricsCsv.write(dir.resolve("metrics.csv"), rows);
        ConfusionCsv.write(dir.resolve("confusion.csv"), conf);
    }

    @Test void meansOverSeedsWithTheirRange(@TempDir Path tmp) throws Exception {
        run(tmp.resolve("seed=0"), 0, new double[]{0.02, 0.01}, new double[]{0.5, 0.7}, 2);
        run(tmp.resolve("seed=1"), 1, new double[]{0.04, 0.01}, new double[]{0.7, 0.7}, 4);
        String md = Findings.write(Results.collect(tmp));
        // epoch 0: test loss mean 0.03 in [0.02, 0.04]; classifier agreement 0.6 in [0.5, 0.7]; 0 → 8 share 0.3 in [0.2, 0.4]
        assertTrue(md.contains("| 0 | 0.03000 [0.02000, 0.04000] | +0.00100 | 0.600 [0.500, 0.700] |"), md);
        assertTrue(md.contains("| 0.30 [0.20, 0.40] |"), md);
        // epoch 1: both seeds agree, so no range; TV / real = 0.8, background in pixel units 0.001, drawn 0.25
        assertTrue(md.contains("| 1 | 0.01000 | +0.00100 | 0.700 |"), md);
        assertTrue(md.contains("| 0.800 | 0.500 | 0.0010 | 0.250 |"), md);
        // the overview: best epoch of each seed
        assertTrue(md.contains("| 1, 1 |"), md);
        assertTrue(Files.exists(tmp.resolve(Findings.MD)) && Files.exists(tmp.resolve(Findings.PNG)));
    }
}
