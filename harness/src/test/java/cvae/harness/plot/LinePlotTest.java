package cvae.harness.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cvae.harness.plot.LinePlot.Series;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {

    private static final int BLUE = 0x1f77b4, ORANGE = 0xff7f0e;

    private static List<Series> curves(int n) {
        double[] ep = new double[n], train = new double[n], test = new double[n];
        for (int i = 0; i < n; i++) {
            ep[i] = i + 1;
            train[i] = 0.2 * Math.exp(-i / 4.0) + 0.03;
            test[i] = 0.21 * Math.exp(-i / 4.5) + 0.035;
        }
        test[n / 2] = Double.NaN;
        return List.of(new Series("train", ep, train), new Series("test", ep, test));
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
        }
        return n;
    }

    private static List<String> labels(LinePlot.Axis a) {
        return a.ticks().stream().map(LinePlot.Tick::label).toList();
    }

    @Test
    void writesReadablePng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("run/curves.png");
        LinePlot.write(png, "loss per epoch", "epoch", "loss", curves(20), false);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertEquals(LinePlot.DEFAULT_WIDTH, img.getWidth());
        assertEquals(LinePlot.DEFAULT_HEIGHT, img.getHeight());
        assertTrue(count(img, BLUE) > 200, "train line drawn");
        assertTrue(count(img, ORANGE) > 200, "test line drawn");
        try (Stream<Path> s = Files.list(png.getParent())) {
            assertEquals(List.of("curves.png"), s.map(p -> p.getFileName().toString()).toList());
        }
        byte[] first = Files.readAllBytes(png);
        LinePlot.write(png, "loss per epoch", "epoch", "loss", curves(20), false);
        assertArrayEquals(first, Files.readAllBytes(png), "same input, same bytes");
    }

    @Test
    void logScaleAndEdgeCasesRender(@TempDir Path dir) throws Exception {
        List<Series> s = List.of(new Series("a", new double[] {1, 2, 3, 4}, new double[] {1e-3, 0, -1, 10}),
                new Series(null, new double[] {1, 2}, new double[] {Double.NaN, Double.POSITIVE_INFINITY}));
        LinePlot.write(dir.resolve("log.png"), "log", "x", "y", s, true);
        assertNotNull(ImageIO.read(dir.resolve("log.png").toFile()));
        LinePlot.write(dir.resolve("empty.png"), null, null, null, List.of(), true, false);
        assertNotNull(ImageIO.read(dir.resolve("empty.png").toFile()));
        BufferedImage one = LinePlot.render(400, 300, "one", "x", "y",
                List.of(new Series("p", new double[] {5}, new double[] {5})), false, false);
        assertTrue(count(one, BLUE) > 0, "a lone point is still visible");
    }

    @Test
    void nanLeavesAGap() {
        int n = 11;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i == 5 ? Double.NaN : 1.0; // flat line
        }
        BufferedImage img = LinePlot.render(800, 500, null, null, null, List.of(new Series(null, x, y)), false, false);
        int bestRow = -1, best = 0;
        for (int row = 0; row < img.getHeight(); row++) {
            int c = 0;
            for (int col = 0; col < img.getWidth(); col++) if ((img.getRGB(col, row) & 0xffffff) == BLUE) c++;
            if (c > best) {
                best = c;
                bestRow = row;
            }
        }
        assertTrue(best > 300, "line found");
        int runs = 0;
        boolean in = false;
        for (int col = 0; col < img.getWidth(); col++) {
            boolean blue = (img.getRGB(col, bestRow) & 0xffffff) == BLUE;
            if (blue && !in) runs++;
            in = blue;
        }
        assertEquals(2, runs, "one gap where y is NaN");
    }

    @Test
    void niceLinearTicks() {
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), labels(LinePlot.linearAxis(0, 1, 6, false)));
        assertEquals(List.of("5", "10", "15", "20"), labels(LinePlot.linearAxis(1, 20, 8, true)));
        assertEquals(List.of("1", "2", "3"), labels(LinePlot.linearAxis(1, 3, 9, true)));
        List<String> small = labels(LinePlot.linearAxis(0, 3e-5, 6, false));
        assertEquals("0", small.get(0));
        assertTrue(small.contains("1e-5") && small.contains("3e-5"), small.toString());
        List<String> quarter = labels(LinePlot.linearAxis(0, 1, 5, false));
        assertEquals(List.of("0.00", "0.25", "0.50", "0.75", "1.00"), quarter);
        assertEquals(List.of("-1.0", "-0.5", "0.0", "0.5", "1.0"), labels(LinePlot.linearAxis(-1, 1, 5, false)));
        LinePlot.Axis flat = LinePlot.linearAxis(2, 2, 6, false);
        assertTrue(flat.min() < 2 && flat.max() > 2);
    }

    @Test
    void niceLogTicks() {
        assertEquals(List.of("0.001", "0.01", "0.1", "1", "10"), labels(LinePlot.logAxis(1e-3, 10, 8)));
        assertEquals(List.of("0.05", "0.1", "0.2"), labels(LinePlot.logAxis(0.03, 0.25, 8)));
        assertEquals(List.of("1e-8", "1e-6", "0.0001", "0.01", "1"), labels(LinePlot.logAxis(1e-8, 1, 5)));
        assertTrue(labels(LinePlot.logAxis(1.1, 1.3, 6)).size() >= 2);
        assertTrue(LinePlot.logAxis(-1, -1, 6).log());
    }

    @Test
    void seriesIsValidatedAndCopied() {
        assertThrows(IllegalArgumentException.class, () -> new Series("s", new double[2], new double[3]));
        double[] x = {1, 2};
        Series s = new Series("s", x, new double[] {3, 4});
        x[0] = 99;
        assertEquals(1, s.x()[0]);
    }
}
