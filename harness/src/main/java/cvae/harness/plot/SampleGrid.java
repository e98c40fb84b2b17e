package cvae.harness.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The article's picture: a grid of generated 28×28 digits, {@code rows} × 10, where row
 * {@code r}, column {@code k} is sample {@code r} for label {@code k}, i.e.
 * {@code images[r * 10 + k]} (each 784 values, row-major). Each digit is enlarged
 * {@value #ZOOM}× (nearest neighbour) and colour-mapped (BuGn by default). A title line
 * sits at the top (omitted when the title is null or blank) and the label digit above
 * each column.
 *
 * <p>Layout, in pixels: margin {@value #MARGIN} all round, gap {@value #GAP} between
 * digits, title band {@value #TITLE_H}, label band {@value #LABEL_H}; so the width is
 * always {@code 2*10 + 10*112 + 9*4 = 1176} and the height
 * {@code 2*10 + [30] + 20 + rows*112 + (rows-1)*4}.
 */
public final class SampleGrid {

    /** How pixel values map to the colour map. */
    public enum Scale {
        /** [lo, hi] (default [0, 1]) maps to [0, 1], clamped; the same for every digit. */
        FIXED,
        /**
         * Each digit is rescaled by its own minimum and maximum, as matplotlib's
         * {@code imshow} does by default (the article's rendering); a constant digit gets
         * the colour of 0. NaN pixels are ignored for the range and drawn white.
         */
        MINMAX
    }

    public static final int SIDE = 28;
    public static final int PIXELS = SIDE * SIDE;
    public static final int COLS = 10;
    public static final int ZOOM = 4;
    public static final int CELL = SIDE * ZOOM;

    static final int MARGIN = 10;
    static final int GAP = 4;
    static final int TITLE_H = 30;
    static final int LABEL_H = 20;
    static final int STACK_PAD = 12;
    static final int STACK_GAP = 6;
    /** Text sizes, in screen pixels per {@link BitmapFont} pixel. */
    static final int TITLE_SCALE = 2;
    static final int LABEL_SCALE = 2;
    static final int STACK_SCALE = 2;

    private static final Color TEXT = new Color(0x22, 0x22, 0x22);

    private SampleGrid() {}

    // ---- writing -------------------------------------------------------------------

    /** {@link #render(float[][], int, String, Scale)} written atomically as a PNG. */
    public static void write(Path png, float[][] images, int rows, String title, Scale scale) throws IOException {
        Png.write(png, render(images, rows, title, scale));
    }

    /** {@link #render(float[][], int, String, Scale, double, double)} written atomically as a PNG. */
    public static void write(Path png, float[][] images, int rows, String title, Scale scale,
                             double lo, double hi) throws IOException {
        Png.write(png, render(images, rows, title, scale, lo, hi));
    }

    /** As {@link #render(float[][], int, String, Scale, double, double, ColorMap)}, written atomically. */
    public static void write(Path png, float[][] images, int rows, String title, Scale scale,
                             double lo, double hi, ColorMap cmap) throws IOException {
        Png.write(png, render(images, rows, title, scale, lo, hi, cmap));
    }

    // ---- rendering -----------------------------------------------------------------

    /** BuGn, with FIXED meaning [0, 1]. */
    public static BufferedImage render(float[][] images, int rows, String title, Scale scale) {
        return render(images, rows, title, scale, 0.0, 1.0, ColorMap.BUGN);
    }

    /** BuGn; {@code lo, hi} are used by FIXED only. */
    public static BufferedImage render(float[][] images, int rows, String title, Scale scale,
                                       double lo, double hi) {
        return render(images, rows, title, scale, lo, hi, ColorMap.BUGN);
    }

    /**
     * The grid as an RGB image.
     *
     * @param images {@code rows * 10} digits, {@code images[r * 10 + k]} = sample r of label k,
     *               each {@value #PIXELS} values, row-major
     * @param rows   samples per label, at least 1
     * @param title  the line at the top, or null / blank for none
     * @param scale  FIXED ({@code lo..hi}) or MINMAX (per digit)
     * @param lo     value drawn as colour 0 under FIXED
     * @param hi     value drawn as colour 1 under FIXED; must exceed {@code lo}
     * @param cmap   colour map, e.g. {@link ColorMap#BUGN} or {@link ColorMap#GRAY}
     */
    public static BufferedImage render(float[][] images, int rows, String title, Scale scale,
                                       double lo, double hi, ColorMap cmap) {
        if (rows < 1) throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        if (images == null || images.length != rows * COLS) {
            throw new IllegalArgumentException("expected " + rows + " x " + COLS + " = " + rows * COLS
                    + " images, got " + (images == null ? "null" : images.length));
        }
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null || images[i].length != PIXELS) {
                throw new IllegalArgumentException("image " + i + " must have " + PIXELS + " values, got "
                        + (images[i] == null ? "null" : images[i].length));
            }
        }
        if (scale == null) throw new IllegalArgumentException("scale is null");
        if (scale == Scale.FIXED && !(hi > lo && Double.isFinite(lo) && Double.isFinite(hi))) {
            throw new IllegalArgumentException("FIXED scale needs finite lo < hi, got " + lo + ", " + hi);
        }
        if (cmap == null) throw new IllegalArgumentException("cmap is null");

        boolean hasTitle = title != null && !title.isBlank();
        BufferedImage img = Png.canvas(width(), height(rows, hasTitle));
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < COLS; k++) {
                paintDigit(img, images[r * COLS + k], cellX(k), cellY(r, hasTitle), scale, lo, hi, cmap);
            }
        }

        Graphics2D g = Png.graphics(img);
        if (hasTitle) {
            BitmapFont.drawCentered(g, title.strip(), img.getWidth() / 2.0, MARGIN + TITLE_H / 2.0,
                    MARGIN, img.getWidth() - MARGIN, TITLE_SCALE, true, TEXT);
        }
        int labelTop = MARGIN + (hasTitle ? TITLE_H : 0);
        for (int k = 0; k < COLS; k++) {
            BitmapFont.drawCentered(g, Integer.toString(k), cellX(k) + CELL / 2.0, labelTop + LABEL_H / 2.0 - 1,
                    0, img.getWidth(), LABEL_SCALE, false, TEXT);
        }
        g.dispose();
        return img;
    }

    private static void paintDigit(BufferedImage img, float[] px, int x0, int y0, Scale scale,
                                   double lo, double hi, ColorMap cmap) {
        double min = lo, max = hi;
        if (scale == Scale.MINMAX) {
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            for (float v : px) {
                if (Float.isNaN(v)) continue;
                if (v < min) min = v;
                if (v > max) max = v;
            }
        }
        double span = max - min;
        int[] line = new int[CELL];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = px[y * SIDE + x];
                double t;
                if (Double.isNaN(v)) t = Double.NaN;
                else if (!(span > 0) || Double.isInfinite(span)) t = scale == Scale.MINMAX ? 0.0 : (v - min) / span;
                else t = (v - min) / span;
                int c = cmap.rgb(t);
                for (int dx = 0; dx < ZOOM; dx++) line[x * ZOOM + dx] = c;
            }
            for (int dy = 0; dy < ZOOM; dy++) img.setRGB(x0, y0 + y * ZOOM + dy, CELL, 1, line, 0, CELL);
        }
    }

    // ---- stacking ------------------------------------------------------------------

    /**
     * Stacks images (e.g. several {@link #render} results) top to bottom, each with a
     * text label on its left, vertically centred; a label may hold several lines
     * separated by '\n'; null means none. Images are left-aligned on a white background.
     */
    public static BufferedImage stack(List<BufferedImage> images, List<String> labels) {
        if (images == null || images.isEmpty()) throw new IllegalArgumentException("no images to stack");
        if (labels == null || labels.size() != images.size()) {
            throw new IllegalArgumentException("need one label per image: " + images.size() + " images, "
                    + (labels == null ? "null" : labels.size()) + " labels");
        }
        int lineH = BitmapFont.lineHeight(STACK_SCALE);
        int labelW = 0;
        for (String label : labels) {
            for (String line : lines(label)) labelW = Math.max(labelW, BitmapFont.boldWidth(line, STACK_SCALE));
        }

        int left = labelW > 0 ? labelW + 2 * STACK_PAD : 0;
        int width = 0, height = 0;
        for (BufferedImage im : images) {
            width = Math.max(width, im.getWidth());
            height += im.getHeight();
        }
        height += STACK_GAP * (images.size() - 1);
        BufferedImage out = Png.canvas(left + width, height);
        Graphics2D g = Png.graphics(out);
        int y = 0;
        for (int i = 0; i < images.size(); i++) {
            BufferedImage im = images.get(i);
            g.drawImage(im, left, y, null);
            List<String> ls = lines(labels.get(i));
            // the block of lines (caps to last baseline) centred on the image, each line
            // right-aligned against the image like a row heading
            int blockH = (ls.size() - 1) * lineH + BitmapFont.ascent(STACK_SCALE);
            int top = BitmapFont.round(y + im.getHeight() / 2.0 - blockH / 2.0);
            for (int j = 0; j < ls.size(); j++) {
                int w = BitmapFont.boldWidth(ls.get(j), STACK_SCALE);
                BitmapFont.drawBold(g, ls.get(j), left - STACK_PAD - w, top + j * lineH, STACK_SCALE, TEXT);
            }
            y += im.getHeight() + STACK_GAP;
        }
        g.dispose();
        return out;
    }

    /** {@link #stack} written atomically as a PNG. */
    public static void writeStack(Path png, List<BufferedImage> images, List<String> labels) throws IOException {
        Png.write(png, stack(images, labels));
    }

    // ---- layout --------------------------------------------------------------------

    static int width() {
        return 2 * MARGIN + COLS * CELL + (COLS - 1) * GAP;
    }

    static int height(int rows, boolean hasTitle) {
        return 2 * MARGIN + (hasTitle ? TITLE_H : 0) + LABEL_H + rows * CELL + (rows - 1) * GAP;
    }

    /** Left edge of column k's digits. */
    static int cellX(int k) {
        return MARGIN + k * (CELL + GAP);
    }

    /** Top edge of row r's digits. */
    static int cellY(int r, boolean hasTitle) {
        return MARGIN + (hasTitle ? TITLE_H : 0) + LABEL_H + r * (CELL + GAP);
    }

    private static List<String> lines(String label) {
        if (label == null || label.isBlank()) return List.of();
        return label.strip().lines().map(String::strip).toList();
    }
}
