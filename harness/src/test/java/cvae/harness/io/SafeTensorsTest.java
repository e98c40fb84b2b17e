package cvae.harness.io;

import cvae.harness.UserError;
import cvae.harness.io.SafeTensors.Loaded;
import cvae.harness.io.SafeTensors.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /**
     * The exact bytes Python's safetensors 0.8.0 wrote for
     * {@code save({"w": np.arange(6, dtype=np.float32).reshape(2,3)*0.5, "b": [-1.5, 2.25],
     * "s": np.array(3.0)}, metadata={"format": "pt", "adam_step": "7"})}.
     */
    static final byte[] PYTHON_FILE = HexFormat.of().parseHex(""
            + "d8000000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074222c226164616d5f737465"
            + "70223a2237227d2c2262223a7b226474797065223a22463332222c227368617065223a5b325d2c22646174615f6f6666"
            + "73657473223a5b302c385d7d2c2273223a7b226474797065223a22463332222c227368617065223a5b5d2c2264617461"
            + "5f6f666673657473223a5b382c31325d7d2c2277223a7b226474797065223a22463332222c227368617065223a5b322c"
            + "335d2c22646174615f6f666673657473223a5b31322c33365d7d7d20202020200000c0bf000010400000404000000000"
            + "0000003f0000803f0000c03f0000004000002040");

    /** Python's {@code save({"i": np.array([1, 2], dtype=np.int64)})}. */
    static final byte[] PYTHON_I64_FILE = HexFormat.of().parseHex(""
            + "38000000000000007b2269223a7b226474797065223a22493634222c227368617065223a5b325d2c22646174615f6f66"
            + "6673657473223a5b302c31365d7d7d2001000000000000000200000000000000");

    @Test
    void roundTripKeepsOrderShapesValuesAndMetadata() {
        LinkedHashMap<String, TensorData> t = new LinkedHashMap<>();
        t.put("encoder.fc1.weight", TensorData.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("a", TensorData.of(new float[] {-0.5f, Float.NaN, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE}, 5));
        t.put("scalar", TensorData.of(new float[] {7.25f}));
        t.put("empty", TensorData.of(new float[0], 0, 4));
        float[] big = new float[300_000]; // larger than the 64 KiB / 1 MiB I/O chunks
        for (int i = 0; i < big.length; i++) big[i] = (float) Math.sin(i);
        t.put("big", TensorData.of(big, 600, 500));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("adam_step", "1234");
        meta.put("note", "héllo \"quoted\"\n\ttab \u0001 ✓ \uD83D\uDE00");

        Path f = dir.resolve("sub/ckpt.safetensors");
        SafeTensors.write(f, t, meta);
        Loaded l = SafeTensors.read(f);

        assertEquals(List.copyOf(t.keySet()), List.copyOf(l.tensors().keySet()));
        for (String k : t.keySet()) {
            assertArrayEquals(t.get(k).shape(), l.tensors().get(k).shape(), k);
            // Bitwise comparison: NaN, -0 and subnormals must survive unchanged.
            float[] want = t.get(k).data(), got = l.tensors().get(k).data();
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), k + "[" + i + "]");
            }
        }
        assertEquals(meta, l.metadata());
        assertEquals("1234", l.metadata().get("adam_step"));
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOf8() throws IOException {
        Path f = dir.resolve("x.safetensors");
        LinkedHashMap<String, TensorData> t = new LinkedHashMap<>();
        t.put("abc", TensorData.of(new float[] {1}, 1));
        SafeTensors.write(f, t, Map.of());
        byte[] b = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"abc\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", header.stripTrailing());
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '));
        assertEquals(8 + n + 4, b.length);
    }

    @Test
    void readsAFileWrittenByPythonSafetensors() throws IOException {
        Path f = dir.resolve("py.safetensors");
        Files.write(f, PYTHON_FILE);
        Loaded l = SafeTensors.read(f);
        assertEquals(List.of("b", "s", "w"), List.copyOf(l.tensors().keySet()));
        assertArrayEquals(new float[] {-1.5f, 2.25f}, l.require("b", 2).data());
        assertArrayEquals(new float[] {3f}, l.require("s").data());
        assertArrayEquals(new int[0], l.require("s").shape());
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, l.require("w", 2, 3).data());
        assertEquals(Map.of("format", "pt", "adam_step", "7"), l.metadata());
    }

    @Test
    void writesTheSameBytesAsPythonSafetensors() throws IOException {
        // Python lays tensors out in name order; given the same order we must match byte for byte.
        LinkedHashMap<String, TensorData> t = new LinkedHashMap<>();
        t.put("b", TensorData.of(new float[] {-1.5f, 2.25f}, 2));
        t.put("s", TensorData.of(new float[] {3f}));
        t.put("w", TensorData.of(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, 2, 3));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("adam_step", "7");
        Path f = dir.resolve("j.safetensors");
        SafeTensors.write(f, t, meta);
        assertArrayEquals(PYTHON_FILE, Files.readAllBytes(f));
    }

    @Test
    void requireNamesTheFileAndTheProblem() throws IOException {
        Path f = dir.resolve("py.safetensors");
        Files.write(f, PYTHON_FILE);
        Loaded l = SafeTensors.read(f);
        UserError e = assertThrows(UserError.class, () -> l.require("nope"));
        assertTrue(e.getMessage().contains("py.safetensors") && e.getMessage().contains("nope"), e.getMessage());
        e = assertThrows(UserError.class, () -> l.require("w", 3, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
    }

    @Test
    void unsupportedDtypeSaysOnlyF32() throws IOException {
        String msg = readError(PYTHON_I64_FILE);
        assertTrue(msg.contains("I64") && msg.contains("only F32"), msg);
    }

    @Test
    void tooShortFile() throws IOException {
        String msg = readError(new byte[] {1, 2, 3});
        assertTrue(msg.contains("not a safetensors file"), msg);
    }

    @Test
    void headerLengthOutOfRange() throws IOException {
        byte[] b = PYTHON_FILE.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1_000_000);
        assertTrue(readError(b).contains("header length 1000000 is out of range"), readError(b));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1); // 2^64-1 unsigned
        assertTrue(readError(b).contains("out of range"), readError(b));
        // A random binary file, e.g. a PNG someone passed by mistake.
        byte[] png = HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452");
        assertTrue(readError(png).contains("out of range"), readError(png));
    }

    @Test
    void headerMustBeJsonObject() throws IOException {
        assertTrue(readError(file("[1,2]   ", new byte[0])).contains("does not start with '{'"));
        String msg = readError(file("{\"a\":{\"dtype\":\"F32\",}", new byte[0]));
        assertTrue(msg.contains("bad JSON"), msg);
        byte[] badUtf8 = file("{\"\u00e9\":1}", new byte[0]);
        badUtf8[11] = (byte) 0xFF; // break the UTF-8 sequence of é
        assertTrue(readError(badUtf8).contains("UTF-8"), readError(badUtf8));
        msg = readError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]));
        assertTrue(msg.contains("duplicate key"), msg);
    }

    @Test
    void missingOrMalformedFields() throws IOException {
        assertTrue(readError(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])).contains("dtype"));
        assertTrue(readError(file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4])).contains("\"shape\""));
        assertTrue(readError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]))
                .contains("non-negative"));
        assertTrue(readError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]))
                .contains("data_offsets"));
        assertTrue(readError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]))
                .contains("non-negative integers"));
        assertTrue(readError(file("{\"__metadata__\":{\"k\":1}}", new byte[0])).contains("not a string"));
        assertTrue(readError(file("{\"a\":[1]}", new byte[0])).contains("tensor \"a\""));
    }

    @Test
    void shapeMustMatchByteLength() throws IOException {
        String msg = readError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20]));
        assertTrue(msg.contains("tensor \"a\"") && msg.contains("24") && msg.contains("span 20"), msg);
        // A shape whose product overflows a long must not wrap around to a "matching" size.
        msg = readError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,4],"
                + "\"data_offsets\":[0,0]}}", new byte[0]));
        assertTrue(msg.contains("tensor \"a\""), msg);
    }

    @Test
    void offsetsMustTileTheDataSection() throws IOException {
        String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[%d,%d]}}";
        String msg = readError(file(two.formatted(4, 12), new byte[12]));
        assertTrue(msg.contains("overlap"), msg);
        msg = readError(file(two.formatted(12, 20), new byte[20]));
        assertTrue(msg.contains("gap of 4 bytes"), msg);
        msg = readError(file(two.formatted(8, 16), new byte[12]));
        assertTrue(msg.contains("out of range") && msg.contains("12 bytes"), msg);
        msg = readError(file(two.formatted(8, 16), new byte[20]));
        assertTrue(msg.contains("trailing data"), msg);
        msg = readError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", new byte[8]));
        assertTrue(msg.contains("end before they begin"), msg);
    }

    @Test
    void missingFileAndDirectoryAreUserErrors() {
        UserError e = assertThrows(UserError.class, () -> SafeTensors.read(dir.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("nope.safetensors") && e.getMessage().contains("no such file"), e.getMessage());
        e = assertThrows(UserError.class, () -> SafeTensors.read(dir));
        assertTrue(e.getMessage().startsWith(dir.toString()), e.getMessage());
    }

    @Test
    void writeRejectsReservedNameAndBadShapes() {
        LinkedHashMap<String, TensorData> t = new LinkedHashMap<>();
        t.put("__metadata__", TensorData.of(new float[] {1}, 1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x"), t, null));
        assertThrows(IllegalArgumentException.class, () -> TensorData.of(new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> TensorData.of(new float[0], -1, 0));
    }

    /** A safetensors file with the given (unpadded) header text and data section. */
    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    private String readError(byte[] content) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, content);
        UserError e = assertThrows(UserError.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), "message must name the file: " + e.getMessage());
        return e.getMessage();
    }
}
