package cvae.bench;

/**
 * The matrix products of a training step by name, shared by {@link GemmBenchmark} (the cpu
 * backend) and {@link OpenBlasGemmBenchmark} (OpenBLAS) so that both measure the same
 * products. C is m×n; op(A) is m×k, stored k×m when {@code transA}; op(B) is k×n, stored
 * n×k when {@code transB}. The layers hold Wt = Wᵀ (in×out): forward {@code Y = X·Wt} (NN),
 * weight gradient {@code dWt = Xᵀ·dY} (TN), input gradient {@code dX = dY·Wtᵀ} (NT).
 */
record GemmShapes(int m, int n, int k, boolean transA, boolean transB) {

    /** {@code layer-op} at batch {@code b}; {@code square-1024} ignores the batch. */
    static GemmShapes of(String shape, int b) {
        return switch (shape) {
            case "enc1-forward" -> new GemmShapes(b, 512, 794, false, false);
            case "dec2-forward" -> new GemmShapes(b, 784, 512, false, false);
            case "dec2-input-grad" -> new GemmShapes(b, 512, 784, false, true);
            case "enc1-weight-grad" -> new GemmShapes(794, 512, b, true, false);
            case "dec2-weight-grad" -> new GemmShapes(512, 784, b, true, false);
            case "enc2-forward" -> new GemmShapes(b, 40, 512, false, false);
            case "enc2-input-grad" -> new GemmShapes(b, 512, 40, false, true);
            case "enc2-weight-grad" -> new GemmShapes(512, 40, b, true, false);
            case "dec1-forward" -> new GemmShapes(b, 512, 30, false, false);
            case "dec1-input-grad" -> new GemmShapes(b, 30, 512, false, true);
            case "dec1-weight-grad" -> new GemmShapes(30, 512, b, true, false);
            case "square-1024" -> new GemmShapes(1024, 1024, 1024, false, false);
            default -> throw new IllegalArgumentException(shape);
        };
    }

    int aRows() { return transA ? k : m; }
    int aCols() { return transA ? m : k; }
    int bRows() { return transB ? n : k; }
    int bCols() { return transB ? k : n; }
}
