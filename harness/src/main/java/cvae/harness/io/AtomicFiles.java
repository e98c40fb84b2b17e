package cvae.harness.io;

import cvae.harness.UserError;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a
 * half-written file: the harness writes results (config.yaml, metrics.csv, run.json,
 * checkpoints) that a crash, a Ctrl-C or a full disk must not leave truncated.
 *
 * <p>How: the content goes to a hidden temporary file in the <em>same directory</em> (a rename
 * is atomic only within one file system), is flushed to disk with fsync, and is then renamed
 * over the target with {@link StandardCopyOption#ATOMIC_MOVE}; finally the directory itself is
 * fsynced so that the rename survives a power cut. Missing parent directories are created.
 * Every failure becomes a {@link UserError} naming the file, and the temporary file is removed.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Like {@link java.util.function.Consumer}, but may throw {@link IOException}. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        void accept(T t) throws IOException;
    }

    /** Atomically replaces {@code file} with {@code text} encoded as UTF-8. */
    public static void writeString(Path file, String text) {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Atomically replaces {@code file} with {@code bytes}. */
    public static void writeBytes(Path file, byte[] bytes) {
        write(file, out -> out.write(bytes));
    }

    /**
     * Atomically replaces {@code file} with whatever {@code body} writes to the stream it is
     * given. The stream is buffered; {@code body} may close it or not. If {@code body} throws,
     * the target is left untouched; a {@link RuntimeException} from {@code body} (such as a
     * {@link UserError}) passes through unchanged, an {@link IOException} becomes a UserError.
     */
    public static void write(Path file, IOConsumer<OutputStream> body) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create directory " + dir + " for " + file + ": "
                    + IoErrors.describe(e), e);
        }
        if (Files.isDirectory(target)) {
            throw new UserError("cannot write " + file + ": it is a directory");
        }
        Path tmp = null;
        try {
            tmp = createTemp(dir, target.getFileName().toString());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.accept(new UncloseableStream(out));
                out.flush();
                ch.force(true); // the data must be on disk before the rename makes it visible
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + IoErrors.describe(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original failure matters more than a leftover hidden temp file.
                }
            }
        }
    }

    /**
     * Creates an empty hidden temp file next to the target. Not {@link Files#createTempFile}:
     * that one makes the file mode 0600, which the rename would carry over to the result; a
     * plain CREATE_NEW gives the usual umask-based mode.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename durable; some platforms (Windows) cannot open a directory, which is fine. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Best effort only: the file content itself is already synced.
        }
    }

    /** Lets the body close "its" stream without closing the channel we still have to fsync. */
    private static final class UncloseableStream extends FilterOutputStream {
        UncloseableStream(OutputStream out) { super(out); }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len); // FilterOutputStream would write byte by byte
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
