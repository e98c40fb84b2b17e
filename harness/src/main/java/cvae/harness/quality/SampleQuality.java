package cvae.harness.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static cvae.harness.model.ModelConfig.CLASSES;

/**
 * How good one epoch's prior samples are (the article's {@code infer(y)}, a fixed set of
 * eps per seed, the same number per label):
 * <ul>
 *   <li>{@code accuracy}: the share of samples for label k that the digit classifier calls k,
 *       over all labels, and {@code labelAccuracy[k]} per label; {@code confusion[k][j]}
 *       counts samples for label k called j;</li>
 *   <li>noise: the mean {@link ImageMeasures#totalVariation total variation} and
 *       {@link ImageMeasures#laplacianEnergy high-frequency energy} of the samples, next to
 *       those of the real test digits, each image min-max scaled to [0, 1] first;</li>
 *   <li>background: the mean of the pixels outside each label's dilated digit support, in
 *       the model's pixel scale, next to the real test digits' own; and the same region's
 *       mean position on the colour map as the article's min-max plot draws it
 *       ({@code renderedBackground}: 0 = lightest, 1 = darkest).</li>
 * </ul>
 */
public record SampleQuality(double accuracy, double[] labelAccuracy, int[][] confusion,
                            double tv, double realTv, double hf, double realHf,
                            double background, double realBackground, double renderedBackground, double seconds) {

    /** The columns in metrics.csv, after the loss columns. */
    public static final List<String> COLUMNS;

    static {
        List<String> c = new ArrayList<>(List.of("cond_acc"));
        for (int k = 0; k < CLASSES; k++) c.add("cond_acc_" + k);
        c.addAll(List.of("sample_tv", "real_tv", "sample_hf", "real_hf", "background", "real_background",
                "rendered_background", "quality_seconds"));
        COLUMNS = List.copyOf(c);
    }

    /** The values of {@link #COLUMNS}, with 6 significant digits (seconds with 3 decimals). */
    public String csv() {
        StringBuilder sb = new StringBuilder(f(accuracy));
        for (double a : labelAccuracy) sb.append(',').append(f(a));
        for (double v : new double[]{tv, realTv, hf, realHf, background, realBackground, renderedBackground})
            sb.append(',').append(f(v));
        return sb.append(',').append(String.format(Locale.ROOT, "%.3f", seconds)).toString();
    }

    /** Parses the values of {@link #COLUMNS} (the confusion matrix is not in metrics.csv: it comes back empty). */
    public static SampleQuality parse(String[] f, int from) {
        double[] v = new double[COLUMNS.size()];
        for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(f[from + i]);
        double[] label = Arrays.copyOfRange(v, 1, 1 + CLASSES);
        int o = 1 + CLASSES;
        return new SampleQuality(v[0], label, new int[0][], v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4], v[o + 5],
                v[o + 6], v[o + 7]);
    }

    private static String f(double v) { return String.format(Locale.ROOT, "%.6g", v); }

    /** A short line for the log. */
    public String logLine() {
        return String.format(Locale.ROOT, "samples: classifier agrees %.1f %%  tv %.1f (real %.1f)  hf %.4f (real %.4f)  "
                + "background %.4f (real %.4f, as drawn %.2f)", 100 * accuracy, tv, realTv, hf, realHf, background,
                realBackground, renderedBackground);
    }
}
