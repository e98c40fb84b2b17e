package cvae.harness.quality;

import static cvae.harness.model.ModelConfig.CLASSES;
import static cvae.harness.model.ModelConfig.PIXELS;

/**
 * The per-image measures behind the sample-quality metrics, on 28×28 images stored as rows
 * of 784 floats (row-major). Pure functions, so that a test can check each against a value
 * worked out by hand.
 */
public final class ImageMeasures {
    public static final int SIDE = 28;
    /** A pixel belongs to label k's digit support when the mean training image of k exceeds this (in [0, 1]). */
    public static final double SUPPORT_THRESHOLD = 0.05;
    /** The support is dilated by this many pixels (a (2r+1)² square) before its outside counts as background. */
    public static final int DILATION = 2;

    private ImageMeasures() {}

    /**
     * Anisotropic total variation: Σ |x(r, c+1) − x(r, c)| + Σ |x(r+1, c) − x(r, c)| over the
     * 28·27 horizontal and 27·28 vertical neighbour pairs. Noise raises it; blur lowers it.
     */
    public static double totalVariation(float[] img, int offset) {
        double s = 0;
        for (int r = 0; r < SIDE; r++)
            for (int c = 0; c < SIDE; c++) {
                int i = offset + r * SIDE + c;
                if (c + 1 < SIDE) s += Math.abs(img[i + 1] - img[i]);
                if (r + 1 < SIDE) s += Math.abs(img[i + SIDE] - img[i]);
            }
        return s;
    }

    /**
     * High-frequency energy: the mean over the 26×26 interior pixels of the squared discrete
     * Laplacian, (4·x − up − down − left − right)². Pixel noise raises it far more than strokes do.
     */
    public static double laplacianEnergy(float[] img, int offset) {
        double s = 0;
        for (int r = 1; r < SIDE - 1; r++)
            for (int c = 1; c < SIDE - 1; c++) {
                int i = offset + r * SIDE + c;
                double l = 4.0 * img[i] - img[i - 1] - img[i + 1] - img[i - SIDE] - img[i + SIDE];
                s += l * l;
            }
        return s / ((SIDE - 2) * (SIDE - 2));
    }

    /** The mean of the pixels of one image where {@code mask} is true (NaN when the mask is empty). */
    public static double maskedMean(float[] img, int offset, boolean[] mask) {
        double s = 0;
        int n = 0;
        for (int p = 0; p < PIXELS; p++)
            if (mask[p]) {
                s += img[offset + p];
                n++;
            }
        return n == 0 ? Double.NaN : s / n;
    }

    /**
     * The background of each label: the pixels outside the support of its mean image
     * ({@link #SUPPORT_THRESHOLD}) dilated by {@link #DILATION}. {@code images} are in [0, 1].
     */
    public static boolean[][] backgroundMasks(float[] images, byte[] labels, int count) {
        double[][] mean = new double[CLASSES][PIXELS];
        int[] n = new int[CLASSES];
        for (int i = 0; i < count; i++) {
            int k = labels[i];
            n[k]++;
            for (int p = 0; p < PIXELS; p++) mean[k][p] += images[i * PIXELS + p];
        }
        boolean[][] bg = new boolean[CLASSES][];
        for (int k = 0; k < CLASSES; k++) {
            boolean[] support = new boolean[PIXELS];
            for (int p = 0; p < PIXELS; p++) support[p] = n[k] > 0 && mean[k][p] / n[k] > SUPPORT_THRESHOLD;
            bg[k] = outside(dilate(support, DILATION));
        }
        return bg;
    }

    /** {@code mask} grown by {@code r} pixels in every direction (a square structuring element). */
    public static boolean[] dilate(boolean[] mask, int r) {
        boolean[] out = new boolean[PIXELS];
        for (int y = 0; y < SIDE; y++)
            for (int x = 0; x < SIDE; x++) {
                if (!mask[y * SIDE + x]) continue;
                for (int dy = -r; dy <= r; dy++)
                    for (int dx = -r; dx <= r; dx++) {
                        int yy = y + dy, xx = x + dx;
                        if (yy >= 0 && yy < SIDE && xx >= 0 && xx < SIDE) out[yy * SIDE + xx] = true;
                    }
            }
        return out;
    }

    static boolean[] outside(boolean[] mask) {
        boolean[] out = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) out[i] = !mask[i];
        return out;
    }

    /**
     * What the article's plot showed, as each pixel's position on the colour map (0 = the
     * lightest BuGn colour, 1 = the darkest), for {@code count} images drawn in one figure.
     * The article's code runs, on the whole figure's batch,
     * {@code x += x.min(); x /= x.max(); x *= 255; x = x.astype(np.uint8)} (note the
     * {@code +=}: it shifts by the minimum instead of subtracting it), and then matplotlib's
     * {@code imshow} rescales each digit by its own minimum and maximum. A constant digit maps
     * to 0. Values below 0 after the shift (only possible for a negative minimum) are taken as 0.
     */
    public static float[] articleRendering(float[] images, int offset, int count) {
        float min = Float.POSITIVE_INFINITY;
        for (int i = 0; i < count * PIXELS; i++) min = Math.min(min, images[offset + i]);
        float[] x = new float[count * PIXELS];
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            x[i] = images[offset + i] + min;          // x += x.min()   (float32, as numpy)
            max = Math.max(max, x[i]);
        }
        for (int i = 0; i < x.length; i++) {
            float v = x[i] / max * 255f;              // x /= x.max(); x *= 255
            x[i] = v > 0 ? (float) Math.floor(v) : 0f; // astype(np.uint8) truncates
        }
        for (int d = 0; d < count; d++) {            // imshow's per-digit autoscale
            int o = d * PIXELS;
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < PIXELS; p++) {
                lo = Math.min(lo, x[o + p]);
                hi = Math.max(hi, x[o + p]);
            }
            for (int p = 0; p < PIXELS; p++) x[o + p] = hi > lo ? (x[o + p] - lo) / (hi - lo) : 0f;
        }
        return x;
    }
}
