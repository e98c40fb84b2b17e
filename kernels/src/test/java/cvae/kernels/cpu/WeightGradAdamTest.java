package cvae.kernels.cpu;

import cvae.kernels.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link CpuBackend#weightGradAdam} (the weight gradient and Adam's update in one parallel
 * task, rows claimed in chunks at run time) against its definition, {@code gemm} then
 * {@code adamStep} on one thread: the gradient, the weights and both moments to the bit,
 * over two steps, for any thread count and whichever thread claims which chunk.
 * Shapes: the model's two large layers with MNIST-like inputs (zero columns, which the
 * product skips, and sparse 8-row panels), edges in rows and columns (a vector tail of
 * the flat array, where adamStep switches to scalars), K above KC (the unfused path),
 * a product too small to split, and an input that is all zeros (no row kept).
 */
class WeightGradAdamTest {
    @ParameterizedTest(name = "threads = {0}")
    @ValueSource(ints = {1, 2, 3})
    void sameBitsAsGemmThenAdamStep(int threads) {
        int[][] shapes = {   // rows of W (x's columns), columns of W (dY's), K (the batch)
                {794, 512, 64}, {512, 784, 64}, {300, 37, 64}, {45, 37, 64}, {300, 40, 17}, {70, 100, 2 * Gemm.KC + 3}, {9, 33, 5}, {130, 50, 31}};
        double[][] sparsity = {{0.35, 0.8}, {0, 0.5}, {0.3, 0.3}, {0.2, 0.3}, {0, 0}, {0.3, 0.5}, {0, 0}, {1.0, 0}};   // zero columns, zero elements
        SplittableRandom r = new SplittableRandom(23);
        try (CpuBackend one = new CpuBackend(1); CpuBackend many = new CpuBackend(threads)) {
            for (int s = 0; s < shapes.length; s++) {
                int rows = shapes[s][0], cols = shapes[s][1], k = shapes[s][2];
                int reps = threads > 1 && rows >= 300 ? 10 : 1;     // claims differ from run to run
                float[][] xs = new float[2][], dys = new float[2][];
                for (int step = 0; step < 2; step++) {
                    xs[step] = input(r, k, rows, sparsity[s][0], sparsity[s][1]);
                    dys[step] = gaussian(r, k * cols, 1e-2);
                }
                float[] w0 = gaussian(r, rows * cols, 0.05);
                float[][] want = run(one, false, xs, dys, w0, rows, cols, k);
                for (int rep = 0; rep < reps; rep++) {
                    float[][] got = run(many, true, xs, dys, w0, rows, cols, k);
                    String[] names = {"dW", "w", "m", "v"};
                    for (int t = 0; t < want.length; t++)
                        for (int e = 0; e < want[t].length; e++)
                            assertEquals(Float.floatToRawIntBits(want[t][e]), Float.floatToRawIntBits(got[t][e]),
                                    rows + "x" + cols + "x" + k + " repetition " + rep + ": " + names[t] + "[" + e / cols + "," + e % cols + "] "
                                            + want[t][e] + " (gemm, adamStep) against " + got[t][e]);
                }
            }
        }
    }

    /** Two Adam steps from w0 and zero moments; returns dW of the last step, w, m, v. */
    private static float[][] run(CpuBackend be, boolean fused, float[][] xs, float[][] dys, float[] w0, int rows, int cols, int k) {
        Tensor w = be.tensor(rows, cols), m = be.tensor(rows, cols), v = be.tensor(rows, cols), dW = be.tensor(rows, cols);
        be.upload(w, w0);                                 // a copy: w0 serves every run
        be.fill(m, 0f);
        be.fill(v, 0f);
        for (int step = 0; step < xs.length; step++) {
            Tensor x = be.tensorOf(xs[step], k, rows), dY = be.tensorOf(dys[step], k, cols);
            be.fill(dW, Float.NaN);                       // every element must be written
            float bc1 = (float) (1 - Math.pow(0.9, step + 1)), bc2 = (float) (1 - Math.pow(0.999, step + 1));
            if (fused) be.weightGradAdam(dW, x, dY, w, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, bc1, bc2);
            else {
                be.gemm(dW, true, x, false, dY, 1f, 0f);
                be.adamStep(w, dW, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, bc1, bc2);
            }
        }
        float[][] out = new float[4][rows * cols];
        be.download(out[0], dW);
        be.download(out[1], w);
        be.download(out[2], m);
        be.download(out[3], v);
        return out;
    }

    private static float[] input(SplittableRandom r, int k, int cols, double zeroColumns, double zeroElements) {
        float[] x = new float[k * cols];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < zeroElements ? 0f : (float) r.nextDouble();
        for (int c = 0; c < cols; c++)
            if (r.nextDouble() < zeroColumns)
                for (int row = 0; row < k; row++) x[row * cols + c] = 0f;
        return x;
    }

    private static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }
}
