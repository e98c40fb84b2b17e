package cvae.kernels.cpu;

import cvae.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@link Gemm} promises: every element of C is, for each K block in order, the
 * plain FMA chain {@code acc = fma(a[i,p], b[p,j], acc)} over the block's p from zero,
 * added to the sum of the blocks before it; to the bit, for every layout, with K cut
 * into several blocks (K > Gemm.KC), edges in both directions, and any thread count.
 * The determinism of a training curve rests on this.
 */
class GemmFmaChainTest {
    @ParameterizedTest(name = "threads = {0}")
    @ValueSource(ints = {1, 2, 3})
    void everyElementIsOneFmaChainInOrder(int threads) {
        check(threads, 0.0, 0);
    }

    /**
     * The same promise when whole columns of the stored A are zero, +0 or -0 (the
     * border pixels of a batch of digits), which the cpu backend skips: about a third of
     * them, and all of them.
     */
    @ParameterizedTest(name = "threads = {0}")
    @ValueSource(ints = {1, 2, 3})
    void zeroColumnsOfASkippedToTheSameBits(int threads) {
        check(threads, 0.35, 0);
        check(threads, 1.0, 0);
    }

    /**
     * The same promise when most single elements of A are zero (an MNIST digit is 80 %
     * zeros), so that 8-row panels of the packed A drop the k at which all 8 rows are zero
     * (Gemm.packA): at 80 % a sixth of each panel's k go, at 95 % two thirds; with and
     * without zero columns.
     */
    @ParameterizedTest(name = "threads = {0}")
    @ValueSource(ints = {1, 2, 3})
    void sparsePanelsOfASkippedToTheSameBits(int threads) {
        check(threads, 0.35, 0.8);
        check(threads, 0, 0.95);
    }

    /**
     * Which thread sums which column panel is decided at run time (Gemm.Claims): whoever
     * gets there first. The bits must not depend on it: many repetitions of products split
     * between 2 and 3 threads (with an epilogue too) give the one-thread bits every time.
     */
    @ParameterizedTest(name = "threads = {0}")
    @ValueSource(ints = {2, 3})
    void sameBitsWhicheverThreadClaimsWhichPanel(int threads) {
        SplittableRandom r = new SplittableRandom(5);
        int m = 64, n = 784, k = 512;
        float[] a = new float[m * k], b = new float[k * n], bias = new float[n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextDouble() < 0.5 ? 0f : (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        for (int i = 0; i < n; i++) bias[i] = (float) r.nextGaussian();
        float[][] want = new float[2][m * n];
        try (CpuBackend one = new CpuBackend(1); CpuBackend many = new CpuBackend(threads)) {
            for (int rep = 0; rep < 40; rep++)
                for (int variant = 0; variant < 2; variant++)
                    for (CpuBackend be : rep == 0 ? new CpuBackend[]{one, many} : new CpuBackend[]{many}) {
                        Tensor at = be.tensorOf(a, m, k), bt = be.tensorOf(b, k, n), bs = be.tensorOf(bias, 1, n), c = be.tensor(m, n);
                        be.fill(c, Float.NaN);
                        if (variant == 0) be.gemm(c, false, at, false, bt, 1f, 0f);
                        else be.linearForward(c, at, bt, bs, cvae.kernels.Backend.Activation.SIGMOID);
                        float[] got = new float[m * n];
                        be.download(got, c);
                        if (be == one) { want[variant] = got; continue; }
                        for (int e = 0; e < got.length; e++)
                            assertEquals(Float.floatToRawIntBits(want[variant][e]), Float.floatToRawIntBits(got[e]),
                                    "repetition " + rep + (variant == 0 ? " gemm" : " linearForward") + ", C[" + e / n + "," + e % n + "]");
                    }
        }
    }

    private static void check(int threads, double zeroColumns, double zeroElements) {
        SplittableRandom r = new SplittableRandom(17);
        int[][] shapes = {{64, 512, 794}, {37, 45, 2 * Gemm.KC + 5}, {300, 40, 64}, {70, 100, 300}, {9, 33, 1}, {50, 301, 2 * Gemm.KC + 7}};
        try (CpuBackend be = new CpuBackend(threads)) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                for (int t = 0; t < 4; t++) {
                    boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                    float[] a = new float[m * k], b = new float[k * n];
                    for (int i = 0; i < a.length; i++)
                        a[i] = r.nextDouble() < zeroElements ? (r.nextBoolean() ? 0f : -0f) : (float) r.nextGaussian();
                    for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                    int rowsA = transA ? k : m, colsA = transA ? m : k;   // A as stored
                    for (int col = 0; col < colsA; col++)
                        if (r.nextDouble() < zeroColumns)
                            for (int row = 0; row < rowsA; row++) a[row * colsA + col] = r.nextBoolean() ? 0f : -0f;
                    Tensor at = transA ? be.tensor(k, m) : be.tensor(m, k), bt = transB ? be.tensor(n, k) : be.tensor(k, n);
                    Tensor c = be.tensor(m, n);
                    be.upload(at, a);
                    be.upload(bt, b);
                    be.fill(c, Float.NaN);                    // every element must be written
                    be.gemm(c, transA, at, transB, bt, 1f, 0f);
                    float[] got = new float[m * n];
                    be.download(got, c);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) {
                            int blocks = Math.max(1, (k + Gemm.KC - 1) / Gemm.KC);
                            float acc = 0f;
                            for (int kb = 0; kb < blocks; kb++) {
                                float chain = 0f;
                                for (int p = Gemm.kBlock(k, blocks, kb); p < Gemm.kBlock(k, blocks, kb + 1); p++)
                                    chain = Math.fma(transA ? a[p * m + i] : a[i * k + p], transB ? b[j * k + p] : b[p * n + j], chain);
                                acc = kb == 0 ? chain : acc + chain;
                            }
                            int e = i * n + j;
                            assertEquals(Float.floatToRawIntBits(acc), Float.floatToRawIntBits(got[e]),
                                    m + "x" + n + "x" + k + " tA=" + transA + " tB=" + transB + " C[" + i + "," + j + "]: chain "
                                            + acc + ", gemm " + got[e]);
                        }
                }
            }
        }
    }
    /**
     * The 4-row halves that 256-bit machines use for the 8-row kernels (Gemm.HALVES) keep
     * the same FMA chains. Called directly, so that they are checked on every machine, not
     * only where the preferred species selects them: two halves of a packed panel, of a
     * sparse panel (a list of its k) and of rows read in place, against the plain chain.
     */
    @Test
    void halfKernelsAreTheSameFmaChains() {
        SplittableRandom r = new SplittableRandom(11);
        int kc = 37, mr = Gemm.MR, nr = Gemm.NR;
        float[] pa = new float[kc * mr], pb = new float[kc * nr], a = new float[mr * kc];
        for (int i = 0; i < pa.length; i++) pa[i] = (float) r.nextGaussian();
        for (int i = 0; i < pb.length; i++) pb[i] = (float) r.nextGaussian();
        for (int row = 0; row < mr; row++) for (int p = 0; p < kc; p++) a[row * kc + p] = pa[p * mr + row];
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7}, slots = {0, 3, 4, 9, 20, 36};

        float[] dense = new float[mr * nr], sparse = new float[mr * nr], inPlace = new float[mr * nr];
        Gemm.kernelHalf(pa, 0, pb, kc, dense, rows, 0, 0, nr);
        Gemm.kernelHalf(pa, 4, pb, kc, dense, rows, 4, 0, nr);
        float[] packedSlots = new float[slots.length * mr];  // the packed A of a sparse panel holds its listed k only
        for (int t = 0; t < slots.length; t++) System.arraycopy(pa, slots[t] * mr, packedSlots, t * mr, mr);
        Gemm.kernelSlotsHalf(packedSlots, 0, pb, slots, 0, slots.length, sparse, rows, 0, 0, nr);
        Gemm.kernelSlotsHalf(packedSlots, 4, pb, slots, 0, slots.length, sparse, rows, 4, 0, nr);
        Gemm.kernelInPlaceHalf(a, 0, kc, 2 * kc, 3 * kc, pb, 0, kc, inPlace, 0, nr);
        Gemm.kernelInPlaceHalf(a, 4 * kc, 5 * kc, 6 * kc, 7 * kc, pb, 0, kc, inPlace, 4 * nr, nr);

        for (int row = 0; row < mr; row++) {
            for (int col = 0; col < nr; col++) {
                float all = 0, listed = 0;
                for (int p = 0; p < kc; p++) all = Math.fma(pa[p * mr + row], pb[p * nr + col], all);
                for (int q : slots) listed = Math.fma(pa[q * mr + row], pb[q * nr + col], listed);
                String at = " at row " + row + ", column " + col;
                assertEquals(Float.floatToIntBits(all), Float.floatToIntBits(dense[row * nr + col]), "kernelHalf" + at);
                assertEquals(Float.floatToIntBits(listed), Float.floatToIntBits(sparse[row * nr + col]), "kernelSlotsHalf" + at);
                assertEquals(Float.floatToIntBits(all), Float.floatToIntBits(inPlace[row * nr + col]), "kernelInPlaceHalf" + at);
            }
        }
    }
}
