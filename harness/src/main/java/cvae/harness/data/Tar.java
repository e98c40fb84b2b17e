package cvae.harness.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal streaming reader of (uncompressed) tar archives: ustar, with the pax ('x') and GNU
 * ('L') long-name extensions that npm's node-tar may emit. Why our own: the JDK has none, and
 * {@code npm pack} tarballs are simple enough that a 100-line reader beats a new dependency.
 *
 * <p>Use: {@code for (Entry e; (e = tar.next()) != null; ) { if (...) tar.copyContent(out); }};
 * content not copied is skipped by the next {@link #next()}.
 */
final class Tar {
    static final int BLOCK = 512;

    /** A member: its full path, type flag ('0' regular file, '5' directory, ...) and size. */
    record Entry(String name, char type, long size) {
        boolean isRegularFile() { return type == '0' || type == '\0' || type == '7'; }
    }

    /** The archive is not a valid tar (bad checksum, bad number field, truncated). */
    static final class FormatException extends IOException {
        FormatException(String message) { super(message); }
    }

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private long remaining; // content bytes of the current entry not yet consumed
    private long padding;   // zero bytes after the content up to the next block boundary
    private boolean ended;

    Tar(InputStream in) { this.in = in; }

    /** The next entry, or null at the end of the archive. */
    Entry next() throws IOException {
        skip(remaining + padding);
        remaining = padding = 0;
        String longName = null; // from a preceding pax or GNU long-name entry
        long paxSize = -1;
        while (!ended) {
            int got = in.readNBytes(header, 0, BLOCK);
            if (got == 0) {
                ended = true; // lenient: some writers omit the two end-of-archive zero blocks
                return null;
            }
            if (got < BLOCK) throw new FormatException("truncated tar header");
            if (isZeroBlock(header)) {
                ended = true;
                return null;
            }
            verifyChecksum();
            char type = (char) (header[156] & 0xFF);
            long size = number(124, 12, "size");
            switch (type) {
                case 'x' -> { // pax extended header: applies to the next entry only
                    byte[] pax = readSmall(size);
                    for (String[] kv : paxRecords(pax)) {
                        if (kv[0].equals("path")) longName = kv[1];
                        if (kv[0].equals("size")) paxSize = parseDecimal(kv[1], "pax size");
                    }
                }
                case 'g' -> readSmall(size); // global pax header: nothing in it matters here
                case 'L' -> { // GNU long name: the content is the NUL-terminated name
                    String n = new String(readSmall(size), StandardCharsets.UTF_8);
                    int nul = n.indexOf('\0');
                    longName = nul >= 0 ? n.substring(0, nul) : n;
                }
                default -> {
                    String name = longName != null ? longName : ustarName();
                    if (paxSize >= 0) size = paxSize;
                    remaining = size;
                    padding = (BLOCK - size % BLOCK) % BLOCK;
                    return new Entry(name, type, size);
                }
            }
        }
        return null;
    }

    /** Copies the current entry's content to {@code out}. */
    void copyContent(OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (remaining > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
            if (n < 0) throw new EOFException("tar entry truncated: " + remaining + " bytes missing");
            out.write(buf, 0, n);
            remaining -= n;
        }
    }

    private byte[] readSmall(long size) throws IOException {
        if (size > (1 << 20)) throw new FormatException("extended header of " + size + " bytes is implausibly large");
        byte[] b = in.readNBytes((int) size);
        if (b.length < size) throw new EOFException("tar extended header truncated");
        skip((BLOCK - size % BLOCK) % BLOCK);
        return b;
    }

    private void skip(long n) throws IOException {
        // skipNBytes throws EOFException if the archive ends early, which is what we want.
        in.skipNBytes(n);
    }

    /** ustar splits long paths into prefix (345..500) and name (0..100). */
    private String ustarName() {
        String name = field(0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't'
                && header[260] == 'a' && header[261] == 'r';
        String prefix = ustar ? field(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String field(int off, int len) {
        int end = off;
        while (end < off + len && header[end] != 0) end++;
        return new String(header, off, end - off, StandardCharsets.UTF_8);
    }

    /** An octal field (NUL/space padded), or GNU base-256 when the top bit of the first byte is set. */
    private long number(int off, int len, String what) throws FormatException {
        if ((header[off] & 0x80) != 0) {
            long v = header[off] & 0x7F;
            for (int i = off + 1; i < off + len; i++) {
                if (v >>> 55 != 0) throw new FormatException("tar " + what + " field overflows");
                v = (v << 8) | (header[i] & 0xFF);
            }
            return v;
        }
        long v = 0;
        int i = off;
        while (i < off + len && header[i] == ' ') i++;
        for (; i < off + len && header[i] != 0 && header[i] != ' '; i++) {
            int d = header[i] - '0';
            if (d < 0 || d > 7) throw new FormatException("bad octal digit in tar " + what + " field");
            v = v * 8 + d;
        }
        return v;
    }

    private void verifyChecksum() throws FormatException {
        long stored = number(148, 8, "checksum");
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : header[i];
            unsigned += b & 0xFF;
            signed += b; // some old writers summed signed bytes
        }
        if (stored != unsigned && stored != signed) {
            throw new FormatException("tar header checksum mismatch (not a tar archive, or corrupt)");
        }
    }

    private static boolean isZeroBlock(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    /** pax records: "LEN key=value\n", LEN counting the whole record in bytes. */
    private static List<String[]> paxRecords(byte[] pax) throws FormatException {
        List<String[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < pax.length) {
            int sp = pos;
            while (sp < pax.length && pax[sp] != ' ') sp++;
            if (sp >= pax.length) break;
            long len = parseDecimal(new String(pax, pos, sp - pos, StandardCharsets.US_ASCII), "pax record length");
            if (len <= sp - pos + 1 || pos + len > pax.length) throw new FormatException("bad pax record length");
            String rec = new String(pax, sp + 1, (int) (pos + len - sp - 2), StandardCharsets.UTF_8); // drop '\n'
            int eq = rec.indexOf('=');
            if (eq > 0) out.add(new String[] {rec.substring(0, eq), rec.substring(eq + 1)});
            pos += (int) len;
        }
        return out;
    }

    private static long parseDecimal(String s, String what) throws FormatException {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new FormatException("bad " + what + ": " + s);
        }
    }
}
