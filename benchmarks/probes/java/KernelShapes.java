package cvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Micro-kernel shapes on L1-resident panels (K block 192), one thread, in GFLOP/s, with the
 * preferred species: the 8-row × 2-vector block as one kernel (a copy of Gemm.kernel's full
 * body), Gemm.kernel itself (two 4-row halves where Gemm.HALVES says so: 256-bit machines),
 * 6 × 2 vectors, 4 × 3 vectors and Gemm.kernelNarrow (8 × 1 vector). The
 * probe behind Gemm.HALVES: on session 14's AMD EPYC (Zen 3, AVX2) the one 8-row kernel ran at
 * 52 % of the FMA peak (benchmarks/probes/run.sh) and the halves at 91–95 %.
 * Each accumulator is stored by itself: gathered into an array first, C2 boxes them all and a
 * kernel runs at 2 GFLOP/s. The halves are timed through Gemm.kernel, as the products call them:
 * the two kernelHalf calls written into this loop instead ran at 34 (C2 inlined them into the
 * loop's on-stack-replaced method). Gemm.kernel's figure varies from run to run on that VM
 * (62–96 in session 14; kernelHalf kept from being inlined did no better in a whole step);
 * the 8-row kernel's stays within a few per cent.
 * {@code benchmarks/probes/java/run.sh KernelShapes ROUNDS}
 */
public class KernelShapes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length(), MR = Gemm.MR, NR = Gemm.NR, KC = 192;

    /** Gemm.kernel's 8-row body, whatever Gemm.HALVES says. */
    static void k8x2(float[] pa, float[] pb, int kc, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int ap = p * MR, bp = p * NR;
            FloatVector y0 = FloatVector.fromArray(S, pb, bp), y1 = FloatVector.fromArray(S, pb, bp + L), x;
            x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(S, pa[ap + 6]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(S, pa[ap + 7]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
        }
        c00.intoArray(c, 0); c01.intoArray(c, 1 * L); c10.intoArray(c, 2 * L); c11.intoArray(c, 3 * L);
        c20.intoArray(c, 4 * L); c21.intoArray(c, 5 * L); c30.intoArray(c, 6 * L); c31.intoArray(c, 7 * L);
        c40.intoArray(c, 8 * L); c41.intoArray(c, 9 * L); c50.intoArray(c, 10 * L); c51.intoArray(c, 11 * L);
        c60.intoArray(c, 12 * L); c61.intoArray(c, 13 * L); c70.intoArray(c, 14 * L); c71.intoArray(c, 15 * L);
    }

    static void k6x2(float[] pa, float[] pb, int kc, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int ap = p * 6, bp = p * NR;
            FloatVector y0 = FloatVector.fromArray(S, pb, bp), y1 = FloatVector.fromArray(S, pb, bp + L), x;
            x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
        }
        c00.intoArray(c, 0); c01.intoArray(c, 1 * L); c10.intoArray(c, 2 * L); c11.intoArray(c, 3 * L);
        c20.intoArray(c, 4 * L); c21.intoArray(c, 5 * L); c30.intoArray(c, 6 * L); c31.intoArray(c, 7 * L);
        c40.intoArray(c, 8 * L); c41.intoArray(c, 9 * L); c50.intoArray(c, 10 * L); c51.intoArray(c, 11 * L);
    }

    static void k4x3(float[] pa, float[] pb, int kc, float[] c) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        for (int p = 0; p < kc; p++) {
            int ap = p * 4, bp = p * 3 * L;
            FloatVector y0 = FloatVector.fromArray(S, pb, bp), y1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector y2 = FloatVector.fromArray(S, pb, bp + 2 * L), x;
            x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01); c02 = x.fma(y2, c02);
            x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11); c12 = x.fma(y2, c12);
            x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21); c22 = x.fma(y2, c22);
            x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31); c32 = x.fma(y2, c32);
        }
        c00.intoArray(c, 0); c01.intoArray(c, 1 * L); c02.intoArray(c, 2 * L); c10.intoArray(c, 3 * L);
        c11.intoArray(c, 4 * L); c12.intoArray(c, 5 * L); c20.intoArray(c, 6 * L); c21.intoArray(c, 7 * L);
        c22.intoArray(c, 8 * L); c30.intoArray(c, 9 * L); c31.intoArray(c, 10 * L); c32.intoArray(c, 11 * L);
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        float[] pa = new float[KC * MR], pb = new float[KC * 3 * L], c = new float[MR * 3 * L];
        for (int i = 0; i < pa.length; i++) pa[i] = (i % 7) * 0.01f;
        for (int i = 0; i < pb.length; i++) pb[i] = (i % 5) * 0.01f;
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
        int n = 100_000;
        System.out.printf("species %d bits; GFLOP/s per round, one thread, K block %d, panels in L1%n", S.vectorBitSize(), KC);
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) k8x2(pa, pb, KC, c);
            double full = 2.0 * MR * NR * KC * n / (System.nanoTime() - t0);
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) Gemm.kernel(pa, 0, pb, KC, c, rows, 0, 0, NR);
            double gemm = 2.0 * MR * NR * KC * n / (System.nanoTime() - t0);
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) k6x2(pa, pb, KC, c);
            double six = 2.0 * 6 * NR * KC * n / (System.nanoTime() - t0);
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) k4x3(pa, pb, KC, c);
            double three = 2.0 * 4 * 3 * L * KC * n / (System.nanoTime() - t0);
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) Gemm.kernelNarrow(pa, 0, pb, KC, c, 0, NR);
            double narrow = 2.0 * MR * L * KC * n / (System.nanoTime() - t0);
            System.out.printf("round %d: 8x2 one kernel %.1f, Gemm.kernel %.1f, 6x2 %.1f, 4x3 %.1f, 8x1 narrow %.1f%n",
                    r, full, gemm, six, three, narrow);
        }
    }
}
