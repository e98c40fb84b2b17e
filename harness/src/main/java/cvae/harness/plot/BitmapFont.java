package cvae.harness.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;

/**
 * A small built-in pixel font, so that the plots never touch the JDK's font subsystem
 * (which needs fontconfig and installed fonts, fails on minimal headless machines with
 * "Fontconfig head is null", and makes the output depend on the machine's fonts).
 *
 * <p>Glyphs are 5 pixels wide on a 9-row cell: 7 rows from the top of capitals and
 * ascenders down to the baseline ({@link #ASCENT}) and 2 rows of descenders
 * ({@link #DESCENT}); lowercase letters have an x-height of 5. The table covers printable
 * ASCII 32..126 and a few extras (· × ‖ − – — … ± ° µ α β σ); any other character is
 * drawn as a hollow box. Digits are all one width (tabular, so tick labels line up);
 * other glyphs are proportional (their blank columns trimmed), one blank column apart.
 * The glyph shapes are original, drawn for this class.
 *
 * <p>Text is drawn as filled axis-aligned rectangles at an integer scale (1, 2, 3, ...
 * screen pixels per glyph pixel) with anti-aliasing switched off, so it stays crisp and
 * the pixels are the same on every machine. All measurements are in screen pixels.
 */
public final class BitmapFont {

    /** Glyph pixel rows from the top of capitals to the baseline (inclusive). */
    public static final int ASCENT = 7;
    /** Glyph pixel rows below the baseline (descenders of g, j, p, q, y, comma ...). */
    public static final int DESCENT = 2;
    /** Glyph pixel rows in a cell. */
    public static final int ROWS = ASCENT + DESCENT;
    /** Widest glyph, in glyph pixels. */
    public static final int CELL_W = 5;
    /** Blank glyph pixels between neighbouring glyphs. */
    public static final int SPACING = 1;
    /** Extra blank glyph rows between lines of multi-line text. */
    public static final int LINE_GAP = 2;

    /** Width of the space character, in glyph pixels (plus {@link #SPACING} either side). */
    private static final int SPACE_W = 2;

    /**
     * The glyph table: one glyph per line, the character, a space, then 7 to 9 rows (the
     * last two are descenders, left out when blank) of 5 pixels, '#' ink and '.' blank, top row first; the 7th row sits on the
     * baseline.
     */
    private static final String TABLE = """
            ! ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..
            " .#.#. .#.#. ..... ..... ..... ..... .....
            # .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.
            $ ..#.. .#### #.#.. .###. ..#.# ####. ..#..
            % ##..# ##..# ...#. ..#.. .#... #..## #..##
            & .##.. #..#. #.#.. .#... #.#.# #..#. .##.#
            ' ..#.. ..#.. ..... ..... ..... ..... .....
            ( ...#. ..#.. .#... .#... .#... .#... ..#.. ...#.
            ) .#... ..#.. ...#. ...#. ...#. ...#. ..#.. .#...
            * ..... ..#.. #.#.# .###. #.#.# ..#.. .....
            + ..... ..#.. ..#.. ##### ..#.. ..#.. .....
            , ..... ..... ..... ..... ..... .##.. .##.. ..#.. .#...
            - ..... ..... ..... ####. ..... ..... .....
            . ..... ..... ..... ..... ..... .##.. .##..
            / ....# ....# ...#. ..#.. .#... #.... #....
            0 .###. #...# #...# #...# #...# #...# .###.
            1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
            2 .###. #...# ....# ...#. ..#.. .#... #####
            3 .###. #...# ....# ..##. ....# #...# .###.
            4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
            5 ##### #.... ####. ....# ....# #...# .###.
            6 ..##. .#... #.... ####. #...# #...# .###.
            7 ##### ....# ...#. ..#.. .#... .#... .#...
            8 .###. #...# #...# .###. #...# #...# .###.
            9 .###. #...# #...# .#### ....# ...#. .##..
            : ..... .##.. .##.. ..... ..... .##.. .##..
            ; ..... .##.. .##.. ..... ..... .##.. .##.. ..#.. .#...
            < ...#. ..#.. .#... #.... .#... ..#.. ...#.
            = ..... ..... ##### ..... ##### ..... .....
            > .#... ..#.. ...#. ....# ...#. ..#.. .#...
            ? .###. #...# ....# ...#. ..#.. ..... ..#..
            @ .###. #...# #.### #.#.# #.### #.... .####
            A .###. #...# #...# ##### #...# #...# #...#
            B ####. #...# #...# ####. #...# #...# ####.
            C .###. #...# #.... #.... #.... #...# .###.
            D ####. #...# #...# #...# #...# #...# ####.
            E ##### #.... #.... ####. #.... #.... #####
            F ##### #.... #.... ####. #.... #.... #....
            G .###. #...# #.... #.### #...# #...# .####
            H #...# #...# #...# ##### #...# #...# #...#
            I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
            J ..### ...#. ...#. ...#. ...#. #..#. .##..
            K #...# #..#. #.#.. ##... #.#.. #..#. #...#
            L #.... #.... #.... #.... #.... #.... #####
            M #...# ##.## #.#.# #.#.# #...# #...# #...#
            N #...# #...# ##..# #.#.# #..## #...# #...#
            O .###. #...# #...# #...# #...# #...# .###.
            P ####. #...# #...# ####. #.... #.... #....
            Q .###. #...# #...# #...# #.#.# #..#. .##.#
            R ####. #...# #...# ####. #.#.. #..#. #...#
            S .###. #...# #.... .###. ....# #...# .###.
            T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
            U #...# #...# #...# #...# #...# #...# .###.
            V #...# #...# #...# #...# #...# .#.#. ..#..
            W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
            X #...# #...# .#.#. ..#.. .#.#. #...# #...#
            Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
            Z ##### ....# ...#. ..#.. .#... #.... #####
            [ .###. .#... .#... .#... .#... .#... .###.
            \\ #.... #.... .#... ..#.. ...#. ....# ....#
            ] .###. ...#. ...#. ...#. ...#. ...#. .###.
            ^ ..#.. .#.#. #...# ..... ..... ..... .....
            _ ..... ..... ..... ..... ..... ..... ..... #####
            ` .#... ..#.. ..... ..... ..... ..... .....
            a ..... ..... .###. ....# .#### #...# .####
            b #.... #.... ####. #...# #...# #...# ####.
            c ..... ..... .###. #...# #.... #...# .###.
            d ....# ....# .#### #...# #...# #...# .####
            e ..... ..... .###. #...# ##### #.... .###.
            f ..##. .#... ###.. .#... .#... .#... .#...
            g ..... ..... .#### #...# #...# #...# .#### ....# .###.
            h #.... #.... ####. #...# #...# #...# #...#
            i ..#.. ..... .##.. ..#.. ..#.. ..#.. .###.
            j ...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..
            k #.... #.... #..#. #.#.. ##... #.#.. #..#.
            l .#... .#... .#... .#... .#... .#... ..##.
            m ..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#
            n ..... ..... #.##. ##..# #...# #...# #...#
            o ..... ..... .###. #...# #...# #...# .###.
            p ..... ..... ####. #...# #...# #...# ####. #.... #....
            q ..... ..... .#### #...# #...# #...# .#### ....# ....#
            r ..... ..... #.##. ##..# #.... #.... #....
            s ..... ..... .#### #.... .###. ....# ####.
            t ..... .#... ####. .#... .#... .#... ..##.
            u ..... ..... #...# #...# #...# #..## .##.#
            v ..... ..... #...# #...# #...# .#.#. ..#..
            w ..... ..... #...# #...# #.#.# #.#.# .#.#.
            x ..... ..... #...# .#.#. ..#.. .#.#. #...#
            y ..... ..... #...# #...# #...# #...# .#### ....# .###.
            z ..... ..... ##### ...#. ..#.. .#... #####
            { ...## ..#.. ..#.. .#... ..#.. ..#.. ...##
            | ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
            } ##... ..#.. ..#.. ...#. ..#.. ..#.. ##...
            ~ ..... ..... .#... #.#.# ...#. ..... .....
            \u00b7 ..... ..... ..... ..#.. ..... ..... .....
            \u00d7 ..... ..... #...# .#.#. ..#.. .#.#. #...#
            \u2016 .#.#. .#.#. .#.#. .#.#. .#.#. .#.#. .#.#. .#.#. .#.#.
            \u2014 ..... ..... ..... ##### ..... ..... .....
            \u2026 ..... ..... ..... ..... ..... ..... #.#.#
            \u00b1 ..#.. ..#.. ##### ..#.. ..#.. ..... #####
            \u00b0 .##.. #..#. .##.. ..... ..... ..... .....
            \u03bc ..... ..... #...# #...# #...# #..## ###.# #.... #....
            \u03b1 ..... ..... .##.# #..#. #..#. #..#. .##.#
            \u03b2 .##.. #..#. #..#. ###.. #..#. #..#. ###.. #.... #....
            \u03c3 ..... ..... .#### #..#. #...# #...# .###.
            """;

    /** Characters drawn with another one's glyph. */
    private static final String ALIASES = ""
            + "\t " + "\u00a0 " + "\u2212-" + "\u2013-" + "\u2010-" + "\u2011-" + "\u00b5\u03bc"
            + "\u2018'" + "\u2019'" + "\u201c\"" + "\u201d\"" + "\u2225\u2016" + "\u22c5\u00b7";

    /** One glyph: rows as bit masks (bit 4 = leftmost column), drawn from column {@code left}, {@code width} wide. */
    private record Glyph(int[] rows, int left, int width) {}

    private static final Map<Integer, Glyph> GLYPHS = new HashMap<>();
    private static final Glyph SPACE = new Glyph(new int[ROWS], 0, SPACE_W);
    /** Drawn for characters the table lacks: a hollow box. */
    private static final Glyph UNKNOWN;

    static {
        for (String line : TABLE.split("\n")) {
            if (line.isBlank()) continue;
            int key = line.codePointAt(0);
            String[] parts = line.substring(Character.charCount(key) + 1).split(" ");
            GLYPHS.put(key, parse(key, parts));
        }
        GLYPHS.put((int) ' ', SPACE);
        for (int i = 0; i < ALIASES.length(); i += 2) {
            GLYPHS.put((int) ALIASES.charAt(i), GLYPHS.get((int) ALIASES.charAt(i + 1)));
        }
        UNKNOWN = parse('?', "####. #..#. #..#. #..#. #..#. #..#. ####.".split(" "));
    }

    private static Glyph parse(int key, String[] parts) {
        if (parts.length < ASCENT || parts.length > ROWS) {
            throw new IllegalStateException("glyph '" + Character.toString(key) + "' has " + parts.length + " rows");
        }
        int[] rows = new int[ROWS];
        int ink = 0;
        for (int r = 0; r < parts.length; r++) {
            String p = parts[r];
            if (p.length() != CELL_W || !p.matches("[#.]+")) {
                throw new IllegalStateException("glyph '" + Character.toString(key) + "' row " + r + ": " + p);
            }
            for (int c = 0; c < CELL_W; c++) if (p.charAt(c) == '#') rows[r] |= 1 << (CELL_W - 1 - c);
            ink |= rows[r];
        }
        if (key >= '0' && key <= '9') return new Glyph(rows, 0, CELL_W); // tabular digits
        int left = 0, right = CELL_W - 1;
        while (left < right && (ink & (1 << (CELL_W - 1 - left))) == 0) left++;
        while (right > left && (ink & (1 << (CELL_W - 1 - right))) == 0) right--;
        return new Glyph(rows, left, right - left + 1);
    }

    private static Glyph glyph(int codePoint) {
        Glyph g = GLYPHS.get(codePoint);
        return g != null ? g : UNKNOWN;
    }

    /** Whether the table has a glyph of its own for this character (else it is drawn as a box). */
    public static boolean hasGlyph(int codePoint) {
        return GLYPHS.containsKey(codePoint);
    }

    private BitmapFont() {}

    // ---- metrics --------------------------------------------------------------------

    /** Width of {@code s} in pixels: the glyphs' advances, without trailing spacing; 0 for "". */
    public static int width(String s, int scale) {
        checkScale(scale);
        if (s == null || s.isEmpty()) return 0;
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            w += glyph(cp).width() + SPACING;
        }
        return (w - SPACING) * scale;
    }

    /** Pixels from the top of capitals to the baseline, inclusive. */
    public static int ascent(int scale) {
        checkScale(scale);
        return ASCENT * scale;
    }

    /** Pixels below the baseline used by descenders. */
    public static int descent(int scale) {
        checkScale(scale);
        return DESCENT * scale;
    }

    /** Height of one line of text in pixels, ascent plus descent. */
    public static int height(int scale) {
        checkScale(scale);
        return ROWS * scale;
    }

    /** Distance between the tops of consecutive lines of text. */
    public static int lineHeight(int scale) {
        checkScale(scale);
        return (ROWS + LINE_GAP) * scale;
    }

    // ---- drawing --------------------------------------------------------------------

    /** Receives the ink of a string as rectangles, in text space: u along the text, v down from its top. */
    private interface Sink {
        void fill(int u, int v, int w, int h);
    }

    private static void ink(String s, int scale, Sink sink) {
        checkScale(scale);
        if (s == null) return;
        int pen = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            Glyph g = glyph(cp);
            for (int r = 0; r < ROWS; r++) {
                int bits = g.rows()[r];
                if (bits == 0) continue;
                int c = g.left();
                int end = g.left() + g.width();
                while (c < end) {
                    if ((bits & (1 << (CELL_W - 1 - c))) == 0) {
                        c++;
                        continue;
                    }
                    int c0 = c;
                    while (c < end && (bits & (1 << (CELL_W - 1 - c))) != 0) c++;
                    sink.fill(pen + (c0 - g.left()) * scale, r * scale, (c - c0) * scale, scale);
                }
            }
            pen += (g.width() + SPACING) * scale;
        }
    }

    /**
     * Draws {@code s} with the top of its line box (the top of capitals) at {@code y} and
     * its left edge at {@code x}, in {@code g}'s user space (crisp under an identity or
     * integer-translation transform). The colour, anti-aliasing hint and everything else
     * of {@code g} are left as they were.
     */
    public static void draw(Graphics2D g, String s, int x, int y, int scale, Color color) {
        fill(g, color, sink -> ink(s, scale, (u, v, w, h) -> sink.fill(x + u, y + v, w, h)));
    }

    /**
     * As {@link #draw(Graphics2D, String, int, int, int, Color)}, in bold: every stroke one
     * screen pixel wider to the right, so the text is {@link #boldWidth} wide. Meant for
     * scale 2 and up.
     */
    public static void drawBold(Graphics2D g, String s, int x, int y, int scale, Color color) {
        fill(g, color, sink -> ink(s, scale, (u, v, w, h) -> sink.fill(x + u, y + v, w + 1, h)));
    }

    /** Width of {@code s} drawn by {@link #drawBold}: one pixel more than {@link #width}, unless empty. */
    public static int boldWidth(String s, int scale) {
        int w = width(s, scale);
        return w == 0 ? 0 : w + 1;
    }

    /**
     * Draws {@code s} turned a quarter counter-clockwise, reading from bottom to top (a
     * y-axis label). Its bounding box is {@link #height}{@code (scale)} wide and
     * {@link #width}{@code (s, scale)} tall, with its top-left corner at ({@code x, y});
     * the tops of the glyphs face left.
     */
    public static void drawVertical(Graphics2D g, String s, int x, int y, int scale, Color color) {
        int len = width(s, scale);
        fill(g, color, sink -> ink(s, scale, (u, v, w, h) -> sink.fill(x + v, y + len - u - w, h, w)));
    }

    /**
     * Draws {@code s} straight into the pixels of {@code img}, top of the line box at
     * {@code y}, left edge at {@code x}; pixels outside the image are skipped. A
     * translucent colour is blended over what is there.
     */
    public static void draw(BufferedImage img, String s, int x, int y, int scale, Color color) {
        int argb = color.getRGB();
        int a = argb >>> 24;
        ink(s, scale, (u, v, w, h) -> {
            int x0 = Math.max(0, x + u), x1 = Math.min(img.getWidth(), x + u + w);
            int y0 = Math.max(0, y + v), y1 = Math.min(img.getHeight(), y + v + h);
            for (int py = y0; py < y1; py++) {
                for (int px = x0; px < x1; px++) {
                    img.setRGB(px, py, a == 255 ? argb : blend(img.getRGB(px, py), argb, a));
                }
            }
        });
    }

    private static int blend(int dst, int src, int a) {
        int out = 0xff000000;
        for (int shift = 0; shift <= 16; shift += 8) {
            int d = (dst >> shift) & 0xff, s = (src >> shift) & 0xff;
            out |= ((s * a + d * (255 - a) + 127) / 255) << shift;
        }
        return out;
    }

    private interface Painter {
        void paint(Sink deviceSink);
    }

    private static void fill(Graphics2D g, Color color, Painter painter) {
        Color savedColor = g.getColor();
        Object savedAa = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setColor(color);
        try {
            painter.paint(g::fillRect);
        } finally {
            g.setColor(savedColor);
            if (savedAa != null) g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, savedAa);
        }
    }

    // ---- layout helpers for the plots ---------------------------------------------------

    /** Draws {@code s} from {@code x} with its capitals centred vertically on {@code cy}. */
    static void drawMiddle(Graphics2D g, String s, double x, double cy, int scale, boolean bold, Color color) {
        int top = round(cy - ascent(scale) / 2.0);
        if (bold) drawBold(g, s, round(x), top, scale, color);
        else draw(g, s, round(x), top, scale, color);
    }

    /**
     * Draws {@code s} centred on ({@code cx, cy}) (capitals centred vertically); if it is
     * wider than [minX, maxX] it starts at minX instead.
     */
    static void drawCentered(Graphics2D g, String s, double cx, double cy, double minX, double maxX,
                             int scale, boolean bold, Color color) {
        int w = bold ? boldWidth(s, scale) : width(s, scale);
        double x = cx - w / 2.0;
        if (w > maxX - minX) x = minX;
        drawMiddle(g, s, x, cy, scale, bold, color);
    }

    /** Nearest integer, halves rounded up (deterministic; no banker's rounding). */
    static int round(double v) {
        return (int) Math.floor(v + 0.5);
    }

    private static void checkScale(int scale) {
        if (scale < 1) throw new IllegalArgumentException("scale must be at least 1, got " + scale);
    }
}
