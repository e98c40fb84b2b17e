package cvae.bindings;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The generated OpenBLAS binding against a plain triple loop, in the three layouts a
 * training step uses (NN, TN, NT). Skipped, with the reason, where OpenBLAS is not
 * installed: only the benchmarks need it.
 */
class OpenBlasTest {
    @BeforeAll static void needOpenBlas() {
        Assumptions.assumeTrue(NativeLibraries.available(LibrarySpec.OPENBLAS),
                "OpenBLAS is not installed (Debian: apt-get install libopenblas0-pthread)");
    }

    @Test void sgemmMatchesATripleLoopInEveryLayout() {
        int m = 37, n = 29, k = 53;
        SplittableRandom r = new SplittableRandom(3);
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true}) {
                float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
                for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
                for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
                for (int i = 0; i < c.length; i++) c[i] = (float) r.nextDouble(-1, 1);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a), sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b),
                            sc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
                    OpenBlas.sgemm(ta, tb, m, n, k, 0.5f, sa, sb, 2f, sc);
                    float[] got = sc.toArray(ValueLayout.JAVA_FLOAT);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++)
                                s += (double) (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                            double want = 0.5 * s + 2 * c[i * n + j];
                            assertEquals(want, got[i * n + j], 1e-4, "transA " + ta + " transB " + tb + " at " + i + "," + j);
                        }
                }
            }
    }

    @Test void reportsItsConfigurationAndThreads() {
        assertTrue(OpenBlas.config().contains("OpenBLAS"), OpenBlas.config());
        assertFalse(OpenBlas.coreName().isBlank());
        OpenBlas.setThreads(1);
        assertEquals(1, OpenBlas.threads());
    }
}
