package cvae.harness.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cvae.harness.plot.LinePlot.Series;
import cvae.harness.plot.SampleGrid.Scale;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text in the plots comes from {@link BitmapFont}: it is drawn on a headless JVM without
 * loading the JDK's font machinery (which needs fontconfig and installed fonts), it is
 * really there, and the bytes do not depend on the machine.
 */
class HeadlessTextTest {

    private static final int TEXT = 0x222222;

    /** Classes the JDK loads as soon as anything measures or draws text with its fonts. */
    private static final List<String> FONT_MACHINERY = List.of(
            "sun.font.FontManagerFactory", "sun.font.SunFontManager", "sun.font.FontDesignMetrics",
            "sun.font.FontConfigManager", "sun.awt.FontConfiguration", "sun.font.FontStrike",
            "sun.font.FontScaler", "sun.font.FontManagerNativeLibrary");

    static float[][] digits(int rows) {
        float[][] images = new float[rows * 10][784];
        for (int i = 0; i < images.length; i++) {
            for (int p = 0; p < 784; p++) images[i][p] = (float) Math.max(0, Math.sin(i * 0.3 + p * 0.05));
        }
        return images;
    }

    static List<Series> curves() {
        int n = 30;
        double[] ep = new double[n], train = new double[n], test = new double[n];
        for (int i = 0; i < n; i++) {
            ep[i] = i + 1;
            train[i] = 0.2 * Math.exp(-i / 4.0) + 0.03;
            test[i] = 0.21 * Math.exp(-i / 4.5) + 0.035;
        }
        return List.of(new Series("train", ep, train), new Series("test", ep, test));
    }

    /** Renders and writes everything the package draws text on; run in a child JVM by the test. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            SampleGrid.write(dir.resolve("grid.png"), digits(2), 2, "epoch 7   test loss 0.01234", Scale.FIXED);
            SampleGrid.writeStack(dir.resolve("stack.png"),
                    List.of(SampleGrid.render(digits(1), 1, "a", Scale.MINMAX)), List.of("lr=1e-3\nbeta=4"));
            LinePlot.write(dir.resolve("curves.png"), "loss per epoch", "epoch", "loss", curves(), true);
            LinePlot.write(dir.resolve("empty.png"), "nothing", "x", "y", List.of(), false, false);
            System.out.println("child done, headless=" + java.awt.GraphicsEnvironment.isHeadless());
        }
    }

    @Test
    void rendersHeadlessWithoutTheJdkTextStack(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("child.log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-Xlog:class+load=info",
                "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        String tail = out.substring(Math.max(0, out.length() - 3000));
        assertEquals(0, p.exitValue(), tail);
        assertTrue(out.contains("child done, headless=true"), tail);
        // the class-load log works (so an absent name below means it was really not loaded)
        assertTrue(out.contains("cvae.harness.plot.BitmapFont "), "class loading is logged");
        assertTrue(out.contains("java.awt.image.BufferedImage "), "class loading is logged");
        for (String cls : FONT_MACHINERY) assertFalse(out.contains(cls + " "), cls + " was loaded");

        BufferedImage grid = ImageIO.read(dir.resolve("grid.png").toFile());
        assertTitleBandHasText(grid);
        BufferedImage curves = ImageIO.read(dir.resolve("curves.png").toFile());
        assertPlotHasText(curves);
        BufferedImage stack = ImageIO.read(dir.resolve("stack.png").toFile());
        int labelColumn = stack.getWidth() - SampleGrid.width();
        assertTrue(labelColumn > 0 && count(stack, 0, 0, labelColumn, stack.getHeight(), TEXT) > 100, "stack labels");
        // the child's bytes are this JVM's bytes: nothing depends on the process or machine
        assertArrayEquals(Files.readAllBytes(dir.resolve("grid.png")),
                Png.encode(SampleGrid.render(digits(2), 2, "epoch 7   test loss 0.01234", Scale.FIXED)));
        assertArrayEquals(Files.readAllBytes(dir.resolve("curves.png")),
                Png.encode(LinePlot.render("loss per epoch", "epoch", "loss", curves(), true)));
    }

    @Test
    void gridTitleAndColumnLabelsAreDrawn() {
        BufferedImage img = SampleGrid.render(digits(1), 1, "epoch 7   test loss 0.01234", Scale.FIXED);
        assertTitleBandHasText(img);
        // a different title changes the title band, and only there
        BufferedImage other = SampleGrid.render(digits(1), 1, "epoch 8   test loss 0.01111", Scale.FIXED);
        int bandEnd = SampleGrid.MARGIN + SampleGrid.TITLE_H;
        assertNotEquals(0, diff(img, other, 0, 0, img.getWidth(), bandEnd));
        assertEquals(0, diff(img, other, 0, bandEnd, img.getWidth(), img.getHeight()));
        // the label digit above each column, roughly centred on it
        int labelTop = bandEnd, labelBottom = labelTop + SampleGrid.LABEL_H;
        for (int k = 0; k < SampleGrid.COLS; k++) {
            int x0 = SampleGrid.cellX(k), mid = x0 + SampleGrid.CELL / 2;
            assertTrue(count(img, mid - 6, labelTop, mid + 6, labelBottom, TEXT) > 10, "label " + k);
            assertEquals(0, count(img, x0, labelTop, mid - 8, labelBottom, TEXT), "label " + k + " is centred");
        }
        // no title: no title band, labels still there
        BufferedImage untitled = SampleGrid.render(digits(1), 1, null, Scale.FIXED);
        assertTrue(count(untitled, 0, SampleGrid.MARGIN, untitled.getWidth(), SampleGrid.MARGIN + SampleGrid.LABEL_H, TEXT) > 100);
    }

    @Test
    void plotTitleLabelsTicksAndLegendAreDrawn() {
        BufferedImage img = LinePlot.render("loss per epoch", "epoch", "loss", curves(), true);
        assertPlotHasText(img);
        BufferedImage bare = LinePlot.render(LinePlot.DEFAULT_WIDTH, LinePlot.DEFAULT_HEIGHT, null, null, null,
                List.of(new Series(null, new double[] {1, 2}, new double[] {1, 2})), false, false);
        assertEquals(0, count(bare, 0, 0, bare.getWidth(), 10, TEXT), "no title, no text at the top");
        // the legend: dark text inside the plot's upper right corner
        assertTrue(count(img, img.getWidth() - 200, 30, img.getWidth() - 28, 120, TEXT) > 50, "legend text");
    }

    private static void assertTitleBandHasText(BufferedImage img) {
        int w = img.getWidth(), band = SampleGrid.MARGIN + SampleGrid.TITLE_H;
        int ink = count(img, 0, 0, w, band, TEXT);
        assertTrue(ink > 300, "title text drawn: " + ink + " pixels");
        // centred: ink on both sides of the middle, none near the edges
        assertTrue(count(img, 0, 0, w / 2, band, TEXT) > 100 && count(img, w / 2, 0, w, band, TEXT) > 100);
        assertEquals(0, count(img, 0, 0, 200, band, TEXT) + count(img, w - 200, 0, w, band, TEXT));
        // only two colours in the band: crisp text on white
        assertEquals(w * band, ink + count(img, 0, 0, w, band, 0xffffff));
    }

    private static void assertPlotHasText(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        assertTrue(count(img, 200, 0, w - 200, 35, TEXT) > 150, "title");
        assertTrue(count(img, 0, 100, 30, h - 100, TEXT) > 80, "y label, vertical, at the left");
        assertTrue(count(img, 300, h - 30, w - 300, h, TEXT) > 60, "x label at the bottom");
        assertTrue(count(img, 70, h - 60, w, h - 35, TEXT) > 40, "x tick labels");
        assertTrue(count(img, 30, 60, 75, h - 60, TEXT) > 40, "y tick labels");
    }

    private static int count(BufferedImage img, int x0, int y0, int x1, int y1, int rgb) {
        int n = 0;
        for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x1); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
            }
        }
        return n;
    }

    private static int diff(BufferedImage a, BufferedImage b, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) if (a.getRGB(x, y) != b.getRGB(x, y)) n++;
        }
        return n;
    }
}
