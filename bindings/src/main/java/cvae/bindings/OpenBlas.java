package cvae.bindings;

import cvae.bindings.cblas.cblas_h;

import java.lang.foreign.MemorySegment;

/**
 * The thin layer over the generated OpenBLAS binding ({@code cvae.bindings.cblas}): loads
 * the library, then {@code cblas_sgemm} on row-major float matrices in native memory. Only
 * the benchmarks use it, to measure the cpu backend's GEMM side by side with OpenBLAS.
 */
public final class OpenBlas {
    private OpenBlas() {}

    /** Loads OpenBLAS (once); a {@link NativeLibraryNotFoundException} says how to install it. */
    public static NativeLibraries.Loaded load() { return NativeLibraries.openblas(); }

    /**
     * C (m×n) = alpha · op(A) · op(B) + beta · C, all row-major: op(A) is m×k (A stored k×m
     * when {@code transA}), op(B) is k×n (B stored n×k when {@code transB}); leading
     * dimensions are the stored row lengths.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, MemorySegment b, float beta, MemorySegment c) {
        load();
        int lda = transA ? m : k, ldb = transB ? k : n;
        cblas_h.cblas_sgemm(cblas_h.CblasRowMajor(), transA ? cblas_h.CblasTrans() : cblas_h.CblasNoTrans(),
                transB ? cblas_h.CblasTrans() : cblas_h.CblasNoTrans(), m, n, k, alpha, a, lda, b, ldb, beta, c, n);
    }

    public static void setThreads(int n) {
        load();
        cblas_h.openblas_set_num_threads(n);
    }

    public static int threads() {
        load();
        return cblas_h.openblas_get_num_threads();
    }

    /** The build configuration, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64". */
    public static String config() {
        load();
        return cblas_h.openblas_get_config().reinterpret(1024).getString(0);
    }

    /** The kernel family chosen at run time (SkylakeX, Haswell, …): what OPENBLAS_CORETYPE overrides. */
    public static String coreName() {
        load();
        return cblas_h.openblas_get_corename().reinterpret(256).getString(0);
    }
}
