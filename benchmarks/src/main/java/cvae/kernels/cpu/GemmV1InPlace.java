package cvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Version 1 of the cpu GEMM (commit bb7f370, session 1), kept for {@code GemmLadderBenchmark}
 * as llm.c keeps its kernel versions: operands read in place, no packing.
 *
 * <p>Single-precision matrix products with the Vector API, in the two forms a training
 * step needs, all operands row-major and read in place ({@link CpuBackend#gemm} picks
 * the form and transposes a small activation into scratch space when needed):
 * <ul>
 * <li>{@link #productTransA}: {@code C = alpha · Aᵀ · B + beta · C}, an 8-row × 2-vector
 * block of C in 16 accumulators across the whole K loop, one broadcast of A per row and
 * two vectors of B per k (forward and weight-gradient products);
 * <li>{@link #productTransB}: {@code C = alpha · A · Bᵀ + beta · C}, 4×4 blocks of dot
 * products along K (the input gradient {@code dY·Wtᵀ}).
 * </ul>
 *
 * <p>Every element of C is summed in a fixed order by exactly one thread, so the result
 * does not depend on how C is split between threads.
 */
final class GemmV1InPlace {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 8;
    static final int NR = 2 * L;

    private GemmV1InPlace() {}

    private static void store2(float[] c, int off, FloatVector v0, FloatVector v1, float alpha, float beta) {
        store(c, off, v0, alpha, beta, null);
        store(c, off + L, v1, alpha, beta, null);
    }

    private static void store(float[] c, int off, FloatVector v, float alpha, float beta, VectorMask<Float> m) {
        if (alpha != 1f) v = v.mul(alpha);
        if (m == null || m.allTrue()) {
            if (beta != 0f) v = FloatVector.fromArray(S, c, off).mul(beta).add(v);
            v.intoArray(c, off);
        } else {
            if (beta != 0f) v = FloatVector.fromArray(S, c, off, m).mul(beta).add(v);
            v.intoArray(c, off, m);
        }
    }

    /**
     * C = op(A)·op(B) on one thread, the way session 1's {@code CpuBackend.gemm} chose the
     * form: dot products for A·Bᵀ with K ≥ 4 vectors, else the broadcast kernel after
     * transposing what needs it into scratch.
     */
    static void product(boolean transA, float[] a, boolean transB, float[] b, float[] c, int m, int n, int k,
                        float[] scratchA, float[] scratchB) {
        if (transB && !transA && k >= 4 * L) { productTransB(a, k, b, k, c, n, 0, m, k, 0, n, 1f, 0f); return; }
        float[] bb = b;
        if (transB) { transpose(b, n, k, scratchB); bb = scratchB; }
        float[] at = a;
        if (!transA) { transpose(a, m, k, scratchA); at = scratchA; }
        productTransA(at, m, bb, n, c, n, 0, m, k, 0, n, 1f, 0f);
    }

    /** {@code dst[c, r] = src[r, c]} for a rows×cols source, in cache-sized tiles. */
    static void transpose(float[] src, int rows, int cols, float[] dst) {
        final int T = 32;
        for (int r0 = 0; r0 < rows; r0 += T) {
            int r1 = Math.min(rows, r0 + T);
            for (int c0 = 0; c0 < cols; c0 += T) {
                int c1 = Math.min(cols, c0 + T);
                for (int r = r0; r < r1; r++) {
                    int s = r * cols;
                    for (int col = c0; col < c1; col++) dst[col * rows + r] = src[s + col];
                }
            }
        }
    }


    // ---- A given transposed (K×M row-major): C = alpha · Aᵀ · B + beta · C -------------
    // Element (i, p) of op(A) is a[p·lda + i]: the 8 values a micro-kernel broadcasts at
    // one k are contiguous, which is the packed layout a GEMM would otherwise build.

    /** Columns [j0, j1) and rows [i0, i1) of C = alpha · Aᵀ · B + beta · C; A is K×M (lda), B K×N (ldb). */
    static void productTransA(float[] a, int lda, float[] b, int ldb, float[] c, int ldc,
                              int i0, int i1, int k, int j0, int j1, float alpha, float beta) {
        int i = i0;
        for (; i + MR <= i1; i += MR) {
            int j = j0;
            for (; j + NR <= j1; j += NR) blockT8x2(a, i, lda, b, j, ldb, c, i * ldc + j, ldc, k, alpha, beta);
            for (; j < j1; j += L) blockT8x1(a, i, lda, b, j, ldb, c, i * ldc + j, ldc, k, alpha, beta, S.indexInRange(j, j1));
        }
        for (; i < i1; i++)
            for (int j = j0; j < j1; j += L) {
                VectorMask<Float> m = S.indexInRange(j, j1);
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < k; p++)
                    acc = FloatVector.broadcast(S, a[p * lda + i]).fma(FloatVector.fromArray(S, b, p * ldb + j, m), acc);
                store(c, i * ldc + j, acc, alpha, beta, m);
            }
    }

    private static void blockT8x2(float[] a, int i, int lda, float[] b, int bj, int ldb, float[] c, int cij, int ldc,
                                  int k, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int ap = p * lda + i, bp = p * ldb + bj;   // one induction variable: bounds checks hoist
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ap]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ap + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ap + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ap + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ap + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        store2(c, cij, c00, c01, alpha, beta);
        store2(c, cij + ldc, c10, c11, alpha, beta);
        store2(c, cij + 2 * ldc, c20, c21, alpha, beta);
        store2(c, cij + 3 * ldc, c30, c31, alpha, beta);
        store2(c, cij + 4 * ldc, c40, c41, alpha, beta);
        store2(c, cij + 5 * ldc, c50, c51, alpha, beta);
        store2(c, cij + 6 * ldc, c60, c61, alpha, beta);
        store2(c, cij + 7 * ldc, c70, c71, alpha, beta);
    }

    private static void blockT8x1(float[] a, int i, int lda, float[] b, int bj, int ldb, float[] c, int cij, int ldc,
                                  int k, float alpha, float beta, VectorMask<Float> m) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int ap = p * lda + i, bp = p * ldb + bj;
            FloatVector b0 = FloatVector.fromArray(S, b, bp, m);
            c0 = FloatVector.broadcast(S, a[ap]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ap + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ap + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ap + 5]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[ap + 6]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[ap + 7]).fma(b0, c7);
        }
        store(c, cij, c0, alpha, beta, m);
        store(c, cij + ldc, c1, alpha, beta, m);
        store(c, cij + 2 * ldc, c2, alpha, beta, m);
        store(c, cij + 3 * ldc, c3, alpha, beta, m);
        store(c, cij + 4 * ldc, c4, alpha, beta, m);
        store(c, cij + 5 * ldc, c5, alpha, beta, m);
        store(c, cij + 6 * ldc, c6, alpha, beta, m);
        store(c, cij + 7 * ldc, c7, alpha, beta, m);
    }

    // ---- B given transposed (N×K row-major): C = alpha · A · Bᵀ + beta · C --------------
    // Both operands are read along K, so each element of C is a dot product: a 4×4 block
    // of C keeps 16 vector accumulators over K and reduces them once at the end. This is
    // the forward pass of a linear layer with PyTorch's out×in weight, read in place.

    /** Rows [i0, i1) and columns [j0, j1) of C = alpha · A · Bᵀ + beta · C; A is M×K, B N×K. */
    static void productTransB(float[] a, int lda, float[] b, int ldb, float[] c, int ldc,
                              int i0, int i1, int k, int j0, int j1, float alpha, float beta) {
        float[] out = new float[16];
        for (int i = i0; i < i1; i += 4) {
            int mi = Math.min(4, i1 - i);
            for (int j = j0; j < j1; j += 4) {
                int nj = Math.min(4, j1 - j);
                if (mi == 4 && nj == 4) dot4x4(a, i * lda, lda, b, j * ldb, ldb, k, out);
                else dotSmall(a, i * lda, lda, mi, b, j * ldb, ldb, nj, k, out);
                for (int r = 0; r < mi; r++)
                    for (int q = 0; q < nj; q++) {
                        int o = (i + r) * ldc + j + q;
                        float v = alpha * out[r * 4 + q];
                        c[o] = beta == 0f ? v : v + beta * c[o];
                    }
            }
        }
    }

    private static void dot4x4(float[] a, int a0, int lda, float[] b, int b0, int ldb, int k, float[] out) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S), s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S), s33 = FloatVector.zero(S);
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int ub = S.loopBound(k);
        int p = 0;
        for (; p < ub; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p), x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p), x3 = FloatVector.fromArray(S, a, a3 + p);
            FloatVector y = FloatVector.fromArray(S, b, b0 + p);
            s00 = x0.fma(y, s00); s10 = x1.fma(y, s10); s20 = x2.fma(y, s20); s30 = x3.fma(y, s30);
            y = FloatVector.fromArray(S, b, b1 + p);
            s01 = x0.fma(y, s01); s11 = x1.fma(y, s11); s21 = x2.fma(y, s21); s31 = x3.fma(y, s31);
            y = FloatVector.fromArray(S, b, b2 + p);
            s02 = x0.fma(y, s02); s12 = x1.fma(y, s12); s22 = x2.fma(y, s22); s32 = x3.fma(y, s32);
            y = FloatVector.fromArray(S, b, b3 + p);
            s03 = x0.fma(y, s03); s13 = x1.fma(y, s13); s23 = x2.fma(y, s23); s33 = x3.fma(y, s33);
        }
        out[0] = sum(s00); out[1] = sum(s01); out[2] = sum(s02); out[3] = sum(s03);
        out[4] = sum(s10); out[5] = sum(s11); out[6] = sum(s12); out[7] = sum(s13);
        out[8] = sum(s20); out[9] = sum(s21); out[10] = sum(s22); out[11] = sum(s23);
        out[12] = sum(s30); out[13] = sum(s31); out[14] = sum(s32); out[15] = sum(s33);
        if (ub < k) dotTail(a, a0, lda, b, b0, ldb, ub, k, out);
    }

    /**
     * Adds the K tail (fewer than one vector) of a 4×4 block, by masked loads: a scalar
     * loop here cost as much as the whole vector body at K = 794.
     */
    private static void dotTail(float[] a, int a0, int lda, float[] b, int b0, int ldb, int from, int k, float[] out) {
        VectorMask<Float> m = S.indexInRange(from, k);
        FloatVector x0 = FloatVector.fromArray(S, a, a0 + from, m), x1 = FloatVector.fromArray(S, a, a0 + lda + from, m);
        FloatVector x2 = FloatVector.fromArray(S, a, a0 + 2 * lda + from, m), x3 = FloatVector.fromArray(S, a, a0 + 3 * lda + from, m);
        for (int q = 0; q < 4; q++) {
            FloatVector y = FloatVector.fromArray(S, b, b0 + q * ldb + from, m);
            out[q] += sum(x0.mul(y));
            out[4 + q] += sum(x1.mul(y));
            out[8 + q] += sum(x2.mul(y));
            out[12 + q] += sum(x3.mul(y));
        }
    }

    /** The edges of {@link #productTransB}: fewer than 4 rows or columns, one dot product at a time. */
    private static void dotSmall(float[] a, int a0, int lda, int mi, float[] b, int b0, int ldb, int nj, int k, float[] out) {
        int ub = S.loopBound(k);
        for (int r = 0; r < mi; r++)
            for (int q = 0; q < nj; q++) {
                int ar = a0 + r * lda, bq = b0 + q * ldb, p = 0;
                FloatVector s = FloatVector.zero(S);
                for (; p < ub; p += L) s = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, bq + p), s);
                float t = 0f;
                for (; p < k; p++) t = Math.fma(a[ar + p], b[bq + p], t);
                out[r * 4 + q] = sum(s) + t;
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
        for (int half = L / 2; half >= 1; half /= 2) v = v.add(v.slice(half));
        return v.lane(0);
    }
}
