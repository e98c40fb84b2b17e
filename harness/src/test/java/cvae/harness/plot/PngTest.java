package cvae.harness.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngTest {

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacesExistingFileAndLeavesNoTemp(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("a/b/c.png");
        BufferedImage red = Png.canvas(3, 2);
        red.setRGB(0, 0, 0xff0000);
        Png.write(png, red);
        assertEquals(0xff0000, ImageIO.read(png.toFile()).getRGB(0, 0) & 0xffffff);
        BufferedImage blue = Png.canvas(5, 4);
        blue.setRGB(0, 0, 0x0000ff);
        Png.write(png, blue);
        BufferedImage back = ImageIO.read(png.toFile());
        assertEquals(5, back.getWidth());
        assertEquals(0x0000ff, back.getRGB(0, 0) & 0xffffff);
        assertEquals(List.of("c.png"), names(png.getParent()));
        assertArrayEquals(Png.encode(blue), Files.readAllBytes(png));
    }

    @Test
    void failureLeavesNoTemp(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("taken.png");
        Files.createDirectory(target); // a non-empty directory cannot be replaced by a file
        Files.writeString(target.resolve("keep"), "x");
        assertThrows(IOException.class, () -> Png.write(target, Png.canvas(2, 2)));
        assertEquals(List.of("taken.png"), names(dir));
    }
}
