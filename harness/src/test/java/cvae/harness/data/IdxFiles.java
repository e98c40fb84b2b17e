package cvae.harness.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Hand-made IDX files and tar archives for the data tests. */
final class IdxFiles {
    private IdxFiles() {}

    /** An IDX image file: header (magic, n, rows, cols) then pixel (i*7 + k) & 0xFF for image i, pixel k. */
    static byte[] images(int magic, int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols); // big-endian, as IDX is
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < rows * cols; k++) b.put((byte) (i * 7 + k));
        }
        return b.array();
    }

    static byte[] images(int n) { return images(Mnist.IMAGES_MAGIC, n, 28, 28); }

    /** An IDX label file with the given labels. */
    static byte[] labelsWithMagic(int magic, int... ys) {
        ByteBuffer b = ByteBuffer.allocate(8 + ys.length);
        b.putInt(magic).putInt(ys.length);
        for (int y : ys) b.put((byte) y);
        return b.array();
    }

    static byte[] labels(int... ys) { return labelsWithMagic(Mnist.LABELS_MAGIC, ys); }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(plain);
        }
        return bos.toByteArray();
    }

    /** A small valid data set: 3 training images (labels 5, 0, 9), 2 test images (labels 7, 1). */
    static Map<String, byte[]> smallSet() {
        return Map.of(
                Mnist.TRAIN_IMAGES, images(3), Mnist.TRAIN_LABELS, labels(5, 0, 9),
                Mnist.TEST_IMAGES, images(2), Mnist.TEST_LABELS, labels(7, 1));
    }

    /** Writes {@code files} into {@code dir}, gzipped (with a .gz suffix) if {@code gz}. */
    static Path write(Path dir, Map<String, byte[]> files, boolean gz) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(gz ? e.getKey() + ".gz" : e.getKey()), gz ? gzip(e.getValue()) : e.getValue());
        }
        return dir;
    }

    // ---------------------------------------------------------------------------- tar building

    /** Appends one ustar entry (header + content + padding). A name over 100 chars uses the prefix field. */
    static void tarEntry(ByteArrayOutputStream out, String name, char type, byte[] content) {
        byte[] h = new byte[512];
        String prefix = "";
        if (name.length() > 100) {
            int slash = name.lastIndexOf('/', 154);
            prefix = name.substring(0, slash);
            name = name.substring(slash + 1);
        }
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0001750");
        put(h, 116, "0001750");
        put(h, 124, String.format("%011o", content.length));
        put(h, 136, String.format("%011o", 1_400_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        put(h, 345, prefix);
        for (int i = 148; i < 156; i++) h[i] = ' ';
        int sum = 0;
        for (byte x : h) sum += x & 0xFF;
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        out.writeBytes(h);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    /** A pax extended header setting the next entry's path. */
    static void paxPath(ByteArrayOutputStream out, String path) {
        String rec = " path=" + path + "\n";
        int len = rec.length() + 1;
        len = rec.length() + String.valueOf(len).length(); // the length counts its own digits
        tarEntry(out, "PaxHeader/x", 'x', (len + rec).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] tarEnd(ByteArrayOutputStream out) {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
