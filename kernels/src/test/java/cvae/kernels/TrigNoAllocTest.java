package cvae.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link TrigNoAlloc} against {@code StrictMath}, bit for bit. */
class TrigNoAllocTest {
    private static void same(double x) {
        assertEquals(Double.doubleToRawLongBits(StrictMath.sin(x)), Double.doubleToRawLongBits(TrigNoAlloc.sin(x)), () -> "sin(" + x + ")");
        assertEquals(Double.doubleToRawLongBits(StrictMath.cos(x)), Double.doubleToRawLongBits(TrigNoAlloc.cos(x)), () -> "cos(" + x + ")");
    }

    /** Every Box–Muller angle 2π·u, u = bits/2³², for a stride through all 2³² bit patterns and their neighbours. */
    @Test
    void everyAngleOfTheNormalsOnAStride() {
        for (long bits = 0; bits < (1L << 32); bits += 251) {
            for (long b = bits; b < bits + 2 && b < (1L << 32); b++) same(2.0 * Math.PI * (b * (1.0 / 4294967296.0)));
        }
    }

    /** Around every branch point: pi/4, 3pi/4, n·pi/2 (cancellation), 0.3, 0.78125, 2⁻²⁷, the medium-range limit. */
    @Test
    void aroundTheBranchPoints() {
        double[] points = {0.0, Math.PI / 4, 3 * Math.PI / 4, 0.3, 0.78125, 0x1p-27, 0x1p19 * Math.PI / 2, 1e-300, Double.MIN_VALUE};
        for (double p : points) {
            double x = p;
            for (int i = 0; i < 2000; i++, x = Math.nextUp(x)) { same(x); same(-x); }
            x = p;
            for (int i = 0; i < 2000; i++, x = Math.nextDown(x)) { same(x); same(-x); }
        }
        for (int n = 1; n <= 40; n++) {
            double x = n * Math.PI / 2;
            for (int i = 0; i < 2000; i++, x = Math.nextUp(x)) { same(x); same(-x); }
            x = n * Math.PI / 2;
            for (int i = 0; i < 2000; i++, x = Math.nextDown(x)) { same(x); same(-x); }
        }
        for (double x : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -0.0}) same(x);
    }

    @Test
    void randomArgumentsOfEverySize() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 2_000_000; i++) {
            same((r.nextDouble() - 0.5) * 8 * Math.PI);
            same(Math.scalb(r.nextDouble() - 0.5, r.nextInt(-40, 30)));
        }
    }
}
