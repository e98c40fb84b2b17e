package cvae.kernels;

import cvae.kernels.cpu.CpuBackend;
import cvae.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The profile times the two parts of {@code concurrently} where the wrapped backend runs them:
 * on the cpu backend's lanes, each op marked with its part; on a backend that runs them one after
 * the other itself, unmarked.
 */
class ProfilingBackendTest {
    @Test
    void concurrentPartsAreTimedOnTheirLanes() {
        try (ProfilingBackend p = new ProfilingBackend(new CpuBackend(2))) {
            Tensor a = p.tensor(4, 4), b = p.tensor(4, 4);
            Backend[] seen = new Backend[2];
            p.concurrently(l -> { seen[0] = l; l.fill(a, 1f); }, l -> { seen[1] = l; l.fill(b, 2f); l.fill(b, 3f); });
            assertNotSame(seen[0], seen[1]);
            String report = p.report();
            assertTrue(report.matches("(?s).*fill ‖1 .* 1 calls.*"), report);
            assertTrue(report.matches("(?s).*fill ‖2 .* 2 calls.*"), report);
            assertTrue(report.contains("ran at the same time"), report);
            float[] got = new float[16];
            p.download(got, b);
            assertEquals(3f, got[15]);
        }
    }

    @Test
    void partsRunInTurnByTheBackendAreNotMarked() {
        try (ProfilingBackend p = new ProfilingBackend(new ReferenceBackend())) {
            Tensor a = p.tensor(2, 2);
            p.concurrently(l -> l.fill(a, 1f), l -> l.fill(a, 2f));
            String report = p.report();
            assertFalse(report.contains("‖"), report);
            assertTrue(report.matches("(?s).*fill .* 2 calls.*"), report);
        }
    }
}
