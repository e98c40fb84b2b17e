package cvae.harness.train;

import cvae.harness.UserError;
import cvae.harness.quality.SampleQuality;
import cvae.harness.sweep.Experiment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The normalize key, and metrics.csv with and without the quality columns. */
class NormalizationTest {
    @Test void standardIsTorchvisionsMeanAndStd() {
        Normalization s = Normalization.of("standard");
        assertEquals((0.5f - 0.1307f) / 0.3081f, s.apply(0.5f), 1e-6);
        assertEquals(-0.1307 / 0.3081, s.black(), 1e-6);
        assertEquals((1 - 0.1307) / 0.3081, s.white(), 1e-6);
        float[] px = {0f, 1f};
        assertSame(px, Normalization.NONE.apply(px));
    }

    @Test void anUnknownModeIsRefusedWithTheKeyAndTheChoices() {
        UserError e = assertThrows(UserError.class,
                () -> TrainConfig.defaults().with(Map.of("normalize", "zscore"), "exp.yaml").validate("exp.yaml"));
        assertTrue(e.getMessage().contains("normalize = zscore") && e.getMessage().contains("none, standard"), e.getMessage());
    }

    @Test void theDefaultLeavesTrialIdentitiesAsTheyWere() {
        // sweeps committed before the key existed must still match their manifests
        assertFalse(Experiment.identity(TrainConfig.defaults()).containsKey("normalize"));
        assertEquals("standard", Experiment.identity(TrainConfig.defaults().with(Map.of("normalize", "standard"), "t")).get("normalize"));
        assertTrue(TrainConfig.defaults().toYaml().contains("normalize: none"));
    }

    @Test void metricsCsvReadsRowsWithAndWithoutQuality(@TempDir Path tmp) throws Exception {
        double[] label = new double[10];
        java.util.Arrays.fill(label, 0.5);
        SampleQuality q = new SampleQuality(0.5, label, new int[10][10], 80, 100, 0.1, 0.18, 0.001, 0.0002, 0.01, 0.02);
        EpochMetrics with = new EpochMetrics(0, 0.02, 0.019, 60, 0.018, 0.017, 61, 3, 20000, 0.3, q);
        EpochMetrics without = new EpochMetrics(1, 0.01, 0.009, 60, 0.011, 0.010, 61, 3, 20000, 0.3, null);
        Path f = tmp.resolve("metrics.csv");
        MetricsCsv.write(f, List.of(with, without));
        List<String> lines = Files.readAllLines(f);
        int columns = lines.getFirst().split(",", -1).length;
        for (String l : lines) assertEquals(columns, l.split(",", -1).length, l);
        List<EpochMetrics> back = MetricsCsv.read(f, 2);
        assertEquals(0.5, back.get(0).quality().accuracy());
        assertNull(back.get(1).quality());
        assertEquals(0.018 - 0.02, back.get(0).gap(), 1e-12);
        // a file from before the quality columns (10 columns) still reads
        Files.writeString(f, EpochMetrics.LOSS_HEADER + "\n0,0.02,0.019,60,0.018,0.017,61,3.000,20000.0,0.300\n");
        EpochMetrics old = MetricsCsv.read(f, 1).getFirst();
        assertNull(old.quality());
        assertEquals(0.018, old.testLoss());
    }
}
