package cvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision {@code C = op(A) · op(B)} with the Vector API, the
 * GotoBLAS way: both operands are copied ("packed") into contiguous panels, and one
 * register-blocked micro-kernel does all the arithmetic.
 *
 * <ul>
 * <li>A panel: {@link #MR} = 8 rows of op(A), stored k-major ({@code pa[p·8 + r]}), so
 * the 8 values the kernel broadcasts at one k are adjacent;
 * <li>B panel: {@link #NR} = 2 vectors of columns of op(B), stored k-major
 * ({@code pb[p·NR + c]}), so the kernel loads two whole vectors per k;
 * <li>micro-kernel: an 8 × NR block of C in 16 vector accumulators across a K block:
 * per k, 2 loads, 8 broadcasts, 16 FMAs.
 * </ul>
 *
 * <p>Why pack: the weights are read with row strides of 2–3 KiB, which map a B panel onto
 * a handful of L1 sets (512 floats = 2 KiB = 32 lines: every row lands in the same 2 of
 * 64 sets) and defeat the hardware prefetcher; the packed panel of a K block (at most
 * {@link #KC} × NR floats, 24 KiB) stays in L1 while the kernel sweeps all row panels
 * over it (reading the weights in place instead was no faster in an interleaved JMH A/B
 * at batch 64, two threads). Packing also absorbs the transposes, so every layout a
 * training step uses (NN forward, TN weight gradient, NT input gradient) runs the same
 * kernel.
 *
 * <p>Determinism: every element of C is, for each K block in order, one FMA chain over
 * the block's k in order from zero, added to the sum of the blocks before it. The K
 * blocks depend only on K ({@link #kBlock}), never on the thread split, so results do
 * not depend on the thread count.
 */
final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** The 8 floats of one k of an A panel, one vector (256-bit) on any x86 with AVX. */
    static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    /** Rows of the micro-kernel's C block. */
    static final int MR = 8;
    /** Columns of the micro-kernel's C block: two vectors. */
    static final int NR = 2 * L;
    /**
     * Largest K block: its B panel (KC × NR floats, 24 KiB) and one A panel (6 KiB) stay
     * in a 48 KiB L1. JMH on this repository's machine, enc1 forward, one thread: 128,
     * 192, 256, 384 within noise of each other, 192 best in two rounds of two.
     */
    static final int KC = 192;
    /** Rows of op(A) packed at once; a batch of up to MC rows packs each B panel once. */
    static final int MC = 256;

    private Gemm() {}

    /** Per-thread packing space, reused from call to call (no allocation once warm). */
    static final class Scratch {
        float[] a = new float[0], b = new float[0];
        final float[] tile = new float[MR * NR];

        private final int[] strided = new int[MR];
        private int stride = -1;

        float[] a(int n) { if (a.length < n) a = new float[n]; return a; }

        float[] b(int n) { if (b.length < n) b = new float[n]; return b; }

        /** The gather offsets {0, ld, …, 7·ld} of 8 rows with leading dimension ld. */
        int[] strided(int ld) {
            if (stride != ld) {
                for (int r = 0; r < strided.length; r++) strided[r] = r * ld;
                stride = ld;
            }
            return strided;
        }
    }

    /**
     * Rows [i0, i1) and columns [j0, j1) of C (ldc) = op(A) · op(B), overwritten,
     * where op(A) is M×K (A stored K×M when {@code transA}, else M×K; leading dimension
     * lda) and op(B) is K×N (B stored N×K when {@code transB}, else K×N; ldb).
     */
    static void product(boolean transA, float[] a, int lda, boolean transB, float[] b, int ldb,
                        float[] c, int ldc, int i0, int i1, int j0, int j1, int k,
                        Scratch s) {
        int blocks = Math.max(1, (k + KC - 1) / KC);
        for (int mc = i0; mc < i1; mc += MC) {
            int mEnd = Math.min(i1, mc + MC), rowPanels = (mEnd - mc + MR - 1) / MR;
            for (int kb = 0; kb < blocks; kb++) {
                int p0 = kBlock(k, blocks, kb), p1 = kBlock(k, blocks, kb + 1), kc = p1 - p0;
                float[] pa = s.a(rowPanels * MR * kc);
                packA(transA, a, lda, mc, mEnd, p0, p1, pa, s);
                boolean add = kb > 0;                  // later K blocks add their partial sums to C
                float[] pb = s.b(kc * NR);
                for (int j = j0; j < j1; j += NR) {
                    int nj = Math.min(NR, j1 - j);
                    packB(transB, b, ldb, p0, p1, j, j + nj, pb, s);
                    for (int rp = 0; rp < rowPanels; rp++) {
                        int i = mc + rp * MR, mi = Math.min(MR, mEnd - i);
                        if (mi == MR && nj == NR && !add) kernel(pa, rp * MR * kc, pb, kc, c, i * ldc + j, ldc);
                        else viaTile(pa, rp * MR * kc, pb, kc, c, i * ldc + j, ldc, mi, nj, add, s.tile);
                    }
                }
            }
        }
    }

    /** Start of K block {@code kb} of {@code blocks} (even blocks of at most KC). */
    static int kBlock(int k, int blocks, int kb) { return (int) ((long) k * kb / blocks); }

    /** Packs rows [m0, m1) and k in [p0, p1) of op(A) as 8-row panels, zero rows past m1. */
    static void packA(boolean transA, float[] a, int lda, int m0, int m1, int p0, int p1, float[] pa, Scratch s) {
        int kc = p1 - p0;
        int[] rowsAt = s.strided(lda);
        for (int i = m0, o = 0; i < m1; i += MR, o += MR * kc) {
            int mi = Math.min(MR, m1 - i);
            if (mi == MR && transA) {        // A is K×M: the 8 values of one k are adjacent
                for (int p = p0, q = o; p < p1; p++, q += MR) FloatVector.fromArray(S8, a, p * lda + i).intoArray(pa, q);
            } else if (mi == MR) {           // A is M×K: gather one value from each of the 8 rows
                for (int p = p0, q = o; p < p1; p++, q += MR) FloatVector.fromArray(S8, a, i * lda + p, rowsAt, 0).intoArray(pa, q);
            } else {                         // the last, partial panel: zero rows past m1
                for (int p = p0, q = o; p < p1; p++, q += MR)
                    for (int r = 0; r < MR; r++) pa[q + r] = r < mi ? (transA ? a[p * lda + i + r] : a[(i + r) * lda + p]) : 0f;
            }
        }
    }

    /** Packs k in [p0, p1) and columns [n0, n1) (at most NR) of op(B), zero columns past n1. */
    static void packB(boolean transB, float[] b, int ldb, int p0, int p1, int n0, int n1, float[] pb, Scratch s) {
        int nj = n1 - n0;
        if (!transB && nj == NR) {           // B is K×N: the panel's rows are contiguous
            for (int p = p0, q = 0; p < p1; p++, q += NR) {
                FloatVector.fromArray(S, b, p * ldb + n0).intoArray(pb, q);
                FloatVector.fromArray(S, b, p * ldb + n0 + L).intoArray(pb, q + L);
            }
        } else if (!transB) {
            VectorMask<Float> m0 = S.indexInRange(0, nj), m1 = S.indexInRange(L, nj);
            for (int p = p0, q = 0; p < p1; p++, q += NR) {
                FloatVector.fromArray(S, b, p * ldb + n0, m0).intoArray(pb, q);
                FloatVector.fromArray(S, b, p * ldb + n0 + L, m1).intoArray(pb, q + L);
            }
        } else {                             // B is N×K: gather a column of 8 rows per 256-bit vector
            int[] rowsAt = s.strided(ldb);   // (512-bit gathers are not intrinsified: they box)
            for (int g = 0; g < NR; g += MR) {
                int r0 = (n0 + g) * ldb;
                if (g + MR <= nj) {
                    for (int p = p0, q = g; p < p1; p++, q += NR) FloatVector.fromArray(S8, b, r0 + p, rowsAt, 0).intoArray(pb, q);
                } else {                     // the columns past n1 are zeros
                    int valid = Math.max(0, nj - g);
                    for (int p = p0, q = g; p < p1; p++, q += NR)
                        for (int col = 0; col < MR; col++) pb[q + col] = col < valid ? b[r0 + col * ldb + p] : 0f;
                }
            }
        }
    }

    /**
     * The 8 × NR block of C at {@code ci} over one K block, from zero accumulators.
     *
     * <p>Kept as small as C2 can compile whole: with 16 more loads (to start from C's
     * partial sums) or alpha/beta in the stores, C2 sometimes stopped inlining at
     * NodeCountInliningCutoff, left the last rows' {@code fma} calls un-intrinsified and
     * boxed two vectors on every k: one run in two trained at a third of the speed.
     */
    static void kernel(float[] pa, int a0, float[] pb, int kc, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int ap = a0 + p * MR, bp = p * NR;   // one induction variable: the bounds checks hoist
            FloatVector y0 = FloatVector.fromArray(S, pb, bp);
            FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(S, pa[ap + 6]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(S, pa[ap + 7]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
        }
        store(c, ci, c00, c01);
        store(c, ci + ldc, c10, c11);
        store(c, ci + 2 * ldc, c20, c21);
        store(c, ci + 3 * ldc, c30, c31);
        store(c, ci + 4 * ldc, c40, c41);
        store(c, ci + 5 * ldc, c50, c51);
        store(c, ci + 6 * ldc, c60, c61);
        store(c, ci + 7 * ldc, c70, c71);
    }

    /**
     * {@link #kernel} for a panel of at most L valid columns (the 40-wide outputs of the
     * encoder and prior end in one of 8): one vector per row, half the work.
     */
    static void kernelNarrow(float[] pa, int a0, float[] pb, int kc, float[] c, int ci, int ldc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            int ap = a0 + p * MR;
            FloatVector y = FloatVector.fromArray(S, pb, p * NR);
            c0 = FloatVector.broadcast(S, pa[ap]).fma(y, c0);
            c1 = FloatVector.broadcast(S, pa[ap + 1]).fma(y, c1);
            c2 = FloatVector.broadcast(S, pa[ap + 2]).fma(y, c2);
            c3 = FloatVector.broadcast(S, pa[ap + 3]).fma(y, c3);
            c4 = FloatVector.broadcast(S, pa[ap + 4]).fma(y, c4);
            c5 = FloatVector.broadcast(S, pa[ap + 5]).fma(y, c5);
            c6 = FloatVector.broadcast(S, pa[ap + 6]).fma(y, c6);
            c7 = FloatVector.broadcast(S, pa[ap + 7]).fma(y, c7);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + ldc);
        c2.intoArray(c, ci + 2 * ldc);
        c3.intoArray(c, ci + 3 * ldc);
        c4.intoArray(c, ci + 4 * ldc);
        c5.intoArray(c, ci + 5 * ldc);
        c6.intoArray(c, ci + 6 * ldc);
        c7.intoArray(c, ci + 7 * ldc);
    }

    private static void store(float[] c, int off, FloatVector v0, FloatVector v1) {
        v0.intoArray(c, off);
        v1.intoArray(c, off + L);
    }

    /**
     * A block through the L1 tile: at the bottom or right edge of C (mi < 8 rows or
     * nj < NR columns, only the valid part is copied out), or of a K block after the
     * first, whose partial sums are added to C's (C += tile, in the order of the K blocks).
     */
    private static void viaTile(float[] pa, int a0, float[] pb, int kc, float[] c, int ci, int ldc, int mi, int nj,
                                boolean add, float[] tile) {
        if (nj <= L) kernelNarrow(pa, a0, pb, kc, tile, 0, NR);
        else kernel(pa, a0, pb, kc, tile, 0, NR);
        if (!add) {
            for (int r = 0; r < mi; r++) System.arraycopy(tile, r * NR, c, ci + r * ldc, nj);
            return;
        }
        for (int r = 0; r < mi; r++)
            for (int j = 0; j < nj; j += L) {
                VectorMask<Float> m = S.indexInRange(j, nj);
                int o = ci + r * ldc + j;
                FloatVector.fromArray(S, c, o, m).add(FloatVector.fromArray(S, tile, r * NR + j, m)).intoArray(c, o, m);
            }
    }

    /**
     * Sum of a vector's lanes along a fixed tree (halves added lane-wise until one lane
     * is left). Why not {@code reduceLanes(ADD)}: its order is unspecified, and the
     * JIT-compiled intrinsic and the interpreter's fallback do sum in different orders,
     * so a result would depend on when the JIT compiled the caller: a resumed run did
     * not follow the curve of an uninterrupted one. Lane-wise adds round the same in
     * both.
     */
    static float sum(FloatVector v) {
        // constant slice origins: with a variable one (a loop over half = L/2 … 1) C2 did
        // not intrinsify slice and boxed a vector per step of the tree
        if (L > 16) for (int half = L / 2; half > 8; half /= 2) v = v.add(v.slice(half));
        if (L >= 16) v = v.add(v.slice(8));
        if (L >= 8) v = v.add(v.slice(4));
        if (L >= 4) v = v.add(v.slice(2));
        if (L >= 2) v = v.add(v.slice(1));
        return v.lane(0);
    }
}
