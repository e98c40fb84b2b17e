package cvae.harness.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cvae.harness.plot.SampleGrid.Scale;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleGridTest {

    private static float[][] constant(int rows, float v) {
        float[][] images = new float[rows * 10][784];
        for (float[] im : images) Arrays.fill(im, v);
        return images;
    }

    /** Colour of the screen pixel inside digit (r, k) at digit pixel (x, y), sub-pixel (dx, dy). */
    private static int at(BufferedImage img, int r, int k, int x, int y, boolean title) {
        return img.getRGB(SampleGrid.cellX(k) + x * SampleGrid.ZOOM + 1,
                SampleGrid.cellY(r, title) + y * SampleGrid.ZOOM + 2) & 0xffffff;
    }

    @Test
    void sizeIsAsDocumented() {
        BufferedImage img = SampleGrid.render(constant(2, 0.5f), 2, "epoch 3  loss 0.0123", Scale.MINMAX);
        assertEquals(1176, img.getWidth());
        assertEquals(10 + 30 + 20 + 2 * 112 + 4 + 10, img.getHeight());
        BufferedImage untitled = SampleGrid.render(constant(3, 0.5f), 3, null, Scale.FIXED);
        assertEquals(1176, untitled.getWidth());
        assertEquals(10 + 20 + 3 * 112 + 2 * 4 + 10, untitled.getHeight());
        assertEquals(SampleGrid.height(3, false), untitled.getHeight());
        assertEquals(112, SampleGrid.CELL);
    }

    @Test
    void pixelInsideImageKHasTheMappedColour() {
        float[][] images = constant(2, 0f);
        int k = 7;
        Arrays.fill(images[10 + k], 0.25f); // row 1, label 7
        BufferedImage img = SampleGrid.render(images, 2, "t", Scale.FIXED);
        int expected = ColorMap.BUGN.rgb(0.25);
        // whole 112x112 cell of that digit
        for (int y = 0; y < SampleGrid.CELL; y += 5) {
            for (int x = 0; x < SampleGrid.CELL; x += 5) {
                assertEquals(expected, img.getRGB(SampleGrid.cellX(k) + x, SampleGrid.cellY(1, true) + y) & 0xffffff);
            }
        }
        assertEquals(ColorMap.BUGN.rgb(0), at(img, 1, k - 1, 14, 14, true));
        assertEquals(ColorMap.BUGN.rgb(0), at(img, 0, k, 14, 14, true));
        // the gap between digits is white
        assertEquals(0xffffff, img.getRGB(SampleGrid.cellX(k) - 2, SampleGrid.cellY(1, true) + 50) & 0xffffff);
    }

    @Test
    void upscalingIsNearestNeighbour() {
        float[][] images = constant(1, 0f);
        images[3][5 * 28 + 9] = 1f; // label 3, pixel x=9, y=5
        BufferedImage img = SampleGrid.render(images, 1, null, Scale.FIXED);
        int x0 = SampleGrid.cellX(3) + 9 * 4, y0 = SampleGrid.cellY(0, false) + 5 * 4;
        for (int dy = 0; dy < 4; dy++) {
            for (int dx = 0; dx < 4; dx++) assertEquals(0x00441b, img.getRGB(x0 + dx, y0 + dy) & 0xffffff);
        }
        assertEquals(0xf7fcfd, img.getRGB(x0 - 1, y0) & 0xffffff);
        assertEquals(0xf7fcfd, img.getRGB(x0 + 4, y0) & 0xffffff);
        assertEquals(0xf7fcfd, img.getRGB(x0, y0 - 1) & 0xffffff);
        assertEquals(0xf7fcfd, img.getRGB(x0, y0 + 4) & 0xffffff);
    }

    @Test
    void minmaxRescalesEachImageWhileFixedDoesNot() {
        float[][] images = constant(1, 0.2f);
        for (float[] im : images) Arrays.fill(im, 0, 28, 0.6f); // top row of each digit brighter
        BufferedImage fixed = SampleGrid.render(images, 1, null, Scale.FIXED);
        BufferedImage minmax = SampleGrid.render(images, 1, null, Scale.MINMAX);
        for (int k = 0; k < 10; k++) {
            assertEquals(ColorMap.BUGN.rgb(0.6), at(fixed, 0, k, 3, 0, false));
            assertEquals(ColorMap.BUGN.rgb(0.2), at(fixed, 0, k, 3, 10, false));
            assertEquals(ColorMap.BUGN.rgb(1.0), at(minmax, 0, k, 3, 0, false));
            assertEquals(ColorMap.BUGN.rgb(0.0), at(minmax, 0, k, 3, 10, false));
        }
        assertNotEquals(at(fixed, 0, 0, 3, 0, false), at(minmax, 0, 0, 3, 0, false));

        // MINMAX: each image on its own range, so a 10x dimmer copy looks the same
        float[][] dim = new float[10][];
        for (int k = 0; k < 10; k++) {
            dim[k] = images[k].clone();
            if (k % 2 == 1) for (int i = 0; i < 784; i++) dim[k][i] *= 0.1f;
        }
        BufferedImage mm = SampleGrid.render(dim, 1, null, Scale.MINMAX);
        assertEquals(at(mm, 0, 0, 3, 0, false), at(mm, 0, 1, 3, 0, false));
        assertEquals(at(mm, 0, 0, 3, 10, false), at(mm, 0, 1, 3, 10, false));
        // a constant image gets colour 0 (matplotlib's Normalize with vmin == vmax)
        BufferedImage flat = SampleGrid.render(constant(1, 0.7f), 1, null, Scale.MINMAX);
        assertEquals(ColorMap.BUGN.rgb(0), at(flat, 0, 4, 10, 10, false));
    }

    @Test
    void fixedWithExplicitRangeAndGray() {
        float[][] images = constant(1, 0f);
        images[2][0] = -1f;
        images[2][1] = 1f;
        images[2][2] = 3f; // clamped
        BufferedImage img = SampleGrid.render(images, 1, "x", Scale.FIXED, -1, 1, ColorMap.GRAY);
        assertEquals(0x808080, at(img, 0, 0, 5, 5, true)); // 0 is the middle of [-1, 1]
        assertEquals(0x000000, at(img, 0, 2, 0, 0, true));
        assertEquals(0xffffff, at(img, 0, 2, 1, 0, true));
        assertEquals(0xffffff, at(img, 0, 2, 2, 0, true));
    }

    @Test
    void nanPixelsAreWhiteAndIgnoredByMinmax() {
        float[][] images = constant(1, 0f);
        images[0][0] = Float.NaN;
        images[0][1] = 2f;
        BufferedImage img = SampleGrid.render(images, 1, null, Scale.MINMAX);
        assertEquals(ColorMap.BAD_RGB, at(img, 0, 0, 0, 0, false));
        assertEquals(0x00441b, at(img, 0, 0, 1, 0, false));
        assertEquals(0xf7fcfd, at(img, 0, 0, 2, 0, false));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> SampleGrid.render(constant(1, 0f), 2, null, Scale.FIXED));
        assertThrows(IllegalArgumentException.class, () -> SampleGrid.render(new float[10][783], 1, null, Scale.FIXED));
        assertThrows(IllegalArgumentException.class, () -> SampleGrid.render(constant(1, 0f), 0, null, Scale.FIXED));
        assertThrows(IllegalArgumentException.class,
                () -> SampleGrid.render(constant(1, 0f), 1, null, Scale.FIXED, 1, 1));
    }

    @Test
    void stackPutsLabelsLeftAndImagesBelowEachOther() {
        BufferedImage a = SampleGrid.render(constant(1, 0f), 1, "a", Scale.FIXED);
        BufferedImage b = SampleGrid.render(constant(2, 1f), 2, null, Scale.FIXED);
        BufferedImage s = SampleGrid.stack(List.of(a, b), List.of("lr=1e-3", "lr=3e-4\nbeta=4"));
        int left = s.getWidth() - a.getWidth();
        assertEquals(a.getHeight() + SampleGrid.STACK_GAP + b.getHeight(), s.getHeight());
        assertEquals(true, left > 20);
        for (int[] p : new int[][] {{40, 100}, {500, 170}, {1100, 150}}) {
            assertEquals(a.getRGB(p[0], p[1]), s.getRGB(left + p[0], p[1]));
            assertEquals(b.getRGB(p[0], p[1]), s.getRGB(left + p[0], a.getHeight() + SampleGrid.STACK_GAP + p[1]));
        }
        // some dark label text to the left of each image
        assertEquals(true, hasDark(s, 0, 0, left, a.getHeight()));
        assertEquals(true, hasDark(s, 0, a.getHeight(), left, s.getHeight()));
        // no labels: no label column
        assertEquals(a.getWidth(), SampleGrid.stack(List.of(a), Arrays.asList((String) null)).getWidth());
        assertThrows(IllegalArgumentException.class, () -> SampleGrid.stack(List.of(a, b), List.of("x")));
    }

    private static boolean hasDark(BufferedImage img, int x0, int y0, int x1, int y1) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) if ((img.getRGB(x, y) & 0xff) < 100) return true;
        }
        return false;
    }

    @Test
    void writesAtomicallyAndDeterministically(@TempDir Path dir) throws Exception {
        float[][] images = new float[30][784];
        for (int i = 0; i < images.length; i++) {
            for (int p = 0; p < 784; p++) images[i][p] = (float) Math.sin(i * 0.3 + p * 0.01);
        }
        Path png = dir.resolve("deep/er/samples.png");
        SampleGrid.write(png, images, 3, "epoch 3  loss 0.0123", Scale.MINMAX);
        byte[] first = Files.readAllBytes(png);
        BufferedImage read = ImageIO.read(png.toFile());
        assertNotNull(read);
        assertEquals(1176, read.getWidth());
        assertEquals(SampleGrid.height(3, true), read.getHeight());
        SampleGrid.write(png, images, 3, "epoch 3  loss 0.0123", Scale.MINMAX);
        assertArrayEquals(first, Files.readAllBytes(png));
        SampleGrid.write(png, images, 3, "epoch 3  loss 0.0123", Scale.FIXED, -1, 1);
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of("samples.png"), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
