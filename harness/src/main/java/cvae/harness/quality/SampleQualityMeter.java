package cvae.harness.quality;

import cvae.harness.data.Mnist;
import cvae.harness.model.Cvae;
import cvae.harness.model.DigitClassifier;
import cvae.harness.train.Normalization;
import cvae.kernels.Backend;
import cvae.kernels.Tensor;

import static cvae.harness.model.ModelConfig.CLASSES;
import static cvae.harness.model.ModelConfig.PIXELS;

/**
 * Measures {@link SampleQuality} after an epoch. The eps come from one fixed stream per
 * seed, so that every epoch judges the same draws; the real-digit references and the
 * background masks are computed once. Costs one prior-and-decoder pass and one classifier
 * pass over {@code 10 × perLabel} samples (1,000 by default: about 2 GFLOP, a few tens of
 * milliseconds on the CPU).
 */
public final class SampleQualityMeter {
    /** The eps stream of the quality samples (the trainer's streams are 1..3 << 40). */
    public static final long STREAM_QUALITY = 4L << 40;

    private final Backend be;
    private final Cvae model;
    private final DigitClassifier classifier;
    private final long seed;
    private final int perLabel, chunk;
    private final boolean[][] background;
    private final double realTv, realHf, realBackground;
    private final Tensor labels, images;

    /**
     * @param data     the dataset (masks from the training images, references from the test images)
     * @param norm     the model's pixel scale
     * @param perLabel samples per label
     */
    public SampleQualityMeter(Backend be, Cvae model, DigitClassifier classifier, Mnist.Dataset data,
                              Normalization norm, long seed, int perLabel) {
        this.be = be;
        this.model = model;
        this.classifier = classifier;
        this.seed = seed;
        this.perLabel = perLabel;
        this.chunk = Math.max(10, model.maxBatch() / 10 * 10);    // whole rows of 10 labels per pass
        Mnist.Split train = data.train(), test = data.test();
        background = ImageMeasures.backgroundMasks(train.images(), train.labels(), train.count());
        float[] real = norm.apply(test.images());
        float[] scaled = real.clone();
        DigitClassifier.minMax(scaled, test.count());
        double tv = 0, hf = 0, bg = 0;
        for (int i = 0; i < test.count(); i++) {
            tv += ImageMeasures.totalVariation(scaled, i * PIXELS);
            hf += ImageMeasures.laplacianEnergy(scaled, i * PIXELS);
            bg += ImageMeasures.maskedMean(real, i * PIXELS, background[test.labels()[i]]);
        }
        realTv = tv / test.count();
        realHf = hf / test.count();
        realBackground = bg / test.count();
        float[] y = new float[chunk * CLASSES];
        for (int i = 0; i < chunk; i++) y[i * CLASSES + i % CLASSES] = 1f;     // sample i is for label i mod 10
        labels = be.tensor(chunk, CLASSES);
        be.upload(labels, y);
        images = be.tensor(chunk, PIXELS);
    }

    /** The samples of the current weights: {@code 10 × perLabel} rows of 784, sample i for label i mod 10. */
    public float[] samples() {
        int n = CLASSES * perLabel;
        float[] all = new float[n * PIXELS];
        float[] part = new float[chunk * PIXELS];
        for (int s = 0, c = 0; s < n; s += chunk, c++) {
            int b = Math.min(chunk, n - s);
            model.infer(images.rows(b), labels.rows(b), seed, STREAM_QUALITY + c);
            if (part.length != b * PIXELS) part = new float[b * PIXELS];
            be.download(part, images.rows(b));
            System.arraycopy(part, 0, all, s * PIXELS, b * PIXELS);
        }
        return all;
    }

    public SampleQuality measure() {
        long t0 = System.nanoTime();
        float[] x = samples();
        int n = CLASSES * perLabel;
        int[] pred = classifier.predict(x, n);
        return compute(x, n, pred, background, realTv, realHf, realBackground, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The metrics of {@code n} samples (sample i for label i mod 10, n a multiple of 10) with
     * the classifier's predictions {@code pred}; {@code bg} the background mask per label.
     * Noise (total variation, high-frequency energy) is measured on each image min-max
     * scaled to [0, 1], as the classifier sees it, so that contrast does not count as noise:
     * under {@code normalize: standard} a sigmoid decoder spans only [0, 1] of the data's
     * [−0.42, 2.82], and its samples would otherwise look three times smoother than they are.
     * Background is measured in the model's own scale.
     */
    public static SampleQuality compute(float[] x, int n, int[] pred, boolean[][] bg, double realTv, double realHf,
                                        double realBackground, double seconds) {
        int[][] confusion = new int[CLASSES][CLASSES];
        float[] scaled = java.util.Arrays.copyOf(x, n * PIXELS);
        DigitClassifier.minMax(scaled, n);
        double tv = 0, hf = 0, back = 0, drawn = 0;
        for (int i = 0; i < n; i++) {
            confusion[i % CLASSES][pred[i]]++;
            tv += ImageMeasures.totalVariation(scaled, i * PIXELS);
            hf += ImageMeasures.laplacianEnergy(scaled, i * PIXELS);
            back += ImageMeasures.maskedMean(x, i * PIXELS, bg[i % CLASSES]);
        }
        for (int g = 0; g < n; g += CLASSES) {        // the article drew one figure of the 10 labels at a time
            float[] r = ImageMeasures.articleRendering(x, g * PIXELS, CLASSES);
            for (int k = 0; k < CLASSES; k++) drawn += ImageMeasures.maskedMean(r, k * PIXELS, bg[k]);
        }
        double[] label = new double[CLASSES];
        int right = 0;
        for (int k = 0; k < CLASSES; k++) {
            int total = 0;
            for (int j = 0; j < CLASSES; j++) total += confusion[k][j];
            label[k] = total == 0 ? Double.NaN : (double) confusion[k][k] / total;
            right += confusion[k][k];
        }
        return new SampleQuality((double) right / n, label, confusion, tv / n, realTv, hf / n, realHf, back / n,
                realBackground, drawn / n, seconds);
    }
}
