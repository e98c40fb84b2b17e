package cvae.harness.plot;

import java.util.Locale;

/**
 * A colour map built the way matplotlib builds one from a list of colours
 * ({@code LinearSegmentedColormap.from_list(name, colors, N=256)}): the colours sit at
 * evenly spaced nodes on [0, 1], a 256-entry lookup table is filled by linear
 * interpolation between them (matplotlib's {@code _create_lookup_table}), and a value
 * {@code t} picks entry {@code floor(t * 256)}, clamped to [0, 255] (matplotlib's
 * {@code Colormap.__call__} for floats). Out-of-range values clamp to the ends; NaN
 * gives {@link #BAD_RGB}.
 *
 * <p>{@link #BUGN} is matplotlib's 'BuGn' (from {@code _BuGn_data}, the 9-colour
 * ColorBrewer sequence); {@link #GRAY} is matplotlib's 'gray' (black to white).
 *
 * <p>Bytes are {@code round(255 * c)}, so the ends are exactly ColorBrewer's
 * {@code #f7fcfd} and {@code #00441b}. (matplotlib's own {@code bytes=True} path
 * truncates instead, which makes some channels one lower, e.g. {@code #f6fbfc}.)
 */
public final class ColorMap {

    /** Entries in the lookup table, matplotlib's default {@code rcParams['image.lut']}. */
    public static final int LUT_SIZE = 256;

    /** Colour for NaN values: white, the figure background that matplotlib shows through. */
    public static final int BAD_RGB = 0xFFFFFF;

    private static final double[][] BUGN_DATA = {
        {0.96862745098039216, 0.98823529411764710, 0.99215686274509807},
        {0.89803921568627454, 0.96078431372549022, 0.97647058823529409},
        {0.80000000000000004, 0.92549019607843142, 0.90196078431372551},
        {0.59999999999999998, 0.84705882352941175, 0.78823529411764703},
        {0.40000000000000002, 0.76078431372549016, 0.64313725490196083},
        {0.25490196078431371, 0.68235294117647061, 0.46274509803921571},
        {0.13725490196078433, 0.54509803921568623, 0.27058823529411763},
        {0.00000000000000000, 0.42745098039215684, 0.17254901960784313},
        {0.00000000000000000, 0.26666666666666666, 0.10588235294117647},
    };

    /** matplotlib's 'BuGn'. */
    public static final ColorMap BUGN = fromList("BuGn", BUGN_DATA);

    /** matplotlib's 'gray': entry i is (i/255, i/255, i/255). */
    public static final ColorMap GRAY = fromList("gray", new double[][] {{0, 0, 0}, {1, 1, 1}});

    private final String name;
    private final double[][] lut; // [LUT_SIZE][3], channels in [0, 1]
    private final int[] rgb;      // [LUT_SIZE], 0xRRGGBB

    private ColorMap(String name, double[][] lut) {
        this.name = name;
        this.lut = lut;
        this.rgb = new int[lut.length];
        for (int i = 0; i < lut.length; i++) {
            rgb[i] = (toByte(lut[i][0]) << 16) | (toByte(lut[i][1]) << 8) | toByte(lut[i][2]);
        }
    }

    /**
     * A colour map from RGB colours (channels in [0, 1]) placed at evenly spaced nodes,
     * as matplotlib's {@code LinearSegmentedColormap.from_list} with N = 256.
     */
    public static ColorMap fromList(String name, double[][] colors) {
        if (colors.length < 2) throw new IllegalArgumentException("need at least 2 colours");
        int n = colors.length;
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            if (colors[k].length != 3) throw new IllegalArgumentException("colour " + k + " is not RGB");
            // numpy linspace(0, 1, n) * (N - 1)
            x[k] = (k == n - 1 ? 1.0 : k * (1.0 / (n - 1))) * (LUT_SIZE - 1);
        }
        double[][] lut = new double[LUT_SIZE][3];
        for (int c = 0; c < 3; c++) {
            lut[0][c] = colors[0][c];
            lut[LUT_SIZE - 1][c] = colors[n - 1][c];
            for (int i = 1; i < LUT_SIZE - 1; i++) {
                int j = 1; // numpy searchsorted(x, i, side='left'): first j with x[j] >= i
                while (x[j] < i) j++;
                double distance = (i - x[j - 1]) / (x[j] - x[j - 1]);
                double v = distance * (colors[j][c] - colors[j - 1][c]) + colors[j - 1][c];
                lut[i][c] = Math.min(1.0, Math.max(0.0, v));
            }
        }
        return new ColorMap(name, lut);
    }

    /** "BuGn" or "gray" (case-insensitive; "grey" too). */
    public static ColorMap byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "bugn" -> BUGN;
            case "gray", "grey" -> GRAY;
            default -> throw new IllegalArgumentException("unknown colour map: " + name + " (known: BuGn, gray)");
        };
    }

    public String name() { return name; }

    /** Lookup-table entry for {@code t}: {@code floor(t * 256)} clamped to [0, 255]; -1 for NaN. */
    public int index(double t) {
        if (Double.isNaN(t)) return -1;
        if (t <= 0) return 0;
        if (t >= 1) return LUT_SIZE - 1;
        return Math.min(LUT_SIZE - 1, (int) (t * LUT_SIZE));
    }

    /** The colour for {@code t} in [0, 1] (clamped) as 0xRRGGBB; {@link #BAD_RGB} for NaN. */
    public int rgb(double t) {
        int i = index(t);
        return i < 0 ? BAD_RGB : rgb[i];
    }

    /** The colour for {@code t} as (r, g, b) in [0, 1], before rounding to bytes; white for NaN. */
    public double[] rgbFloat(double t) {
        int i = index(t);
        return i < 0 ? new double[] {1, 1, 1} : lut[i].clone();
    }

    @Override public String toString() { return "ColorMap[" + name + "]"; }

    private static int toByte(double c) {
        return (int) Math.round(Math.min(1.0, Math.max(0.0, c)) * 255.0);
    }
}
