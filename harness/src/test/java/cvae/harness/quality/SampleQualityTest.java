package cvae.harness.quality;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static cvae.harness.model.ModelConfig.PIXELS;
import static org.junit.jupiter.api.Assertions.*;

/** {@link SampleQualityMeter#compute} on hand-made samples and predictions. */
class SampleQualityTest {

    @Test void accuracyConfusionNoiseAndBackgroundByHand() {
        // 20 samples: sample i is for label i mod 10. Every sample is the 2×2 white square on a
        // background of 0.25, except sample 10 (label 0), which is all 0.25.
        int n = 20;
        float[] x = new float[n * PIXELS];
        float[] sq = ImageMeasuresTest.square();
        for (int i = 0; i < n; i++)
            for (int p = 0; p < PIXELS; p++) x[i * PIXELS + p] = i == 10 ? 0.25f : (sq[p] == 1f ? 1f : 0.25f);
        // predictions: right for every sample except sample 10 (label 0, called 8) and sample 13 (label 3, called 5)
        int[] pred = new int[n];
        for (int i = 0; i < n; i++) pred[i] = i % 10;
        pred[10] = 8;
        pred[13] = 5;
        // background: label 0's mask is the whole image, the others' is pixel 0 alone
        boolean[][] bg = new boolean[10][PIXELS];
        Arrays.fill(bg[0], true);
        for (int k = 1; k < 10; k++) bg[k][0] = true;

        SampleQuality q = SampleQualityMeter.compute(x, n, pred, bg, 100, 0.2, 0.01, 0.5);
        assertEquals(18.0 / 20, q.accuracy(), 1e-12);
        assertEquals(0.5, q.labelAccuracy()[0], 0);
        assertEquals(0.5, q.labelAccuracy()[3], 0);
        assertEquals(1.0, q.labelAccuracy()[7], 0);
        assertEquals(1, q.confusion()[0][0]);
        assertEquals(1, q.confusion()[0][8]);
        assertEquals(1, q.confusion()[3][5]);
        assertEquals(2, q.confusion()[9][9]);
        assertEquals(n, Arrays.stream(q.confusion()).flatMapToInt(Arrays::stream).sum());
        // noise is measured after each image's min-max scaling (0.25 → 0, 1 → 1, the flat one → 0):
        // total variation: the square's 8 unit steps on 19 samples, 0 on the flat one
        assertEquals(19 * 8.0 / 20, q.tv(), 1e-9);
        // high-frequency energy: 24 / 676 on 19 samples
        assertEquals(19 * 24.0 / 676 / 20, q.hf(), 1e-9);
        // background in the model's scale: label 0's first sample averages the whole square image
        // (4 · 1 + 780 · 0.25) / 784, its second is 0.25; every other sample's pixel 0 is 0.25
        double label0 = (4 * 1.0 + 780 * 0.25) / 784;
        assertEquals((label0 + 19 * 0.25) / 20, q.background(), 1e-7);
        // as the article draws it: in each figure of 10 the square digits are 0.25 → 0 and 1 → 1 after
        // the min-max, so their background is the lightest colour; the flat digit is constant → 0.
        // Label 0's mask in the first figure covers the whole digit: 4/784 of it is 1.
        assertEquals((4.0 / 784) / 20, q.renderedBackground(), 1e-7);
        assertEquals(100, q.realTv());
        assertEquals(0.01, q.realBackground());
    }

    @Test void csvHasOneValuePerColumnAndParsesBack() {
        double[] label = new double[10];
        Arrays.fill(label, 0.75);
        SampleQuality q = new SampleQuality(0.75, label, new int[10][10], 61.5, 100.1, 0.05, 0.18, 0.01, 0.0002, 0.3, 0.042);
        String[] f = q.csv().split(",");
        assertEquals(SampleQuality.COLUMNS.size(), f.length);
        SampleQuality back = SampleQuality.parse(f, 0);
        assertEquals(0.75, back.accuracy());
        assertEquals(61.5, back.tv());
        assertEquals(0.3, back.renderedBackground());
        assertEquals(0.042, back.seconds());
    }
}
