package cvae.harness.io;

import cvae.harness.UserError;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, so that checkpoints (model weights, Adam moments) open in PyTorch/NumPy as they are.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
 * {@code {"__metadata__": {"k": "v", ...}, "name": {"dtype": "F32", "shape": [..],
 * "data_offsets": [begin, end]}, ...}}, padded with spaces so that N is a multiple of 8 (as the
 * reference writer does, which keeps the data aligned); then the data section, each tensor's
 * raw little-endian values at {@code [begin, end)} relative to the section's start.
 *
 * <p>Written tensors lie in the order given, back to back, the header listing
 * {@code __metadata__} first and then the tensors in that order; with tensors given in name order
 * the output is byte-identical to the Python library's {@code save}. Only dtype F32 is
 * supported, since all the harness stores are float tensors. <b>Integers</b> such as the Adam
 * step counter go into {@code __metadata__} as decimal strings (e.g. {@code "adam_step": "1234"}):
 * that keeps this class to one dtype, and PyTorch users still see it via
 * {@code safe_open(...).metadata()}.
 *
 * <p>Reading checks what the reference reader checks: the header length fits the file, the
 * header is UTF-8 JSON beginning with '{', every tensor has a known dtype, a shape whose size
 * matches its byte range, and the byte ranges tile the data section exactly (no gap, no overlap,
 * nothing past the end, nothing left over). Every problem is a {@link UserError} naming the file.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** The reference implementation's limit; a larger header means a corrupt or foreign file. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    /**
     * One float tensor: row-major {@code data} with the given {@code shape} (an empty shape is a
     * scalar holding one value). The arrays are not copied.
     */
    public record TensorData(int[] shape, float[] data) {
        public TensorData {
            if (shape == null || data == null) throw new IllegalArgumentException("shape and data must not be null");
            long n = elementCount(shape);
            if (n != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                        + " values but data has " + data.length);
            }
        }

        /** {@code TensorData.of(values, 2, 3)}: a 2×3 tensor. */
        public static TensorData of(float[] data, int... shape) { return new TensorData(shape, data); }

        static long elementCount(int[] shape) {
            long n = 1;
            for (int d : shape) {
                if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                n *= d; // ≤ 2^31 per factor and the product is checked against an int-sized array
                if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorData t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() { return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data); }

        @Override
        public String toString() { return "TensorData" + Arrays.toString(shape); }
    }

    /**
     * What {@link #read} found: the tensors in the order their data lies in the file, and the
     * {@code __metadata__} strings (empty if there were none).
     */
    public record Loaded(Path file, LinkedHashMap<String, TensorData> tensors, Map<String, String> metadata) {
        /** The tensor called {@code name}; a UserError naming the file if there is none. */
        public TensorData require(String name) {
            TensorData t = tensors.get(name);
            if (t == null) {
                throw new UserError(file + ": no tensor named \"" + name + "\" (it has " + tensors.keySet() + ")");
            }
            return t;
        }

        /** The tensor called {@code name}, which must have exactly {@code shape}. */
        public TensorData require(String name, int... shape) {
            TensorData t = require(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new UserError(file + ": tensor \"" + name + "\" has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(shape));
            }
            return t;
        }
    }

    /**
     * The transpose of a rows×cols row-major matrix. The backends hold a layer's weight as
     * Wt (in×out); files hold W (out×in), as PyTorch's {@code nn.Linear} does.
     */
    public static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = v[r * cols + c];
        return t;
    }

    // ------------------------------------------------------------------------------------ write

    /**
     * Writes {@code tensors} (in their map order) and {@code metadata} (may be null or empty) to
     * {@code file}, atomically: readers see the old file or the whole new one.
     */
    public static void write(Path file, LinkedHashMap<String, TensorData> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata == null ? Map.of() : metadata);
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(len.array());
            out.write(header);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (TensorData t : tensors.values()) {
                writeFloats(out, t.data(), buf);
            }
        });
    }

    /** The padded JSON header. Package-private for the format tests. */
    static byte[] header(LinkedHashMap<String, TensorData> tensors, Map<String, String> metadata) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null: " + e);
                }
            }
            json.put(METADATA_KEY, metadata);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name: " + name);
            }
            long bytes = 4L * e.getValue().data().length;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", e.getValue().shape());
            info.put("data_offsets", new long[] {offset, offset + bytes});
            json.put(name, info);
            offset += bytes;
        }
        byte[] text = Json.write(json).getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) & ~7;
        byte[] header = Arrays.copyOf(text, padded);
        Arrays.fill(header, text.length, padded, (byte) ' ');
        return header;
    }

    private static void writeFloats(OutputStream out, float[] data, ByteBuffer buf) throws IOException {
        int perChunk = buf.capacity() / 4;
        for (int i = 0; i < data.length; i += perChunk) {
            int n = Math.min(perChunk, data.length - i);
            buf.clear();
            buf.asFloatBuffer().put(data, i, n); // bulk little-endian conversion
            out.write(buf.array(), 0, n * 4);
        }
    }

    // ------------------------------------------------------------------------------------- read

    /** Reads and validates {@code file}; see the class comment for what is checked. */
    public static Loaded read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    private record Entry(String name, int[] shape, long begin, long end) {}

    private static Loaded read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw bad(file, "not a safetensors file: it has " + size + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.flip().getLong(); // unsigned in the format: a negative long is simply too large
        if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
            throw bad(file, "not a safetensors file: header length " + Long.toUnsignedString(n)
                    + " is out of range (the file has " + size + " bytes; the limit is " + MAX_HEADER_BYTES + ")");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(ch, headerBuf, 8);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBuf.flip()).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "not a safetensors file: the header is not valid UTF-8");
        }
        if (!text.startsWith("{")) {
            throw bad(file, "not a safetensors file: the header does not start with '{'");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.ParseException e) {
            throw bad(file, "bad JSON in the header: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw bad(file, "bad JSON in the header: not an object"); // unreachable after the '{' check, kept for safety
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                entries.add(tensorEntry(file, name, e.getValue()));
            }
        }

        // The data section must be tiled exactly, as the reference reader demands.
        long dataSize = size - 8 - n;
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        String previous = null;
        for (Entry e : byOffset) {
            if (e.end > dataSize) {
                throw bad(file, "tensor \"" + e.name + "\": data_offsets [" + e.begin + ", " + e.end
                        + "] are out of range: the data section has " + dataSize + " bytes");
            }
            if (e.begin < expected) {
                throw bad(file, "tensors \"" + previous + "\" and \"" + e.name + "\" overlap (data_offsets of \""
                        + e.name + "\" begin at " + e.begin + ", before " + expected + ")");
            }
            if (e.begin > expected) {
                throw bad(file, "tensor \"" + e.name + "\": data_offsets begin at " + e.begin + ", leaving a gap of "
                        + (e.begin - expected) + " bytes after " + (previous == null ? "the header" : "\"" + previous + "\""));
            }
            expected = e.end;
            previous = e.name;
        }
        if (expected != dataSize) {
            throw bad(file, "the data section has " + dataSize + " bytes but the tensors cover only " + expected
                    + " (truncated header or trailing data)");
        }

        LinkedHashMap<String, TensorData> tensors = new LinkedHashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : byOffset) {
            float[] data = new float[(int) ((e.end - e.begin) / 4)];
            long pos = 8 + n + e.begin;
            for (int i = 0; i < data.length; ) {
                int count = Math.min(chunk.capacity() / 4, data.length - i);
                chunk.clear().limit(count * 4);
                readFully(ch, chunk, pos);
                chunk.flip().asFloatBuffer().get(data, i, count);
                i += count;
                pos += count * 4L;
            }
            tensors.put(e.name, new TensorData(e.shape, data));
        }
        return new Loaded(file, tensors, Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(Path file, Object value, Map<String, String> into) {
        if (!(value instanceof Map<?, ?> m)) {
            throw bad(file, "\"" + METADATA_KEY + "\" must be an object of strings");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw bad(file, "\"" + METADATA_KEY + "\": the value of \"" + e.getKey() + "\" is not a string");
            }
            into.put((String) e.getKey(), s);
        }
    }

    private static Entry tensorEntry(Path file, String name, Object value) {
        String where = "tensor \"" + name + "\"";
        if (!(value instanceof Map<?, ?> info)) {
            throw bad(file, where + ": expected an object with dtype, shape and data_offsets");
        }
        if (!(info.get("dtype") instanceof String dtype)) {
            throw bad(file, where + ": missing or non-string \"dtype\"");
        }
        if (!dtype.equals("F32")) {
            throw bad(file, where + " has dtype " + dtype + ", which is not supported: only F32 is"
                    + " (the harness stores integers such as the Adam step in __metadata__)");
        }
        long[] shapeL = longs(file, where, "shape", info.get("shape"), -1);
        long[] offsets = longs(file, where, "data_offsets", info.get("data_offsets"), 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end) {
            throw bad(file, where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        int[] shape = new int[shapeL.length];
        long elements = 1;
        for (int i = 0; i < shapeL.length; i++) {
            if (shapeL[i] > Integer.MAX_VALUE) {
                throw bad(file, where + ": shape " + Arrays.toString(shapeL) + " is too large");
            }
            shape[i] = (int) shapeL[i];
            // Saturate instead of overflowing: a crafted shape must not wrap around to a "valid" size.
            long cap = Long.MAX_VALUE / 8;
            elements = shapeL[i] != 0 && elements > cap / shapeL[i] ? cap : elements * shapeL[i];
        }
        if (elements * 4 != end - begin) {
            throw bad(file, where + ": shape " + Arrays.toString(shapeL) + " needs " + elements + " x 4 = "
                    + (elements * 4) + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw bad(file, where + ": " + elements + " values are too many for one Java array");
        }
        return new Entry(name, shape, begin, end);
    }

    /** A JSON array of non-negative integers; {@code length} < 0 means any length. */
    private static long[] longs(Path file, String where, String key, Object value, int length) {
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw bad(file, where + ": \"" + key + "\" must be an array of "
                    + (length >= 0 ? length + " " : "") + "non-negative integers");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                throw bad(file, where + ": \"" + key + "\" must hold non-negative integers, found " + list.get(i));
            }
            out[i] = v;
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position);
            if (r < 0) throw new EOFException("unexpected end of file at byte " + position);
            position += r;
        }
    }

    private static UserError bad(Path file, String problem) {
        return new UserError(file + ": " + problem);
    }
}
