package cvae.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PhiloxTest {
    /** Known-answer vectors of Random123's kat_vectors for philox4x32_10. */
    @Test void matchesRandom123KnownAnswers() {
        int[] out = new int[4];
        Philox.block(0, 0, 0, 0, 0, 0, out);
        assertArrayEquals(new int[]{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
        Philox.block(-1, -1, -1, -1, -1, -1, out);
        assertArrayEquals(new int[]{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
        Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
        assertArrayEquals(new int[]{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
    }

    @Test void normalsLookNormalAndDependOnlyOnIndex() {
        int n = 200_000;
        float[] a = new float[n];
        Philox.normals(a, 0, n, 42, 3);
        double s = 0, s2 = 0;
        for (float v : a) { s += v; s2 += v * v; assertTrue(Float.isFinite(v)); }
        double mean = s / n, var = s2 / n - mean * mean;
        assertEquals(0, mean, 0.01);
        assertEquals(1, var, 0.01);
        float[] b = new float[n];
        Philox.normals(b, 1001, n, 42, 3);       // a different start gives the same values
        for (int i = 1001; i < n; i++) assertEquals(a[i], b[i]);
        float[] c = new float[16];
        Philox.normals(c, 0, 16, 42, 4);         // another stream differs
        assertNotEquals(a[0], c[0]);
    }
}
