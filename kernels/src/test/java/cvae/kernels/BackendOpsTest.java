package cvae.kernels;

import cvae.kernels.cpu.CpuBackend;
import cvae.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The op test matrix: every op of every CPU-side backend against {@code reference}, on
 * random inputs, with sizes that leave vector tails (odd columns, rows not a multiple
 * of the micro-kernel's 8). The CUDA backend runs the same checks in its own test.
 */
public class BackendOpsTest {
    static final ReferenceBackend REF = new ReferenceBackend();
    static final List<Backend> BACKENDS = new ArrayList<>();

    @BeforeAll static void open() {
        BACKENDS.add(new CpuBackend(1));
        BACKENDS.add(new CpuBackend(2));
        BACKENDS.add(new CpuBackend(3));
    }

    @AfterAll static void close() { BACKENDS.forEach(Backend::close); }

    static Stream<Arguments> backends() { return Stream.of(0, 1, 2).map(i -> Arguments.of(i)); }

    static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return a;
    }

    static Tensor put(Backend b, int rows, int cols, float[] v) {
        Tensor t = b.tensor(rows, cols);
        b.upload(t, v);
        return t;
    }

    static float[] get(Backend b, Tensor t) {
        float[] v = new float[(int) t.size()];
        b.download(v, t);
        return v;
    }

    static void close(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            assertTrue(Math.abs(e - a) <= tol * Math.max(1, Math.abs(e)),
                    what + ": element " + i + " expected " + e + " got " + a);
        }
    }

    @ParameterizedTest(name = "tensorOf on backend {0}")
    @MethodSource("backends")
    void tensorOfHoldsTheValues(int which) { checkTensorOf(BACKENDS.get(which)); }

    public static void checkTensorOf(Backend b) {
        float[] v = random(new SplittableRandom(4), 6 * 7, 1);
        Tensor t = b.tensorOf(v.clone(), 6, 7);
        assertEquals(6, t.rows());
        assertEquals(7, t.cols());
        close("tensorOf", v, get(b, t), 0);
        assertThrows(IllegalArgumentException.class, () -> b.tensorOf(new float[41], 6, 7));
    }

    @ParameterizedTest(name = "gemm on backend {0}")
    @MethodSource("backends")
    void gemmAllTransposesAndOddSizes(int which) {
        Backend b = BACKENDS.get(which);
        SplittableRandom r = new SplittableRandom(1);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {8, 32, 16}, {17, 33, 9}, {64, 512, 794}, {13, 784, 512}, {64, 40, 512},
                {512, 794, 64}, {31, 47, 129}, {9, 100, 3}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int ta = 0; ta < 2; ta++)
                for (int tb = 0; tb < 2; tb++) {
                    boolean transA = ta == 1, transB = tb == 1;
                    float[] av = random(r, m * k, 1), bv = random(r, k * n, 1), cv = random(r, m * n, 1);
                    for (float beta : new float[]{0f, 1f, 0.5f}) {
                        float alpha = beta == 0.5f ? -2f : 1f;
                        float[] exp = run(REF, transA, transB, m, n, k, av, bv, cv, alpha, beta);
                        float[] act = run(b, transA, transB, m, n, k, av, bv, cv, alpha, beta);
                        close("gemm " + m + "x" + n + "x" + k + " tA=" + transA + " tB=" + transB + " beta=" + beta, exp, act, 2e-5 * Math.sqrt(k));
                    }
                }
        }
    }

    /**
     * {@code linearForward} gives, to the bit, what its three ops give one after another on
     * the same backend (the cpu backend fuses them into its product), and the reference's
     * result within the gemm tolerance. The shapes reach every path of the fused one: one
     * thread and split, several K blocks (k > 192), partial row and column panels, narrow
     * columns, skipped zero columns of x (a third of them, and all: y is then act(bias)),
     * and inputs with NaN and ±Inf sums.
     */
    @ParameterizedTest(name = "linearForward on backend {0}")
    @MethodSource("backends")
    void linearForwardIsItsThreeOps(int which) { checkLinearForward(BACKENDS.get(which)); }

    public static void checkLinearForward(Backend b) {
        SplittableRandom r = new SplittableRandom(8);
        int[][] shapes = {{5, 9, 7}, {70, 100, 300}, {64, 512, 794}, {33, 40, 512}, {64, 784, 512}, {13, 8, 200}};
        for (int[] s : shapes)
            for (int zeros = 0; zeros < 3; zeros++)
                for (Backend.Activation act : Backend.Activation.values()) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] xv = random(r, m * k, 1), wv = random(r, k * n, 4), bv = random(r, n, 2);
                    for (int col = 0; col < k; col++)
                        if (zeros == 2 || (zeros == 1 && col % 3 == 1))
                            for (int row = 0; row < m; row++) xv[row * k + col] = row % 2 == 0 ? 0f : -0f;
                    if (zeros == 0 && m > 4) { xv[k + 3] = Float.NaN; xv[2 * k + 1] = Float.POSITIVE_INFINITY; wv[n + 2] = Float.NEGATIVE_INFINITY; }
                    String what = "linear " + m + "x" + n + "x" + k + " zeros=" + zeros + " " + act;
                    float[] fused = linear(b, m, n, k, xv, wv, bv, act, true), apart = linear(b, m, n, k, xv, wv, bv, act, false);
                    for (int i = 0; i < fused.length; i++)
                        assertEquals(Float.floatToRawIntBits(apart[i]), Float.floatToRawIntBits(fused[i]),
                                what + ": element " + i + " fused " + fused[i] + ", apart " + apart[i]);
                    float[] ref = linear(REF, m, n, k, xv, wv, bv, act, true);
                    for (int i = 0; i < ref.length; i++)
                        if (Float.isNaN(ref[i]) || Float.isInfinite(ref[i])) assertEquals(ref[i], fused[i], what + ": element " + i);
                        else assertTrue(Math.abs(ref[i] - fused[i]) <= 4 * 2e-5 * Math.sqrt(k) * Math.max(1, Math.abs(ref[i])),
                                what + ": element " + i + " expected " + ref[i] + " got " + fused[i]);
                }
    }

    /**
     * The bias gradient is each column's sum over the rows in order from zero, to the bit,
     * whatever the thread count and the split (one thread up to 64 K elements, columns
     * split beyond): the same bits as the reference's scalar loop.
     */
    @ParameterizedTest(name = "biasBackward bits on backend {0}")
    @MethodSource("backends")
    void biasBackwardIsTheRowOrderSum(int which) {
        Backend b = BACKENDS.get(which);
        SplittableRandom r = new SplittableRandom(12);
        for (int[] s : new int[][]{{64, 784}, {130, 513}, {1024, 40}, {256, 784}, {7, 3}}) {
            int rows = s[0], cols = s[1];
            float[] g = random(r, rows * cols, 3);
            for (int i = 0; i < g.length; i += 7) g[i] = -0f;
            float[] expected = new float[cols];
            for (int j = 0; j < cols; j++) {
                float a = 0f;
                for (int row = 0; row < rows; row++) a += g[row * cols + j];
                expected[j] = a;
            }
            float[] got = biasGrad(b, rows, cols, g);
            for (int j = 0; j < cols; j++)
                assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(got[j]),
                        rows + "x" + cols + " column " + j + ": expected " + expected[j] + " got " + got[j]);
        }
    }

    static float[] linear(Backend be, int m, int n, int k, float[] xv, float[] wv, float[] bv, Backend.Activation act, boolean fused) {
        Tensor x = put(be, m, k, xv), w = put(be, k, n, wv), bias = put(be, 1, n, bv), y = put(be, m, n, random(new SplittableRandom(9), m * n, 1));
        if (fused) be.linearForward(y, x, w, bias, act);
        else {
            be.gemm(y, false, x, false, w, 1f, 0f);
            be.addBias(y, bias);
            if (act == Backend.Activation.RELU) be.reluForward(y, y);
            if (act == Backend.Activation.SIGMOID) be.sigmoidForward(y, y);
        }
        return get(be, y);
    }

    static float[] run(Backend be, boolean ta, boolean tb, int m, int n, int k, float[] av, float[] bv, float[] cv, float alpha, float beta) {
        Tensor a = ta ? put(be, k, m, av) : put(be, m, k, av);
        Tensor bb = tb ? put(be, n, k, bv) : put(be, k, n, bv);
        Tensor c = put(be, m, n, cv);
        be.gemm(c, ta, a, tb, bb, alpha, beta);
        return get(be, c);
    }

    /**
     * A saturated sigmoid gives gradients far below the smallest normal float; they come out
     * as exact zeros (not subnormals, which slow the products that read them on x86), on
     * every backend, in the vector body and the scalar tail alike; normal results are kept.
     */
    @ParameterizedTest(name = "sigmoid gradient flushes subnormals on backend {0}")
    @MethodSource("backends")
    void sigmoidBackwardWritesNoSubnormals(int which) { checkSigmoidBackwardFlushesSubnormals(BACKENDS.get(which)); }

    public static void checkSigmoidBackwardFlushesSubnormals(Backend b) {
        int rows = 3, cols = 37, n = rows * cols;          // 111: whole vectors and a tail
        float[] y = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = (i % 2 == 0 ? 1f : -1f) * 1e-3f;
            // y of a pre-activation from −40 to −140 (as a background pixel trained towards 0): 4e-18 down to 1.6e-61
            y[i] = (float) (1 / (1 + Math.exp(40 + i * 100.0 / n)));
        }
        y[5] = 0.5f;                                       // a normal gradient among them: 2.5e-4
        float[] d = apply(b, rows, cols, g, (be, t) -> be.sigmoidBackward(t, t, put(be, rows, cols, y)));
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            float want = g[i] * y[i] * (1f - y[i]);
            assertTrue(d[i] == 0f || Math.abs(d[i]) >= Float.MIN_NORMAL, "element " + i + " is subnormal: " + d[i]);
            if (Math.abs(want) >= Float.MIN_NORMAL) assertEquals(want, d[i], Math.abs(want) * 1e-6, "element " + i);
            else { assertEquals(0f, Math.abs(d[i]), "element " + i); zeros++; }
        }
        assertEquals(-2.5e-4f, d[5], 1e-10);
        assertTrue(zeros > n / 2, "most of these gradients are subnormal before the flush: " + zeros);
    }

    /**
     * The weight gradient with Adam's step in one op (fused on the cpu backend) against
     * the reference's gemm then adamStep: the model's large layer with digit-like inputs
     * (zero columns and sparse rows), odd sizes, a batch above the cpu's K block.
     */
    @ParameterizedTest(name = "weightGradAdam on backend {0}")
    @MethodSource("backends")
    void weightGradAdamMatchesGemmThenAdam(int which) { checkWeightGradAdam(BACKENDS.get(which)); }

    public static void checkWeightGradAdam(Backend b) {
        SplittableRandom r = new SplittableRandom(9);
        int[][] shapes = {{794, 512, 64}, {300, 37, 64}, {45, 37, 5}, {70, 100, 400}};   // rows, cols of W; batch
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], k = sh[2], n = rows * cols;
            float[] x = random(r, k * rows, 1), dy = random(r, k * cols, 0.01);
            for (int c = 0; c < rows; c++) {
                boolean zeroColumn = r.nextDouble() < 0.3;
                for (int i = 0; i < k; i++) if (zeroColumn || r.nextDouble() < 0.5) x[i * rows + c] = 0f;
            }
            float[] p0 = random(r, n, 1), m0 = random(r, n, 0.1), v0 = random(r, n, 0.01);
            for (int i = 0; i < n; i++) v0[i] = Math.abs(v0[i]);
            float[][] want = weightGradAdam(REF, rows, cols, k, x, dy, p0, m0, v0), got = weightGradAdam(b, rows, cols, k, x, dy, p0, m0, v0);
            String shape = rows + "x" + cols + "x" + k;
            close("weightGradAdam " + shape + " dW", want[0], got[0], 2e-5 * Math.sqrt(k));
            close("weightGradAdam " + shape + " p, m, v", want[1], got[1], 1e-5);
        }
    }

    static float[][] weightGradAdam(Backend be, int rows, int cols, int k, float[] x, float[] dy, float[] p0, float[] m0, float[] v0) {
        Tensor p = put(be, rows, cols, p0), m = put(be, rows, cols, m0), v = put(be, rows, cols, v0), dW = be.tensor(rows, cols);
        be.weightGradAdam(dW, put(be, k, rows, x), put(be, k, cols, dy), p, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.271f, 0.00399f);
        int n = rows * cols;
        float[] pmv = new float[3 * n];
        System.arraycopy(get(be, p), 0, pmv, 0, n);
        System.arraycopy(get(be, m), 0, pmv, n, n);
        System.arraycopy(get(be, v), 0, pmv, 2 * n, n);
        return new float[][]{get(be, dW), pmv};
    }

    @ParameterizedTest(name = "element-wise ops on backend {0}")
    @MethodSource("backends")
    void elementwiseAndLayerOps(int which) { checkElementwise(BACKENDS.get(which)); }

    public static void checkElementwise(Backend b) {
        SplittableRandom r = new SplittableRandom(2);
        for (int[] s : new int[][]{{1, 1}, {3, 17}, {64, 784}, {33, 40001 / 33}, {100, 513}, {130, 513}}) {
            int rows = s[0], cols = s[1], n = rows * cols;
            float[] x = random(r, n, 4), g = random(r, n, 1), bias = random(r, cols, 1);
            // bias
            close("addBias", apply(REF, rows, cols, x, (be, t) -> be.addBias(t, put(be, 1, cols, bias))),
                    apply(b, rows, cols, x, (be, t) -> be.addBias(t, put(be, 1, cols, bias))), 1e-6);
            close("biasBackward", biasGrad(REF, rows, cols, g), biasGrad(b, rows, cols, g), 1e-5 * Math.sqrt(rows));
            // activations (forward, then backward given the forward output)
            close("relu", apply(REF, rows, cols, x, (be, t) -> be.reluForward(t, t)), apply(b, rows, cols, x, (be, t) -> be.reluForward(t, t)), 0);
            close("sigmoid", apply(REF, rows, cols, x, (be, t) -> be.sigmoidForward(t, t)), apply(b, rows, cols, x, (be, t) -> be.sigmoidForward(t, t)), 1e-6);
            float[] y = apply(REF, rows, cols, x, (be, t) -> be.sigmoidForward(t, t));
            close("sigmoidBackward", apply(REF, rows, cols, g, (be, t) -> be.sigmoidBackward(t, t, put(be, rows, cols, y))),
                    apply(b, rows, cols, g, (be, t) -> be.sigmoidBackward(t, t, put(be, rows, cols, y))), 1e-6);
            float[] ry = apply(REF, rows, cols, x, (be, t) -> be.reluForward(t, t));
            close("reluBackward", apply(REF, rows, cols, g, (be, t) -> be.reluBackward(t, t, put(be, rows, cols, ry))),
                    apply(b, rows, cols, g, (be, t) -> be.reluBackward(t, t, put(be, rows, cols, ry))), 0);
            // Adam
            float[] p0 = random(r, n, 1), m0 = random(r, n, 0.1), v0 = random(r, n, 0.01);
            for (int i = 0; i < n; i++) v0[i] = Math.abs(v0[i]);
            close("adam", adam(REF, rows, cols, p0, g, m0, v0), adam(b, rows, cols, p0, g, m0, v0), 1e-5);
            // MSE
            float[] target = random(r, n, 1);
            close("mse", mse(REF, rows, cols, x, target), mse(b, rows, cols, x, target), 1e-5);
            checkMseSigmoidBackward(b, rows, cols, x, target);
        }
    }

    /**
     * The MSE gradient through the sigmoid ({@code xhat} a sigmoid's output, some saturated:
     * their gradients flushed to 0) against the reference, and, to the bit, against this
     * backend's own two ops one after the other.
     */
    public static void checkMseSigmoidBackward(Backend b, int rows, int cols, float[] x, float[] target) {
        int n = rows * cols;
        float[] sig = apply(REF, rows, cols, x, (be, t) -> be.sigmoidForward(t, t));
        for (int i = 0; i < n; i += 7) sig[i] = i % 2 == 0 ? 1e-30f : 1f - 1e-7f;
        float[] fused = mse(b, rows, cols, sig, target, true);
        close("mseSigmoidBackward", mse(REF, rows, cols, sig, target, true), fused, 1e-5);
        float[] twoOps = mse(b, rows, cols, sig, target, false);      // this backend's two ops, to the bit
        float[] g2 = apply(b, rows, cols, java.util.Arrays.copyOf(twoOps, n), (be, t) -> be.sigmoidBackward(t, t, put(be, rows, cols, sig)));
        for (int i = 0; i < n; i++)
            assertEquals(Float.floatToRawIntBits(g2[i]), Float.floatToRawIntBits(fused[i]), "mseSigmoidBackward element " + i);
        assertEquals(twoOps[n], fused[n]);
        assertEquals(twoOps[n + 1], fused[n + 1]);
    }

    interface Op { void apply(Backend be, Tensor t); }

    static float[] apply(Backend be, int rows, int cols, float[] x, Op op) {
        Tensor t = put(be, rows, cols, x);
        op.apply(be, t);
        return get(be, t);
    }

    static float[] biasGrad(Backend be, int rows, int cols, float[] g) {
        Tensor db = be.tensor(1, cols);
        be.biasBackward(db, put(be, rows, cols, g));
        return get(be, db);
    }

    static float[] adam(Backend be, int rows, int cols, float[] p0, float[] g, float[] m0, float[] v0) {
        Tensor p = put(be, rows, cols, p0), m = put(be, rows, cols, m0), v = put(be, rows, cols, v0);
        be.adamStep(p, put(be, rows, cols, g), m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.271f, 0.00399f);
        float[] out = new float[3 * rows * cols];
        System.arraycopy(get(be, p), 0, out, 0, rows * cols);
        System.arraycopy(get(be, m), 0, out, rows * cols, rows * cols);
        System.arraycopy(get(be, v), 0, out, 2 * rows * cols, rows * cols);
        return out;
    }

    static float[] mse(Backend be, int rows, int cols, float[] xh, float[] x) { return mse(be, rows, cols, xh, x, false); }

    /** With {@code sigmoid}: mseSigmoidBackward (xh a sigmoid's output). */
    static float[] mse(Backend be, int rows, int cols, float[] xh, float[] x, boolean sigmoid) {
        Tensor d = be.tensor(rows, cols), acc = be.tensor(1, 2);
        be.fill(acc, 0.25f);
        if (sigmoid) be.mseSigmoidBackward(d, put(be, rows, cols, xh), put(be, rows, cols, x), acc, 1);
        else be.mseForwardBackward(d, put(be, rows, cols, xh), put(be, rows, cols, x), acc, 1);
        float[] g = get(be, d), a = get(be, acc);
        float[] out = new float[g.length + 2];
        System.arraycopy(g, 0, out, 0, g.length);
        out[g.length] = a[0];
        out[g.length + 1] = a[1];
        return out;
    }

    @ParameterizedTest(name = "latent ops on backend {0}")
    @MethodSource("backends")
    void latentOps(int which) {
        Backend b = BACKENDS.get(which);
        SplittableRandom r = new SplittableRandom(3);
        for (int[] s : new int[][]{{1, 1}, {7, 3}, {64, 20}, {65, 21}}) {
            int rows = s[0], l = s[1];
            float[] hq = random(r, rows * 2 * l, 1), hp = random(r, rows * 2 * l, 1), eps = random(r, rows * l, 2), dz = random(r, rows * l, 1);
            close("reparamForward", latent(REF, rows, l, hq, hp, eps, dz, 0), latent(b, rows, l, hq, hp, eps, dz, 0), 1e-6);
            close("reparamBackward", latent(REF, rows, l, hq, hp, eps, dz, 1), latent(b, rows, l, hq, hp, eps, dz, 1), 1e-6);
            close("kl", latent(REF, rows, l, hq, hp, eps, dz, 2), latent(b, rows, l, hq, hp, eps, dz, 2), 1e-5);
        }
    }

    static float[] latent(Backend be, int rows, int l, float[] hq, float[] hp, float[] eps, float[] dz, int what) {
        Tensor q = put(be, rows, 2 * l, hq), p = put(be, rows, 2 * l, hp), e = put(be, rows, l, eps);
        switch (what) {
            case 0: { Tensor z = be.tensor(rows, l); be.reparamForward(z, q, e); return get(be, z); }
            case 1: { Tensor dh = be.tensor(rows, 2 * l); be.reparamBackward(dh, put(be, rows, l, dz), q, e); return get(be, dh); }
            default: {
                Tensor dq = put(be, rows, 2 * l, hp), dp = be.tensor(rows, 2 * l), acc = be.tensor(1, 3);
                be.klForwardBackward(dq, dp, q, p, 0.7f, acc, 2);
                float[] a = get(be, dq), c = get(be, dp), k = get(be, acc);
                float[] out = new float[a.length + c.length + 1];
                System.arraycopy(a, 0, out, 0, a.length);
                System.arraycopy(c, 0, out, a.length, c.length);
                out[out.length - 1] = k[2];
                return out;
            }
        }
    }

    @ParameterizedTest(name = "data movement and random numbers on backend {0}")
    @MethodSource("backends")
    void dataMovementAndRandom(int which) {
        Backend b = BACKENDS.get(which);
        SplittableRandom r = new SplittableRandom(4);
        int rows = 37, ca = 13, cb = 10;
        float[] a = random(r, rows * ca, 1), bb = random(r, rows * cb, 1);
        float[][] outs = new float[2][];
        for (int t = 0; t < 2; t++) {
            Backend be = t == 0 ? REF : b;
            Tensor o = be.tensor(rows, ca + cb);
            be.concatColumns(o, put(be, rows, ca, a), put(be, rows, cb, bb));
            Tensor sl = be.tensor(rows, ca);
            be.sliceColumns(sl, o, 0);
            Tensor g = be.tensor(5, ca + cb);
            be.gatherRows(g, o, be.indices(new int[]{36, 0, 5, 5, 17, 2}), 1);
            Tensor n = be.tensor(33, 129);
            be.randomNormal(n, 12345L, 7L);
            float[] o1 = get(be, o), o2 = get(be, sl), o3 = get(be, g), o4 = get(be, n);
            float[] all = new float[o1.length + o2.length + o3.length + o4.length];
            System.arraycopy(o1, 0, all, 0, o1.length);
            System.arraycopy(o2, 0, all, o1.length, o2.length);
            System.arraycopy(o3, 0, all, o1.length + o2.length, o3.length);
            System.arraycopy(o4, 0, all, o1.length + o2.length + o3.length, o4.length);
            outs[t] = all;
        }
        assertArrayEquals(outs[0], outs[1], "data movement and Philox normals must match the reference exactly");
    }

    @ParameterizedTest(name = "views of fewer rows on backend {0}")
    @MethodSource("backends")
    void rowViewsShareStorage(int which) {
        Backend b = BACKENDS.get(which);
        Tensor t = b.tensor(4, 3);
        Tensor v = t.rows(2);
        assertEquals(2, v.rows());
        b.fill(v, 1f);
        float[] all = get(b, t);
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, all);
    }

    @ParameterizedTest(name = "Adam flushes subnormal moments on backend {0}")
    @MethodSource("backends")
    void adamFlushesSubnormalMoments(int which) { checkAdamFlushesSubnormalMoments(BACKENDS.get(which)); }

    public static void checkAdamFlushesSubnormalMoments(Backend b) {
        for (Backend be : new Backend[]{REF, b}) {
            int n = 37;                                  // a vector body and a tail
            float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
            java.util.Arrays.fill(p, 1f);
            java.util.Arrays.fill(m, 1.2e-38f);          // 0.9 · m is subnormal
            java.util.Arrays.fill(v, 1.1760e-38f);       // 0.999 · v is subnormal
            float[] out = adam(be, 1, n, p, g, m, v);
            for (int i = 0; i < n; i++) {
                assertEquals(0f, out[n + i], be.name() + ": m[" + i + "] flushed");
                assertEquals(0f, out[2 * n + i], be.name() + ": v[" + i + "] flushed");
                assertEquals(1f, out[i], be.name() + ": p[" + i + "] unchanged");
            }
        }
    }
}
