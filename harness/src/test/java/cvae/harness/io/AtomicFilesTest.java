package cvae.harness.io;

import cvae.harness.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesCreatingParentsAndReplacing() throws IOException {
        Path f = dir.resolve("a/b/run.json");
        AtomicFiles.writeString(f, "first ✓");
        assertEquals("first ✓", Files.readString(f));
        AtomicFiles.writeString(f, "second");
        assertEquals("second", Files.readString(f));
        AtomicFiles.writeBytes(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(List.of(f), listAll(f.getParent()), "no temp file may be left behind");
    }

    @Test
    void streamingWriteMayCloseTheStream() throws IOException {
        Path f = dir.resolve("metrics.csv");
        AtomicFiles.write(f, out -> {
            for (int i = 0; i < 100_000; i++) out.write(("row " + i + "\n").getBytes());
            out.close(); // the body closing its stream must not break the fsync
        });
        List<String> lines = Files.readAllLines(f);
        assertEquals(100_000, lines.size());
        assertEquals("row 99999", lines.getLast());
    }

    @Test
    void failingBodyLeavesTheOldFileAndNoTemp() throws IOException {
        Path f = dir.resolve("config.yaml");
        AtomicFiles.writeString(f, "old");
        UserError boom = new UserError("boom");
        UserError thrown = assertThrows(UserError.class, () -> AtomicFiles.write(f, out -> {
            out.write("half-written".getBytes());
            throw boom;
        }));
        assertSame(boom, thrown);
        UserError io = assertThrows(UserError.class, () -> AtomicFiles.write(f, out -> {
            throw new IOException("disk full");
        }));
        assertTrue(io.getMessage().contains("config.yaml") && io.getMessage().contains("disk full"), io.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(f), listAll(dir));
    }

    @Test
    void directoryTargetOrUnwritableParentIsAUserError() throws IOException {
        Path d = Files.createDirectory(dir.resolve("results"));
        UserError e = assertThrows(UserError.class, () -> AtomicFiles.writeString(d, "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        Path file = Files.writeString(dir.resolve("plain"), "x");
        e = assertThrows(UserError.class, () -> AtomicFiles.writeString(file.resolve("child.txt"), "x"));
        assertTrue(e.getMessage().contains("child.txt"), e.getMessage());
    }

    private static List<Path> listAll(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }
}
