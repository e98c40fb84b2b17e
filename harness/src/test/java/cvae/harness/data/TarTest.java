package cvae.harness.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static cvae.harness.data.IdxFiles.paxPath;
import static cvae.harness.data.IdxFiles.tarEnd;
import static cvae.harness.data.IdxFiles.tarEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TarTest {
    @Test
    void readsNamesSizesAndContentAndSkipsUnreadContent() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] big = new byte[1500];
        Arrays.fill(big, (byte) 'z');
        tarEntry(out, "package/package.json", '0', "{}".getBytes(StandardCharsets.UTF_8));
        tarEntry(out, "package/data", '5', new byte[0]);
        tarEntry(out, "package/big.bin", '0', big);
        String longName = "package/" + "d".repeat(60) + "/" + "f".repeat(80); // needs the ustar prefix
        tarEntry(out, longName, '0', "long".getBytes(StandardCharsets.UTF_8));
        paxPath(out, "package/" + "p".repeat(200));
        tarEntry(out, "ignored-short-name", '0', "pax".getBytes(StandardCharsets.UTF_8));
        tarEntry(out, "././@LongLink", 'L', ("package/" + "g".repeat(150) + "\0").getBytes(StandardCharsets.UTF_8));
        tarEntry(out, "truncated-gnu-name", '0', "gnu".getBytes(StandardCharsets.UTF_8));

        Tar tar = new Tar(new ByteArrayInputStream(tarEnd(out)));
        List<String> names = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        for (Tar.Entry e; (e = tar.next()) != null; ) {
            names.add(e.name() + ":" + e.type() + ":" + e.size());
            if (!e.name().endsWith("big.bin")) { // leave this one unread: next() must skip it
                ByteArrayOutputStream c = new ByteArrayOutputStream();
                tar.copyContent(c);
                contents.add(c.toString(StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of("package/package.json:0:2", "package/data:5:0", "package/big.bin:0:1500",
                longName + ":0:4", "package/" + "p".repeat(200) + ":0:3", "package/" + "g".repeat(150) + ":0:3"), names);
        assertEquals(List.of("{}", "", "long", "pax", "gnu"), contents);
        assertEquals(null, tar.next(), "stays at the end");
    }

    @Test
    void badChecksumIsAFormatError() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tarEntry(out, "a", '0', new byte[] {1});
        byte[] b = tarEnd(out);
        b[0] = 'b'; // the name changes, the checksum does not
        assertThrows(Tar.FormatException.class, () -> new Tar(new ByteArrayInputStream(b)).next());
        byte[] notTar = "this is not a tar archive at all".repeat(20).getBytes(StandardCharsets.UTF_8);
        assertThrows(Tar.FormatException.class, () -> new Tar(new ByteArrayInputStream(notTar)).next());
    }

    @Test
    void truncatedArchiveIsAnError() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tarEntry(out, "a", '0', new byte[2000]);
        byte[] cut = Arrays.copyOf(out.toByteArray(), 1000);
        Tar tar = new Tar(new ByteArrayInputStream(cut));
        assertEquals("a", tar.next().name());
        assertThrows(EOFException.class, () -> tar.copyContent(new ByteArrayOutputStream()));
        Tar tar2 = new Tar(new ByteArrayInputStream(cut));
        tar2.next();
        assertThrows(EOFException.class, tar2::next); // skipping the missing content
        assertThrows(Tar.FormatException.class, () -> new Tar(new ByteArrayInputStream(new byte[100])).next());
    }

    @Test
    void emptyArchive() throws IOException {
        assertEquals(null, new Tar(new ByteArrayInputStream(new byte[1024])).next());
        assertEquals(null, new Tar(new ByteArrayInputStream(new byte[0])).next());
        byte[] content = {1, 2, 3};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tarEntry(out, "x", '0', content);
        Tar tar = new Tar(new ByteArrayInputStream(out.toByteArray())); // no end blocks at all
        assertEquals("x", tar.next().name());
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        tar.copyContent(c);
        assertArrayEquals(content, c.toByteArray());
        assertEquals(null, tar.next());
    }
}
