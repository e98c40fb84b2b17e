package cvae.harness.quality;

import org.junit.jupiter.api.Test;

import static cvae.harness.model.ModelConfig.PIXELS;
import static org.junit.jupiter.api.Assertions.*;

/** Each measure on hand-made images, against values worked out by hand (in the comments). */
class ImageMeasuresTest {
    static final int S = ImageMeasures.SIDE;

    /** A black image with a 2×2 white square at rows 10–11, columns 10–11. */
    static float[] square() {
        float[] img = new float[PIXELS];
        for (int r = 10; r <= 11; r++) for (int c = 10; c <= 11; c++) img[r * S + c] = 1f;
        return img;
    }

    @Test void totalVariationOfASquareIsItsPerimeter() {
        // each of rows 10 and 11 steps 0→1 and 1→0 once: 4 horizontal steps; the same vertically: 8
        assertEquals(8.0, ImageMeasures.totalVariation(square(), 0), 0);
        assertEquals(0.0, ImageMeasures.totalVariation(new float[PIXELS], 0), 0);
        // a checkerboard of ±0.5: every one of the 2·28·27 neighbour pairs differs by 1
        float[] check = new float[PIXELS];
        for (int i = 0; i < PIXELS; i++) check[i] = ((i / S + i % S) % 2 == 0) ? 0.5f : -0.5f;
        assertEquals(2 * 28 * 27, ImageMeasures.totalVariation(check, 0), 1e-9);
    }

    @Test void totalVariationReadsFromTheOffset() {
        float[] two = new float[2 * PIXELS];
        System.arraycopy(square(), 0, two, PIXELS, PIXELS);
        assertEquals(0.0, ImageMeasures.totalVariation(two, 0), 0);
        assertEquals(8.0, ImageMeasures.totalVariation(two, PIXELS), 0);
    }

    @Test void laplacianEnergyOfASquare() {
        // each square pixel: 4·1 − (two white and two black neighbours) = 2, squared 4, four of them: 16;
        // each of the 8 black pixels touching the square on a side: 0 − 1 = −1, squared 1: 8; total 24
        assertEquals(24.0 / (26 * 26), ImageMeasures.laplacianEnergy(square(), 0), 1e-12);
        // a constant image has none, whatever its value
        float[] grey = new float[PIXELS];
        java.util.Arrays.fill(grey, 0.3f);
        assertEquals(0.0, ImageMeasures.laplacianEnergy(grey, 0), 1e-12);
    }

    @Test void maskedMeanAveragesOnlyTheMask() {
        float[] img = square();
        boolean[] mask = new boolean[PIXELS];
        mask[10 * S + 10] = true;     // white
        mask[0] = true;               // black
        mask[5] = true;               // black
        assertEquals(1.0 / 3, ImageMeasures.maskedMean(img, 0, mask), 1e-12);
        assertTrue(Double.isNaN(ImageMeasures.maskedMean(img, 0, new boolean[PIXELS])));
    }

    @Test void dilationGrowsBySquares() {
        boolean[] one = new boolean[PIXELS];
        one[5 * S + 5] = true;
        assertEquals(25, count(ImageMeasures.dilate(one, 2)));
        boolean[] corner = new boolean[PIXELS];
        corner[0] = true;
        assertEquals(9, count(ImageMeasures.dilate(corner, 2)));      // clipped at the border: 3×3
        assertTrue(ImageMeasures.dilate(one, 2)[3 * S + 7]);
        assertFalse(ImageMeasures.dilate(one, 2)[2 * S + 5]);
    }

    @Test void backgroundIsOutsideTheDilatedSupportOfEachLabelsMeanImage() {
        // label 3: two images whose mean is 0.5 on the square (above 0.05) and 0 elsewhere;
        // label 7: one image with a single pixel of 0.04 (below the threshold): no support, all background
        float[] images = new float[3 * PIXELS];
        System.arraycopy(square(), 0, images, 0, PIXELS);
        images[PIXELS + 10 * S + 10] = 1f;
        images[PIXELS + 11 * S + 11] = 1f;
        images[PIXELS + 10 * S + 11] = 1f;
        images[PIXELS + 11 * S + 10] = 1f;
        images[2 * PIXELS + 100] = 0.04f;
        boolean[][] bg = ImageMeasures.backgroundMasks(images, new byte[]{3, 3, 7}, 3);
        // the 2×2 square dilated by 2 is 6×6: 36 pixels are not background
        assertEquals(PIXELS - 36, count(bg[3]));
        assertFalse(bg[3][8 * S + 8]);
        assertTrue(bg[3][7 * S + 8]);
        assertEquals(PIXELS, count(bg[7]));
        assertEquals(PIXELS, count(bg[0]));    // a label with no images has no support either
    }

    @Test void articleRenderingShiftsByTheMinimumTruncatesAndRescalesEachDigit() {
        // digit A: 0.2 everywhere, 0.6 at pixel 0; digit B: 0.1 everywhere, 0.3 at pixel 0, 0.2 at pixel 1.
        // The figure's minimum is 0.1: x + 0.1 gives A 0.3 / 0.7 and B 0.2 / 0.4 / 0.3; the maximum is 0.7;
        // ×255/0.7 and truncation: A 109 / 255, B 72 / 145 / 109; each digit min-max: A 0 / 1,
        // B 0 / 1 / (109−72)/(145−72) = 37/73.
        float[] x = new float[2 * PIXELS];
        java.util.Arrays.fill(x, 0, PIXELS, 0.2f);
        x[0] = 0.6f;
        java.util.Arrays.fill(x, PIXELS, 2 * PIXELS, 0.1f);
        x[PIXELS] = 0.3f;
        x[PIXELS + 1] = 0.2f;
        float[] t = ImageMeasures.articleRendering(x, 0, 2);
        assertEquals(1f, t[0]);
        assertEquals(0f, t[5]);
        assertEquals(1f, t[PIXELS]);
        assertEquals(37f / 73f, t[PIXELS + 1], 1e-6);
        assertEquals(0f, t[PIXELS + 5]);
    }

    @Test void articleRenderingMakesAUniformlyGreyBackgroundLightAndAnUnevenOneDark() {
        // The point of finding 3: the colour of the background on the article's plot depends on
        // whether it is the darkest part of the digit, not on its value. A digit on a background of
        // 0.3 is drawn with the lightest colour; the same digit with one pixel at 0 has its 0.3
        // background drawn at 0.3 / 1 of the map (darker).
        float[] even = square();
        for (int i = 0; i < PIXELS; i++) if (even[i] == 0f) even[i] = 0.3f;
        float[] uneven = even.clone();
        uneven[0] = 0f;
        assertEquals(0f, ImageMeasures.articleRendering(even, 0, 1)[100]);
        float dark = ImageMeasures.articleRendering(uneven, 0, 1)[100];
        assertEquals(76f / 255f, dark, 1e-6);       // 0.3 + 0 → ×255 → 76.5 → 76; range 0..255
    }

    private static int count(boolean[] m) {
        int n = 0;
        for (boolean b : m) if (b) n++;
        return n;
    }
}
