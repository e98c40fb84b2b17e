package cvae.harness.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BitmapFontTest {

    private static final Color INK = new Color(0x22, 0x22, 0x22);

    private static BufferedImage drawn(String s, int scale) {
        BufferedImage img = Png.canvas(BitmapFont.width(s, scale) + 4, BitmapFont.height(scale) + 4);
        Graphics2D g = Png.graphics(img); // anti-aliasing on: the font must still come out crisp
        BitmapFont.draw(g, s, 2, 2, scale, INK);
        g.dispose();
        return img;
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
        }
        return n;
    }

    @Test
    void metrics() {
        assertEquals(7, BitmapFont.ascent(1));
        assertEquals(14, BitmapFont.ascent(2));
        assertEquals(4, BitmapFont.descent(2));
        assertEquals(27, BitmapFont.height(3));
        assertEquals(22, BitmapFont.lineHeight(2));
        assertEquals(0, BitmapFont.width("", 2));
        assertEquals(0, BitmapFont.width(null, 2));
        // tabular digits: 5 pixels each, 1 apart
        assertEquals(5, BitmapFont.width("1", 1));
        assertEquals(BitmapFont.width("0000", 1), BitmapFont.width("1111", 1));
        assertEquals(2 * (4 * 5 + 3), BitmapFont.width("2024", 2));
        // proportional letters: i narrower than m
        assertTrue(BitmapFont.width("iii", 1) < BitmapFont.width("mmm", 1));
        assertEquals(3 * BitmapFont.width("ab", 1), BitmapFont.width("ab", 3));
        assertEquals(BitmapFont.width("x", 2) + 1, BitmapFont.boldWidth("x", 2));
        assertThrows(IllegalArgumentException.class, () -> BitmapFont.width("a", 0));
    }

    @Test
    void everyPrintableAsciiCharacterHasItsOwnInkedGlyph() {
        Set<String> shapes = new HashSet<>();
        for (char c = 33; c <= 126; c++) {
            assertTrue(BitmapFont.hasGlyph(c), "glyph for '" + c + "'");
            BufferedImage img = drawn(String.valueOf(c), 1);
            assertTrue(count(img, 0x222222) > 0, "ink for '" + c + "'");
            StringBuilder key = new StringBuilder();
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) key.append((img.getRGB(x, y) & 0xffffff) == 0x222222 ? '#' : '.');
                key.append('/');
            }
            shapes.add(key.toString());
        }
        assertTrue(shapes.size() >= 93, "glyphs are distinct (only 0 and O may share a shape): " + shapes.size());
        assertTrue(BitmapFont.hasGlyph(' '));
        assertEquals(0, count(drawn("   ", 2), 0x222222));
        for (char c : "\u00b7\u00d7\u2016\u2212\u00b5\u03b2".toCharArray()) assertTrue(BitmapFont.hasGlyph(c));
    }

    @Test
    void unknownCharactersAreDrawnAsABox() {
        assertFalse(BitmapFont.hasGlyph('\u4e2d'));
        BufferedImage box = drawn("\u4e2d", 1);
        // a hollow 4x7 box: 4 + 4 + 5 + 5 pixels
        assertEquals(18, count(box, 0x222222));
        assertEquals(4, BitmapFont.width("\u4e2d", 1));
        assertEquals(BitmapFont.width("a\ud83d\ude00b", 1), BitmapFont.width("a\u4e2db", 1)); // one box per code point
    }

    @Test
    void textIsCrispAndScalesInWholePixels() {
        for (int scale = 1; scale <= 3; scale++) {
            BufferedImage img = drawn("Loss 0.25 (test) g_y", scale);
            int ink = count(img, 0x222222), white = count(img, 0xffffff);
            assertEquals(img.getWidth() * img.getHeight(), ink + white, "only ink and background, no anti-aliasing");
            if (scale > 1) {
                // every glyph pixel is a scale x scale block aligned to the text origin
                for (int y = 2; y < img.getHeight() - 2; y += scale) {
                    for (int x = 2; x < img.getWidth() - 2; x += scale) {
                        int c = img.getRGB(x, y);
                        for (int dy = 0; dy < scale; dy++) {
                            for (int dx = 0; dx < scale; dx++) assertEquals(c, img.getRGB(x + dx, y + dy));
                        }
                    }
                }
            }
        }
        assertEquals(4 * count(drawn("Loss 0.25", 1), 0x222222), count(drawn("Loss 0.25", 2), 0x222222));
    }

    @Test
    void glyphsSitOnTheBaselineAndDescendersGoBelow() {
        BufferedImage caps = drawn("HX", 1), desc = drawn("gy", 1);
        int capsBottom = lowestInkRow(caps), descBottom = lowestInkRow(desc);
        assertEquals(2 + BitmapFont.ASCENT - 1, capsBottom);
        assertEquals(2 + BitmapFont.ROWS - 1, descBottom);
    }

    private static int lowestInkRow(BufferedImage img) {
        int low = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == 0x222222) low = y;
        }
        return low;
    }

    @Test
    void imageAndGraphicsDrawingAgreeAndVerticalIsARotation() {
        String s = "epoch 12: loss=0.0123";
        BufferedImage viaGraphics = drawn(s, 2);
        BufferedImage viaPixels = Png.canvas(viaGraphics.getWidth(), viaGraphics.getHeight());
        BitmapFont.draw(viaPixels, s, 2, 2, 2, INK);
        assertArrayEquals(viaGraphics.getRGB(0, 0, viaGraphics.getWidth(), viaGraphics.getHeight(), null, 0, viaGraphics.getWidth()),
                viaPixels.getRGB(0, 0, viaPixels.getWidth(), viaPixels.getHeight(), null, 0, viaPixels.getWidth()));

        // vertical: the horizontal text turned a quarter counter-clockwise
        int w = BitmapFont.width(s, 2), h = BitmapFont.height(2);
        BufferedImage vertical = Png.canvas(h, w);
        Graphics2D g = Png.graphics(vertical);
        BitmapFont.drawVertical(g, s, 0, 0, 2, INK);
        g.dispose();
        for (int v = 0; v < h; v++) {
            for (int u = 0; u < w; u++) {
                assertEquals(viaGraphics.getRGB(2 + u, 2 + v), vertical.getRGB(v, w - 1 - u), "at " + u + "," + v);
            }
        }

        // drawing past the edges of an image is clipped, not an error
        BufferedImage small = Png.canvas(10, 5);
        BitmapFont.draw(small, "WWWW", -3, -4, 2, INK);
        assertTrue(count(small, 0x222222) > 0);
        // a translucent colour is blended
        BufferedImage blended = Png.canvas(20, 20);
        BitmapFont.draw(blended, "I", 2, 2, 1, new Color(0, 0, 0, 128));
        assertEquals(0x7f7f7f, blended.getRGB(3, 2) & 0xffffff);
    }

    @Test
    void graphicsStateIsRestored() {
        BufferedImage img = Png.canvas(50, 20);
        Graphics2D g = Png.graphics(img);
        g.setColor(Color.RED);
        Object aa = g.getRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING);
        BitmapFont.drawBold(g, "ab", 1, 1, 1, INK);
        assertEquals(Color.RED, g.getColor());
        assertEquals(aa, g.getRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING));
        g.dispose();
        assertNotEquals(0, count(img, 0x222222));
    }
}
