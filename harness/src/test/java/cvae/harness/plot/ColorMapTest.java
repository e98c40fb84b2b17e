package cvae.harness.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ColorMapTest {

    @Test
    void bugnEndpointsAreColorBrewerHex() {
        assertEquals(0xf7fcfd, ColorMap.BUGN.rgb(0.0));
        assertEquals(0x00441b, ColorMap.BUGN.rgb(1.0));
        assertArrayEquals(new double[] {0.96862745, 0.98823529, 0.99215686}, ColorMap.BUGN.rgbFloat(0.0), 1e-8);
        assertArrayEquals(new double[] {0.0, 0.26666667, 0.10588235}, ColorMap.BUGN.rgbFloat(1.0), 1e-8);
    }

    @Test
    void bugnMidpointIsNearTheFifthNode() {
        // 0.5 lies on the 5th node (0.4, 0.7608, 0.6431); matplotlib's 256-entry table
        // picks entry floor(0.5 * 256) = 128, i.e. x = 128/255, a hair past the node.
        double[] c = ColorMap.BUGN.rgbFloat(0.5);
        assertArrayEquals(new double[] {0.4, 0.76078431, 0.64313725}, c, 0.005);
        // exact matplotlib value: node 4 at 127.5, node 5 at 159.375 (in LUT units)
        double f = (128 - 127.5) / (159.375 - 127.5);
        double[] expected = {
            0.4 + f * (0.25490196 - 0.4),
            0.76078431 + f * (0.68235294 - 0.76078431),
            0.64313725 + f * (0.4627451 - 0.64313725),
        };
        assertArrayEquals(expected, c, 1e-7);
        assertEquals(0x65c2a3, ColorMap.BUGN.rgb(0.5)); // round(255 * c)
        // the entry just below 0.5 is on the other side of the node
        assertArrayEquals(new double[] {0.4, 0.76078431, 0.64313725}, ColorMap.BUGN.rgbFloat(0.4999), 0.005);
    }

    @Test
    void indexFollowsMatplotlibLookup() {
        assertEquals(0, ColorMap.BUGN.index(0.0));
        assertEquals(0, ColorMap.BUGN.index(1.0 / 256 - 1e-12));
        assertEquals(1, ColorMap.BUGN.index(1.0 / 256));
        assertEquals(128, ColorMap.BUGN.index(0.5));
        assertEquals(255, ColorMap.BUGN.index(0.999));
        assertEquals(255, ColorMap.BUGN.index(1.0));
        assertEquals(-1, ColorMap.BUGN.index(Double.NaN));
    }

    @Test
    void clampsAndBadValues() {
        assertEquals(ColorMap.BUGN.rgb(0), ColorMap.BUGN.rgb(-3));
        assertEquals(ColorMap.BUGN.rgb(1), ColorMap.BUGN.rgb(7));
        assertEquals(ColorMap.BUGN.rgb(0), ColorMap.BUGN.rgb(Double.NEGATIVE_INFINITY));
        assertEquals(ColorMap.BUGN.rgb(1), ColorMap.BUGN.rgb(Double.POSITIVE_INFINITY));
        assertEquals(ColorMap.BAD_RGB, ColorMap.BUGN.rgb(Double.NaN));
    }

    @Test
    void bugnDarkensMonotonically() {
        double prev = Double.POSITIVE_INFINITY;
        for (int i = 0; i < ColorMap.LUT_SIZE; i++) {
            double[] c = ColorMap.BUGN.rgbFloat((i + 0.5) / ColorMap.LUT_SIZE);
            double lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
            assertTrue(lum < prev, "luminance must fall at entry " + i);
            prev = lum;
        }
    }

    @Test
    void grayIsLinear() {
        assertEquals(0x000000, ColorMap.GRAY.rgb(0));
        assertEquals(0xffffff, ColorMap.GRAY.rgb(1));
        assertEquals(0x808080, ColorMap.GRAY.rgb(0.5)); // entry 128 = 128/255
        for (int i = 0; i < 256; i++) {
            int v = ColorMap.GRAY.rgb((i + 0.5) / 256);
            assertEquals((i << 16) | (i << 8) | i, v);
        }
    }

    @Test
    void byName() {
        assertSame(ColorMap.BUGN, ColorMap.byName("BuGn"));
        assertSame(ColorMap.BUGN, ColorMap.byName("bugn"));
        assertSame(ColorMap.GRAY, ColorMap.byName("gray"));
        assertSame(ColorMap.GRAY, ColorMap.byName("Grey"));
        assertThrows(IllegalArgumentException.class, () -> ColorMap.byName("viridis"));
        assertEquals("BuGn", ColorMap.BUGN.name());
    }
}
