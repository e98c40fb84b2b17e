package cvae.harness.plot;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A plain line chart: title, axis labels, "nice" ticks (1, 2, 2.5, 5 × 10ⁿ; log-scale y
 * with decade ticks, or 1-2-5 ticks when the data span less than a decade), light grid,
 * several series in matplotlib's tab10 colours with a legend, optional markers. Points
 * whose x or y is not finite (NaN, ±∞), or y ≤ 0 on a log axis, are skipped and break
 * the line (a gap); a lone point between gaps is drawn as a dot. Axis limits are the
 * data range padded by 5 % (as matplotlib). Used for {@code curves.png}.
 */
public final class LinePlot {

    /** One line: {@code y[i]} at {@code x[i]}, drawn in the given order. Arrays are copied. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(y, "y");
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but "
                        + y.length + " y values");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 500;

    /** Markers are drawn by default when no series has more points than this. */
    public static final int AUTO_MARKER_MAX_POINTS = 60;

    /** matplotlib's tab10 cycle. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf),
    };

    private static final Color TEXT = new Color(0x22, 0x22, 0x22);
    private static final Color FRAME = new Color(0x44, 0x44, 0x44);
    private static final Color GRID = new Color(0xe3, 0xe3, 0xe3);
    private static final Color GRID_MINOR = new Color(0xf1, 0xf1, 0xf1);
    private static final int PAD = 12;
    private static final int TICK = 5;
    private static final int TICK_MINOR = 3;
    /** Text sizes, in screen pixels per {@link BitmapFont} pixel. */
    static final int TITLE_SCALE = 2;
    static final int LABEL_SCALE = 2;
    static final int TICK_SCALE = 1;
    static final int LEGEND_SCALE = 2;

    private LinePlot() {}

    // ---- public entry points ------------------------------------------------------

    /** Default size; markers when no series has more than {@value #AUTO_MARKER_MAX_POINTS} points. */
    public static void write(Path png, String title, String xLabel, String yLabel, List<Series> series,
                             boolean logY) throws IOException {
        Png.write(png, render(title, xLabel, yLabel, series, logY));
    }

    /** Default size, markers on or off. */
    public static void write(Path png, String title, String xLabel, String yLabel, List<Series> series,
                             boolean logY, boolean markers) throws IOException {
        Png.write(png, render(DEFAULT_WIDTH, DEFAULT_HEIGHT, title, xLabel, yLabel, series, logY, markers));
    }

    /** Default size; markers when no series has more than {@value #AUTO_MARKER_MAX_POINTS} points. */
    public static BufferedImage render(String title, String xLabel, String yLabel, List<Series> series,
                                       boolean logY) {
        boolean markers = series.stream().allMatch(s -> s.x().length <= AUTO_MARKER_MAX_POINTS);
        return render(DEFAULT_WIDTH, DEFAULT_HEIGHT, title, xLabel, yLabel, series, logY, markers);
    }

    /**
     * The chart as an RGB image of {@code width × height} pixels. Title and axis labels
     * may be null or blank (left out); a series with a null or blank name gets no legend
     * entry; no legend when none is named.
     */
    public static BufferedImage render(int width, int height, String title, String xLabel, String yLabel,
                                       List<Series> series, boolean logY, boolean markers) {
        if (width < 200 || height < 150) throw new IllegalArgumentException("plot too small: " + width + "x" + height);
        Objects.requireNonNull(series, "series");
        for (Series s : series) Objects.requireNonNull(s, "series element");

        BufferedImage img = Png.canvas(width, height);
        Graphics2D g = Png.graphics(img);

        boolean hasTitle = !blank(title), hasX = !blank(xLabel), hasY = !blank(yLabel);
        int titleH = BitmapFont.height(TITLE_SCALE);
        int labelH = BitmapFont.height(LABEL_SCALE);
        int tickH = BitmapFont.height(TICK_SCALE);

        // vertical layout first: it fixes the plot height, hence the y ticks
        int top = PAD + (hasTitle ? titleH + 8 : 4);
        int bottom = PAD + (hasX ? labelH + 4 : 0) + tickH + 4 + TICK;
        int plotH = height - top - bottom;

        // data ranges
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        boolean xInts = true;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double x = s.x()[i], y = s.y()[i];
                if (!usable(x, y, logY)) continue;
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
                yMin = Math.min(yMin, y);
                yMax = Math.max(yMax, y);
                if (x != Math.rint(x)) xInts = false;
            }
        }
        boolean empty = xMin > xMax;
        if (empty) xInts = false;

        Axis yAxis = logY ? logAxis(yMin, yMax, Math.max(3, plotH / 45))
                          : linearAxis(yMin, yMax, Math.max(3, plotH / 45), false);

        int yTickW = 0;
        for (Tick t : yAxis.ticks) yTickW = Math.max(yTickW, BitmapFont.width(t.label, TICK_SCALE));
        int left = PAD + (hasY ? labelH + 6 : 0) + yTickW + 6 + TICK;
        int right = 28;
        int plotW = width - left - right;
        if (plotW < 50 || plotH < 50) throw new IllegalArgumentException("plot too small for its labels");

        Axis xAxis = linearAxis(xMin, xMax, Math.max(3, plotW / 85), xInts);

        Rectangle2D area = new Rectangle2D.Double(left, top, plotW, plotH);
        Mapper map = new Mapper(area, xAxis, yAxis);

        // grid (crisp 1-px lines)
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setStroke(new BasicStroke(1f));
        g.setColor(GRID_MINOR);
        for (double v : yAxis.minor) {
            int py = (int) Math.round(map.py(v));
            g.drawLine(left + 1, py, left + plotW - 1, py);
        }
        g.setColor(GRID);
        for (Tick t : xAxis.ticks) {
            int px = (int) Math.round(map.px(t.value));
            g.drawLine(px, top + 1, px, top + plotH - 1);
        }
        for (Tick t : yAxis.ticks) {
            int py = (int) Math.round(map.py(t.value));
            g.drawLine(left + 1, py, left + plotW - 1, py);
        }
        // frame and tick marks
        g.setColor(FRAME);
        g.drawRect(left, top, plotW, plotH);
        for (Tick t : xAxis.ticks) {
            int px = (int) Math.round(map.px(t.value));
            g.drawLine(px, top + plotH, px, top + plotH + TICK);
        }
        for (Tick t : yAxis.ticks) {
            int py = (int) Math.round(map.py(t.value));
            g.drawLine(left - TICK, py, left, py);
        }
        for (double v : yAxis.minor) {
            int py = (int) Math.round(map.py(v));
            g.drawLine(left - TICK_MINOR, py, left, py);
        }
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);

        // tick labels
        for (Tick t : xAxis.ticks) {
            double px = map.px(t.value);
            int w = BitmapFont.width(t.label, TICK_SCALE);
            double x = Math.min(width - 2 - w, Math.max(2, px - w / 2.0));
            BitmapFont.draw(g, t.label, BitmapFont.round(x), top + plotH + TICK + 4, TICK_SCALE, TEXT);
        }
        for (Tick t : yAxis.ticks) {
            int w = BitmapFont.width(t.label, TICK_SCALE);
            BitmapFont.drawMiddle(g, t.label, left - TICK - 5 - w, map.py(t.value), TICK_SCALE, false, TEXT);
        }

        // title and axis labels
        if (hasTitle) {
            String s = title.strip();
            int w = BitmapFont.boldWidth(s, TITLE_SCALE);
            double x = Math.max(PAD, Math.min(left + plotW / 2.0 - w / 2.0, width - PAD - w));
            if (w > width - 2 * PAD) x = PAD;
            BitmapFont.drawBold(g, s, BitmapFont.round(x), PAD, TITLE_SCALE, TEXT);
        }
        if (hasX) {
            String s = xLabel.strip();
            int w = BitmapFont.width(s, LABEL_SCALE);
            BitmapFont.draw(g, s, BitmapFont.round(Math.max(2, left + plotW / 2.0 - w / 2.0)),
                    height - PAD - labelH, LABEL_SCALE, TEXT);
        }
        if (hasY) {
            String s = yLabel.strip();
            int w = BitmapFont.width(s, LABEL_SCALE);
            BitmapFont.drawVertical(g, s, PAD, BitmapFont.round(Math.max(2, top + plotH / 2.0 - w / 2.0)),
                    LABEL_SCALE, TEXT);
        }

        // series, clipped to the plot area
        Shape savedClip = g.getClip();
        g.clip(new Rectangle2D.Double(left + 0.5, top + 0.5, plotW - 1, plotH - 1));
        List<double[]> drawn = new ArrayList<>(); // pixel points, for legend placement
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            Color c = PALETTE[si % PALETTE.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double path = new Path2D.Double();
            int run = 0;
            double lastX = 0, lastY = 0;
            List<double[]> lone = new ArrayList<>();
            for (int i = 0; i <= s.x().length; i++) {
                boolean ok = i < s.x().length && usable(s.x()[i], s.y()[i], logY);
                if (ok) {
                    double px = map.px(s.x()[i]), py = map.py(s.y()[i]);
                    if (run == 0) path.moveTo(px, py);
                    else {
                        path.lineTo(px, py);
                        drawn.add(new double[] {(px + lastX) / 2, (py + lastY) / 2});
                    }
                    drawn.add(new double[] {px, py});
                    lastX = px;
                    lastY = py;
                    run++;
                } else {
                    if (run == 1) lone.add(new double[] {lastX, lastY});
                    run = 0;
                }
            }
            g.draw(path);
            if (markers) {
                for (int i = 0; i < s.x().length; i++) {
                    if (!usable(s.x()[i], s.y()[i], logY)) continue;
                    g.fill(marker(si, map.px(s.x()[i]), map.py(s.y()[i]), 7));
                }
            } else {
                for (double[] p : lone) g.fill(new Ellipse2D.Double(p[0] - 2.5, p[1] - 2.5, 5, 5));
            }
        }
        g.setClip(savedClip);

        if (empty) {
            String s = "no data";
            BitmapFont.drawCentered(g, s, left + plotW / 2.0, top + plotH / 2.0, left, left + plotW,
                    LABEL_SCALE, false, new Color(0x88, 0x88, 0x88));
        }

        drawLegend(g, series, markers, area, drawn);
        g.dispose();
        return img;
    }

    // ---- legend ---------------------------------------------------------------------

    private static void drawLegend(Graphics2D g, List<Series> series, boolean markers, Rectangle2D area,
                                   List<double[]> drawn) {
        List<Integer> named = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) if (!blank(series.get(i).name())) named.add(i);
        if (named.isEmpty()) return;
        int rowH = BitmapFont.lineHeight(LEGEND_SCALE);
        int rowGap = rowH - BitmapFont.height(LEGEND_SCALE);
        double textW = 0;
        for (int i : named) textW = Math.max(textW, BitmapFont.width(series.get(i).name().strip(), LEGEND_SCALE));
        double sample = 28, inner = 8;
        double boxW = inner + sample + 8 + textW + inner;
        double boxH = inner + named.size() * rowH - rowGap + inner;
        double off = 10;
        // corners in order of preference: upper right, upper left, lower left, lower right;
        // take the first one covering the fewest drawn points (matplotlib's 'best', simply)
        double[][] corners = {
            {area.getMaxX() - off - boxW, area.getMinY() + off},
            {area.getMinX() + off, area.getMinY() + off},
            {area.getMinX() + off, area.getMaxY() - off - boxH},
            {area.getMaxX() - off - boxW, area.getMaxY() - off - boxH},
        };
        double[] best = corners[0];
        int bestCount = Integer.MAX_VALUE;
        for (double[] c : corners) {
            int count = 0;
            for (double[] p : drawn) {
                if (p[0] >= c[0] - 4 && p[0] <= c[0] + boxW + 4 && p[1] >= c[1] - 4 && p[1] <= c[1] + boxH + 4) count++;
            }
            if (count < bestCount) {
                bestCount = count;
                best = c;
            }
        }
        double bx = best[0], by = best[1];
        RoundRectangle2D box = new RoundRectangle2D.Double(bx, by, boxW, boxH, 8, 8);
        Composite saved = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.85f));
        g.setColor(Color.WHITE);
        g.fill(box);
        g.setComposite(saved);
        g.setColor(new Color(0xcc, 0xcc, 0xcc));
        g.setStroke(new BasicStroke(1f));
        g.draw(box);
        for (int row = 0; row < named.size(); row++) {
            int si = named.get(row);
            double cy = by + inner + row * rowH + BitmapFont.ascent(LEGEND_SCALE) / 2.0;
            Color c = PALETTE[si % PALETTE.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new Line2D.Double(bx + inner, cy, bx + inner + sample, cy));
            if (markers) g.fill(marker(si, bx + inner + sample / 2, cy, 7));
            BitmapFont.drawMiddle(g, series.get(si).name().strip(), bx + inner + sample + 8, cy, LEGEND_SCALE, false, TEXT);
        }
    }

    /** Marker shapes cycle: circle, square, triangle up, diamond, triangle down. */
    static Shape marker(int seriesIndex, double x, double y, double size) {
        double r = size / 2;
        return switch (seriesIndex % 5) {
            case 0 -> new Ellipse2D.Double(x - r, y - r, size, size);
            case 1 -> new Rectangle2D.Double(x - r * 0.9, y - r * 0.9, size * 0.9, size * 0.9);
            case 2 -> polygon(x, y, new double[] {0, -1.15 * r, 1.1 * r, 0.85 * r, -1.1 * r, 0.85 * r});
            case 3 -> polygon(x, y, new double[] {0, -1.2 * r, 1.0 * r, 0, 0, 1.2 * r, -1.0 * r, 0});
            default -> polygon(x, y, new double[] {0, 1.15 * r, 1.1 * r, -0.85 * r, -1.1 * r, -0.85 * r});
        };
    }

    private static Shape polygon(double x, double y, double[] d) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x + d[0], y + d[1]);
        for (int i = 2; i < d.length; i += 2) p.lineTo(x + d[i], y + d[i + 1]);
        p.closePath();
        return p;
    }

    // ---- axes and ticks -------------------------------------------------------------

    record Tick(double value, String label) {}

    /** Axis limits [min, max] (for log axes, log10 of the limits), labelled ticks, minor grid values. */
    record Axis(double min, double max, boolean log, List<Tick> ticks, List<Double> minor) {}

    private record Mapper(Rectangle2D area, Axis x, Axis y) {
        double px(double v) {
            return area.getMinX() + (pos(x, v)) * area.getWidth();
        }
        double py(double v) {
            return area.getMaxY() - (pos(y, v)) * area.getHeight();
        }
        private static double pos(Axis a, double v) {
            double u = a.log ? Math.log10(v) : v;
            return (u - a.min) / (a.max - a.min);
        }
    }

    /**
     * Linear axis over the data range [dMin, dMax] padded by 5 %, with at most about
     * {@code maxTicks} ticks at multiples of a nice step (1, 2, 2.5, 5 × 10ⁿ; no 2.5 and no
     * fractional steps when {@code integers}). An empty range (dMin > dMax) gives [0, 1].
     */
    static Axis linearAxis(double dMin, double dMax, int maxTicks, boolean integers) {
        if (!(dMin <= dMax)) {
            dMin = 0;
            dMax = 1;
        } else if (dMin == dMax) {
            double d = dMin == 0 ? 1 : Math.abs(dMin) * 0.1;
            dMin -= d;
            dMax += d;
        } else {
            double pad = 0.05 * (dMax - dMin);
            dMin -= pad;
            dMax += pad;
        }
        double raw = (dMax - dMin) / Math.max(1, maxTicks);
        int exp = (int) Math.floor(Math.log10(raw));
        double mag = Math.pow(10, exp);
        double[] mults = integers && exp >= 0 ? new double[] {1, 2, 5, 10} : new double[] {1, 2, 2.5, 5, 10};
        double mult = 10;
        for (double m : mults) {
            if (m * mag >= raw * (1 - 1e-9)) {
                mult = m;
                break;
            }
        }
        if (mult == 10) {
            mult = 1;
            exp++;
            mag = Math.pow(10, exp);
        }
        if (integers && exp < 0) { // steps below 1 make no sense for integer data
            mult = 1;
            exp = 0;
            mag = 1;
        }
        double step = mult * mag;
        int decimals = Math.max(0, -exp) + (mult == 2.5 ? 1 : 0);
        long k0 = (long) Math.ceil(dMin / step - 1e-9), k1 = (long) Math.floor(dMax / step + 1e-9);
        double maxAbs = Math.max(Math.abs(k0 * step), Math.abs(k1 * step));
        boolean sci = maxAbs >= 1e6 || step < 1e-4;
        List<Tick> ticks = new ArrayList<>();
        for (long k = k0; k <= k1; k++) {
            double v = k == 0 ? 0.0 : k * step;
            ticks.add(new Tick(v, sci ? sci(v, exp, mult) : fixed(v, decimals)));
        }
        return new Axis(dMin, dMax, false, ticks, List.of());
    }

    /**
     * Log axis over positive [dMin, dMax] padded by 5 % of the log range: labelled decades
     * (every n-th when many) with minor ticks at 2..9; when fewer than two decades fall in
     * range, labelled 1-2-5 ticks (or 1..9), and for very narrow ranges linear ticks.
     */
    static Axis logAxis(double dMin, double dMax, int maxTicks) {
        double lMin, lMax;
        if (!(dMin <= dMax) || dMin <= 0) {
            lMin = 0;
            lMax = 1;
        } else if (dMin == dMax) {
            lMin = Math.log10(dMin) - 0.5;
            lMax = Math.log10(dMax) + 0.5;
        } else {
            lMin = Math.log10(dMin);
            lMax = Math.log10(dMax);
            double pad = 0.05 * (lMax - lMin);
            lMin -= pad;
            lMax += pad;
        }
        int e0 = (int) Math.ceil(lMin - 1e-9), e1 = (int) Math.floor(lMax + 1e-9);
        List<Tick> ticks = new ArrayList<>();
        List<Double> minor = new ArrayList<>();
        if (e1 - e0 + 1 >= 2) {
            int every = 1;
            while ((e1 - e0) / every + 1 > maxTicks) every++;
            for (int e = e0; e <= e1; e++) {
                if (Math.floorMod(e, every) == 0) ticks.add(new Tick(Math.pow(10, e), logLabel(1, e)));
            }
            if (e1 - e0 <= 12) {
                for (int e = e0 - 1; e <= e1; e++) {
                    for (int m = 2; m <= 9; m++) {
                        double l = Math.log10(m) + e;
                        if (l >= lMin && l <= lMax) minor.add(m * Math.pow(10, e));
                    }
                }
            }
            return new Axis(lMin, lMax, true, ticks, minor);
        }
        for (int[] set : new int[][] {{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
            ticks.clear();
            minor.clear();
            for (int e = (int) Math.floor(lMin) - 1; e <= (int) Math.ceil(lMax); e++) {
                for (int m = 1; m <= 9; m++) {
                    double l = Math.log10(m) + e;
                    if (l < lMin - 1e-9 || l > lMax + 1e-9) continue;
                    boolean labelled = false;
                    for (int s : set) labelled |= s == m;
                    if (labelled) ticks.add(new Tick(m * Math.pow(10, e), logLabel(m, e)));
                    else minor.add(m * Math.pow(10, e));
                }
            }
            if (ticks.size() >= 3) return new Axis(lMin, lMax, true, List.copyOf(ticks), List.copyOf(minor));
        }
        // less than ~a factor 2: plain linear ticks, placed on the log scale
        Axis lin = linearAxis(Math.pow(10, lMin), Math.pow(10, lMax), maxTicks, false);
        List<Tick> inside = new ArrayList<>();
        for (Tick t : lin.ticks) {
            if (t.value > 0 && Math.log10(t.value) >= lMin - 1e-9 && Math.log10(t.value) <= lMax + 1e-9) inside.add(t);
        }
        return new Axis(lMin, lMax, true, inside, List.of());
    }

    /** Label for m × 10^e: plain decimals for 1e-4 ≤ value < 1e6, else like "2e-5". */
    static String logLabel(int m, int e) {
        if (e >= -4 && e <= 5) return fixed(m * Math.pow(10, e), Math.max(0, -e));
        return m + "e" + e;
    }

    static String fixed(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.startsWith("-") && s.matches("-0(\\.0*)?")) s = s.substring(1); // no "-0"
        return s;
    }

    /** Scientific label for a tick on a grid of step mult × 10^stepExp, e.g. "2.5e-5". */
    static String sci(double v, int stepExp, double mult) {
        if (v == 0) return "0";
        int e = (int) Math.floor(Math.log10(Math.abs(v)) + 1e-9);
        int digits = Math.max(0, e - stepExp) + (mult == 2.5 ? 1 : 0);
        String s = String.format(Locale.ROOT, "%." + Math.min(digits, 15) + "e", v);
        int at = s.indexOf('e');
        String mant = s.substring(0, at);
        if (mant.contains(".")) mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
        int exp = Integer.parseInt(s.substring(at + 1));
        return mant + "e" + exp;
    }

    // ---- helpers ----------------------------------------------------------------------

    private static boolean usable(double x, double y, boolean logY) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
