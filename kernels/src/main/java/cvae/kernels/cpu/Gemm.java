package cvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix product with the Vector API:
 * {@code C[M,N] = alpha · A[M,K] · B[K,N] + beta · C}, all row-major, read in place.
 *
 * <p>The micro-kernel keeps an 8-row × 2-vector block of C in 16 local accumulators
 * across the whole K loop, broadcasting one element of A per row and loading two
 * vectors of B per k. Transposed operands are handled by the caller
 * ({@link CpuBackend#gemm}) by transposing the smaller matrix into scratch space, so
 * that the large weight matrices are always read in place.
 *
 * <p>Every element of C is summed over k in increasing order by exactly one thread, so
 * the result does not depend on how the columns are split between threads.
 */
final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 8;
    static final int NR = 2 * L;

    private Gemm() {}

    /**
     * Computes the column range [j0, j1) of C over all rows. Callers split N into
     * ranges aligned to {@link #NR} for parallelism.
     */
    static void product(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                        int m, int k, int j0, int j1, float alpha, float beta) {
        int i = 0;
        for (; i + MR <= m; i += MR) {
            int j = j0;
            for (; j + NR <= j1; j += NR) block8x2(a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, k, alpha, beta);
            for (; j < j1; j += L) block8x1(a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, k, alpha, beta, S.indexInRange(j, j1));
        }
        for (; i < m; i++) {
            for (int j = j0; j < j1; j += L)
                row1(a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j, k, alpha, beta, S.indexInRange(j, j1));
        }
    }

    private static void block8x2(float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] c, int cij, int ldc,
                                 int k, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int a0 = ai, a1 = ai + lda, a2 = ai + 2 * lda, a3 = ai + 3 * lda;
        int a4 = ai + 4 * lda, a5 = ai + 5 * lda, a6 = ai + 6 * lda, a7 = ai + 7 * lda;
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + p]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + p]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + p]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[a6 + p]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[a7 + p]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
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

    /** One vector (possibly partial, by mask) of columns for 8 rows. */
    private static void block8x1(float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] c, int cij, int ldc,
                                 int k, float alpha, float beta, VectorMask<Float> m) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        boolean full = m.allTrue();
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector b0 = full ? FloatVector.fromArray(S, b, bp) : FloatVector.fromArray(S, b, bp, m);
            c0 = FloatVector.broadcast(S, a[ai + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ai + lda + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2 * lda + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3 * lda + p]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ai + 4 * lda + p]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ai + 5 * lda + p]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[ai + 6 * lda + p]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[ai + 7 * lda + p]).fma(b0, c7);
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

    /** One row, one vector of columns (the M tail). */
    private static void row1(float[] a, int ai, float[] b, int bj, int ldb, float[] c, int cij, int k,
                             float alpha, float beta, VectorMask<Float> m) {
        FloatVector acc = FloatVector.zero(S);
        boolean full = m.allTrue();
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector b0 = full ? FloatVector.fromArray(S, b, bp) : FloatVector.fromArray(S, b, bp, m);
            acc = FloatVector.broadcast(S, a[ai + p]).fma(b0, acc);
        }
        store(c, cij, acc, alpha, beta, m);
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

    /** Sum of a vector's lanes, used by reductions elsewhere. */
    static float sum(FloatVector v) { return v.reduceLanes(VectorOperators.ADD); }
}
