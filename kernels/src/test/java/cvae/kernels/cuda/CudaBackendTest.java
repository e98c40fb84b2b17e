package cvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cvae.bindings.CudaGraph;
import cvae.kernels.Backend;
import cvae.kernels.BackendOpsTest;
import cvae.kernels.BackendUnavailableException;
import cvae.kernels.Philox;
import cvae.kernels.Tensor;
import cvae.kernels.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op of the CUDA backend against {@code reference}, on random inputs with odd sizes
 * (not multiples of a warp, a block or 4), run twice: with cuDNN's bias add and
 * activations and with the project's own kernels. Also: determinism, Philox normals bit
 * for bit, row views, graph capture and use from another thread.
 *
 * <p>Needs an NVIDIA GPU with its driver, cuBLAS and cuDNN; elsewhere every test is
 * skipped with the reason {@link CudaBackend#open()} gives.
 */
class CudaBackendTest {
    static final ReferenceBackend REF = new ReferenceBackend();
    /** [0]: cuDNN activations, [1]: own kernels. */
    static final List<CudaBackend> CUDA = new ArrayList<>();
    static String unavailable;

    @BeforeAll
    static void open() {
        try {
            CUDA.add(CudaBackend.open(true));
            CUDA.add(CudaBackend.open(false));
        } catch (BackendUnavailableException e) {
            unavailable = e.getMessage();
        }
    }

    @AfterAll
    static void close() { CUDA.forEach(Backend::close); }

    @BeforeEach
    void needsAGpu() {
        assumeTrue(unavailable == null, () -> "no usable GPU here: " + unavailable);
    }

    static Stream<Arguments> backends() { return Stream.of(Arguments.of(0), Arguments.of(1)); }

    // ---- helpers (as in BackendOpsTest) -------------------------------------------------------

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
            boolean same = Double.isNaN(e) ? Double.isNaN(a) : Math.abs(e - a) <= tol * Math.max(1, Math.abs(e));
            assertTrue(same, what + ": element " + i + " expected " + e + " got " + a);
        }
    }

    interface Op { void apply(Backend be, Tensor t); }

    static float[] apply(Backend be, int rows, int cols, float[] x, Op op) {
        Tensor t = put(be, rows, cols, x);
        op.apply(be, t);
        return get(be, t);
    }

    // ---- linear algebra -----------------------------------------------------------------------

    @ParameterizedTest(name = "gemm, backend {0}")
    @MethodSource("backends")
    void gemmAllTransposesAndOddSizes(int which) {
        Backend b = CUDA.get(which);
        SplittableRandom r = new SplittableRandom(1);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {64, 512, 794}, {13, 784, 512}, {64, 40, 512},
                {512, 794, 64}, {31, 47, 129}, {9, 100, 3}, {1, 784, 30}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int ta = 0; ta < 2; ta++)
                for (int tb = 0; tb < 2; tb++) {
                    boolean transA = ta == 1, transB = tb == 1;
                    float[] av = random(r, m * k, 1), bv = random(r, k * n, 1), cv = random(r, m * n, 1);
                    for (float beta : new float[] {0f, 1f, 0.5f}) {
                        float alpha = beta == 0.5f ? -2f : 1f;
                        float[] exp = gemm(REF, transA, transB, m, n, k, av, bv, cv, alpha, beta);
                        float[] act = gemm(b, transA, transB, m, n, k, av, bv, cv, alpha, beta);
                        close("gemm " + m + "x" + n + "x" + k + " tA=" + transA + " tB=" + transB + " beta=" + beta,
                                exp, act, 3e-5 * Math.sqrt(k));
                    }
                }
        }
    }

    static float[] gemm(Backend be, boolean ta, boolean tb, int m, int n, int k, float[] av, float[] bv, float[] cv,
                        float alpha, float beta) {
        Tensor a = ta ? put(be, k, m, av) : put(be, m, k, av);
        Tensor bb = tb ? put(be, n, k, bv) : put(be, k, n, bv);
        Tensor c = put(be, m, n, cv);
        be.gemm(c, ta, a, tb, bb, alpha, beta);
        return get(be, c);
    }

    @ParameterizedTest(name = "bias, activations, Adam, MSE, backend {0}")
    @MethodSource("backends")
    void elementwiseAndLayerOps(int which) {
        Backend b = CUDA.get(which);
        SplittableRandom r = new SplittableRandom(2);
        for (int[] s : new int[][] {{1, 1}, {3, 17}, {64, 784}, {33, 1212}, {100, 513}, {257, 33}}) {
            int rows = s[0], cols = s[1], n = rows * cols;
            float[] x = random(r, n, 4), g = random(r, n, 1), bias = random(r, cols, 1);
            String at = " " + rows + "x" + cols;
            close("addBias" + at, apply(REF, rows, cols, x, (be, t) -> be.addBias(t, put(be, 1, cols, bias))),
                    apply(b, rows, cols, x, (be, t) -> be.addBias(t, put(be, 1, cols, bias))), 1e-6);
            close("biasBackward" + at, biasGrad(REF, rows, cols, g), biasGrad(b, rows, cols, g), 1e-5 * Math.sqrt(rows));
            close("relu" + at, apply(REF, rows, cols, x, (be, t) -> be.reluForward(t, t)),
                    apply(b, rows, cols, x, (be, t) -> be.reluForward(t, t)), 0);
            close("relu out of place" + at, apply(REF, rows, cols, x, (be, t) -> be.reluForward(be.tensor(rows, cols), t)),
                    apply(b, rows, cols, x, (be, t) -> be.reluForward(be.tensor(rows, cols), t)), 0);
            // cuDNN's sigmoid may use a faster exp than the reference's double one.
            close("sigmoid" + at, apply(REF, rows, cols, x, (be, t) -> be.sigmoidForward(t, t)),
                    apply(b, rows, cols, x, (be, t) -> be.sigmoidForward(t, t)), 2e-6);
            float[] y = apply(REF, rows, cols, x, (be, t) -> be.sigmoidForward(t, t));
            close("sigmoidBackward" + at, apply(REF, rows, cols, g, (be, t) -> be.sigmoidBackward(t, t, put(be, rows, cols, y))),
                    apply(b, rows, cols, g, (be, t) -> be.sigmoidBackward(t, t, put(be, rows, cols, y))), 1e-6);
            float[] ry = apply(REF, rows, cols, x, (be, t) -> be.reluForward(t, t));
            close("reluBackward" + at, apply(REF, rows, cols, g, (be, t) -> be.reluBackward(t, t, put(be, rows, cols, ry))),
                    apply(b, rows, cols, g, (be, t) -> be.reluBackward(t, t, put(be, rows, cols, ry))), 0);
            float[] p0 = random(r, n, 1), m0 = random(r, n, 0.1), v0 = random(r, n, 0.01);
            for (int i = 0; i < n; i++) v0[i] = Math.abs(v0[i]);
            // Adam is float arithmetic in the same order on both sides, unfused: bit for bit.
            assertArrayEquals(adam(REF, rows, cols, p0, g, m0, v0), adam(b, rows, cols, p0, g, m0, v0), "adam" + at);
            float[] target = random(r, n, 1);
            close("mse" + at, mse(REF, rows, cols, x, target), mse(b, rows, cols, x, target), 1e-5);
        }
    }

    static float[] biasGrad(Backend be, int rows, int cols, float[] g) {
        Tensor db = be.tensor(1, cols);
        be.fill(db, 9f);  // overwritten, not accumulated
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

    static float[] mse(Backend be, int rows, int cols, float[] xh, float[] x) {
        Tensor d = be.tensor(rows, cols), acc = be.tensor(1, 2);
        be.fill(acc, 0.25f);
        be.mseForwardBackward(d, put(be, rows, cols, xh), put(be, rows, cols, x), acc, 1);
        float[] g = get(be, d), a = get(be, acc);
        float[] out = new float[g.length + 2];
        System.arraycopy(g, 0, out, 0, g.length);
        out[g.length] = a[0];
        out[g.length + 1] = a[1];
        return out;
    }

    // ---- the fused ops of the interface and the subnormal flushes ------------------------------
    // The same checks as the cpu backends' (BackendOpsTest), on this backend: where the cuda
    // backend keeps an interface default (linearForward, mseSigmoidBackward, weightGradAdam),
    // the check that the fused op gives its parts' bits still holds and still matters.

    @ParameterizedTest(name = "tensorOf, backend {0}")
    @MethodSource("backends")
    void tensorOfHoldsTheValues(int which) { BackendOpsTest.checkTensorOf(CUDA.get(which)); }

    @ParameterizedTest(name = "linearForward against its three ops and the reference, backend {0}")
    @MethodSource("backends")
    void linearForwardIsItsThreeOps(int which) { BackendOpsTest.checkLinearForward(CUDA.get(which)); }

    @ParameterizedTest(name = "weightGradAdam against gemm then Adam, backend {0}")
    @MethodSource("backends")
    void weightGradAdamMatchesGemmThenAdam(int which) { BackendOpsTest.checkWeightGradAdam(CUDA.get(which)); }

    @ParameterizedTest(name = "mseSigmoidBackward against its two ops and the reference, backend {0}")
    @MethodSource("backends")
    void mseSigmoidBackward(int which) {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] s : new int[][] {{1, 1}, {3, 17}, {64, 784}, {33, 1212}, {130, 513}}) {
            int n = s[0] * s[1];
            BackendOpsTest.checkMseSigmoidBackward(CUDA.get(which), s[0], s[1], random(r, n, 4), random(r, n, 1));
        }
    }

    @ParameterizedTest(name = "sigmoid gradient flushes subnormals, backend {0}")
    @MethodSource("backends")
    void sigmoidBackwardWritesNoSubnormals(int which) { BackendOpsTest.checkSigmoidBackwardFlushesSubnormals(CUDA.get(which)); }

    @ParameterizedTest(name = "Adam flushes subnormal moments, backend {0}")
    @MethodSource("backends")
    void adamFlushesSubnormalMoments(int which) { BackendOpsTest.checkAdamFlushesSubnormalMoments(CUDA.get(which)); }

    // ---- latent ops ---------------------------------------------------------------------------

    @ParameterizedTest(name = "reparameterisation and KL, backend {0}")
    @MethodSource("backends")
    void latentOps(int which) {
        Backend b = CUDA.get(which);
        SplittableRandom r = new SplittableRandom(3);
        for (int[] s : new int[][] {{1, 1}, {7, 3}, {64, 20}, {65, 21}, {1000, 20}, {300, 257}}) {
            int rows = s[0], l = s[1];
            float[] hq = random(r, rows * 2 * l, 1), hp = random(r, rows * 2 * l, 1);
            float[] eps = random(r, rows * l, 2), dz = random(r, rows * l, 1);
            String at = " " + rows + "x" + l;
            close("reparamForward" + at, latent(REF, rows, l, hq, hp, eps, dz, 0), latent(b, rows, l, hq, hp, eps, dz, 0), 1e-6);
            close("reparamBackward" + at, latent(REF, rows, l, hq, hp, eps, dz, 1), latent(b, rows, l, hq, hp, eps, dz, 1), 1e-6);
            close("kl" + at, latent(REF, rows, l, hq, hp, eps, dz, 2), latent(b, rows, l, hq, hp, eps, dz, 2), 1e-5);
        }
    }

    static float[] latent(Backend be, int rows, int l, float[] hq, float[] hp, float[] eps, float[] dz, int what) {
        Tensor q = put(be, rows, 2 * l, hq), p = put(be, rows, 2 * l, hp), e = put(be, rows, l, eps);
        switch (what) {
            case 0 -> {
                Tensor z = be.tensor(rows, l);
                be.reparamForward(z, q, e);
                return get(be, z);
            }
            case 1 -> {
                Tensor dh = be.tensor(rows, 2 * l);
                be.reparamBackward(dh, put(be, rows, l, dz), q, e);
                return get(be, dh);
            }
            default -> {
                Tensor dq = put(be, rows, 2 * l, hp), dp = be.tensor(rows, 2 * l), acc = be.tensor(1, 3);
                be.fill(dp, 5f);  // overwritten
                be.fill(acc, 0.5f);
                be.klForwardBackward(dq, dp, q, p, 0.7f, acc, 2);
                float[] a = get(be, dq), c = get(be, dp), k = get(be, acc);
                float[] out = new float[a.length + c.length + 2];
                System.arraycopy(a, 0, out, 0, a.length);
                System.arraycopy(c, 0, out, a.length, c.length);
                out[out.length - 2] = k[0];
                out[out.length - 1] = k[2];
                return out;
            }
        }
    }

    // ---- data movement and random numbers -----------------------------------------------------

    @ParameterizedTest(name = "data movement, backend {0}")
    @MethodSource("backends")
    void dataMovementIsExact(int which) {
        Backend b = CUDA.get(which);
        SplittableRandom r = new SplittableRandom(4);
        int rows = 37, ca = 13, cb = 10;
        float[] a = random(r, rows * ca, 1), bb = random(r, rows * cb, 1);
        float[][] outs = new float[2][];
        for (int t = 0; t < 2; t++) {
            Backend be = t == 0 ? REF : b;
            Tensor o = be.tensor(rows, ca + cb);
            be.concatColumns(o, put(be, rows, ca, a), put(be, rows, cb, bb));
            Tensor left = be.tensor(rows, ca), right = be.tensor(rows, cb);
            be.sliceColumns(left, o, 0);
            be.sliceColumns(right, o, ca);
            Tensor g = be.tensor(5, ca + cb);
            be.gatherRows(g, o, be.indices(new int[] {36, 0, 5, 5, 17, 2}), 1);
            Tensor f = be.tensor(3, 7);
            be.fill(f, -1.5f);
            outs[t] = concat(get(be, o), get(be, left), get(be, right), get(be, g), get(be, f));
        }
        assertArrayEquals(outs[0], outs[1], "data movement must match the reference exactly");
    }

    @Test
    void gatherChecksItsIndices() {
        Backend b = CUDA.get(0);
        Tensor src = b.tensor(4, 3), out = b.tensor(2, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> b.gatherRows(out, src, b.indices(new int[] {0, 4}), 0));
        assertThrows(IndexOutOfBoundsException.class, () -> b.gatherRows(out, src, b.indices(new int[] {0, 1}), 1));
    }

    @Test
    void philoxNormalsMatchTheCpuBitForBitInNearlyAllElements() {
        Backend b = CUDA.get(0);
        long[][] cases = {{12345L, 7L}, {0L, 0L}, {-1L, -1L}, {0x1234_5678_9ABC_DEF0L, 1L << 40}};
        int rows = 333, cols = 301;  // 100,233 values: the last Philox block is cut
        for (long[] c : cases) {
            Tensor t = b.tensor(rows, cols);
            b.randomNormal(t, c[0], c[1]);
            float[] gpu = get(b, t);
            float[] cpu = new float[rows * cols];
            Philox.normals(cpu, 0, cpu.length, c[0], c[1]);
            int differ = 0;
            for (int i = 0; i < cpu.length; i++) {
                int bits = Float.floatToRawIntBits(cpu[i]), gbits = Float.floatToRawIntBits(gpu[i]);
                if (bits == gbits) continue;
                differ++;
                // The GPU's double log/sin/cos may differ from StrictMath in the last bit.
                assertTrue(Math.abs(bits - gbits) <= 1, "normal " + i + ": cpu " + cpu[i] + " gpu " + gpu[i]);
            }
            assertTrue(differ <= cpu.length / 1000, differ + " of " + cpu.length + " normals differ");
        }
    }

    // ---- properties of the backend itself -----------------------------------------------------

    @ParameterizedTest(name = "determinism, backend {0}")
    @MethodSource("backends")
    void sameInputsGiveTheSameBits(int which) {
        Backend b = CUDA.get(which);
        assertArrayEquals(step(b, 11), step(b, 11));
    }

    /** A small forward/backward chain touching every op that reduces or calls a library. */
    static float[] step(Backend b, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int batch = 61, in = 97, hidden = 129, latent = 5;
        Tensor x = put(b, batch, in, random(r, batch * in, 1));
        Tensor w = put(b, hidden, in, random(r, hidden * in, 0.1)), bias = put(b, 1, hidden, random(r, hidden, 0.1));
        Tensor h = b.tensor(batch, hidden), dW = b.tensor(hidden, in), dBias = b.tensor(1, hidden);
        Tensor target = put(b, batch, hidden, random(r, batch * hidden, 1)), dH = b.tensor(batch, hidden);
        Tensor hq = put(b, batch, 2 * latent, random(r, batch * 2 * latent, 1));
        Tensor hp = put(b, batch, 2 * latent, random(r, batch * 2 * latent, 1));
        Tensor dHq = b.tensor(batch, 2 * latent), dHp = b.tensor(batch, 2 * latent), acc = b.tensor(1, 2);
        b.gemm(h, false, x, true, w, 1f, 0f);
        b.addBias(h, bias);
        b.sigmoidForward(h, h);
        b.mseForwardBackward(dH, h, target, acc, 0);
        b.sigmoidBackward(dH, dH, h);
        b.gemm(dW, true, dH, false, x, 1f, 0f);
        b.biasBackward(dBias, dH);
        b.klForwardBackward(dHq, dHp, hq, hp, 0.3f, acc, 1);
        return concat(get(b, h), get(b, dW), get(b, dBias), get(b, dHq), get(b, dHp), get(b, acc));
    }

    @Test
    void rowViewsShareStorage() {
        Backend b = CUDA.get(0);
        Tensor t = b.tensor(4, 3);
        Tensor v = t.rows(2);
        assertEquals(2, v.rows());
        b.fill(v, 1f);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, get(b, t));
    }

    @Test
    void aCapturedGraphReplaysTheSameWork() {
        CudaBackend b = CUDA.get(0);
        SplittableRandom r = new SplittableRandom(12);
        int rows = 45, cols = 77;
        Tensor x = put(b, rows, cols, random(r, rows * cols, 1)), target = put(b, rows, cols, random(r, rows * cols, 1));
        Tensor bias = put(b, 1, cols, random(r, cols, 1)), y = b.tensor(rows, cols), d = b.tensor(rows, cols);
        Tensor eps = b.tensor(rows, cols), acc = b.tensor(1, 1);
        Runnable chain = () -> {
            b.randomNormal(eps, 99, 3);
            b.addBias(eps, bias);
            b.reluForward(y, eps);
            b.mseForwardBackward(d, y, target, acc, 0);
        };
        chain.run();
        float[] directY = get(b, y), directD = get(b, d), directAcc = get(b, acc);
        b.fill(y, 0f);
        b.fill(d, 0f);
        b.fill(acc, 0f);
        CudaGraph.Exec graph = b.capture(chain);
        assertArrayEquals(new float[] {0f}, get(b, acc), "capture records, it does not run");
        b.replay(graph);
        b.replay(graph);
        assertArrayEquals(directY, get(b, y));
        assertArrayEquals(directD, get(b, d));
        assertEquals(directAcc[0] + directAcc[0], get(b, acc)[0], Math.ulp(directAcc[0]) * 2);
    }

    /** The tensors of a small training-like step whose scalars change from step to step. */
    record StepState(Tensor src, cvae.kernels.IndexBuffer order, Tensor x, Tensor w, Tensor m, Tensor v, Tensor bias,
                     Tensor y, Tensor eps, Tensor dY, Tensor dW, Tensor acc) {
        static StepState of(Backend b, SplittableRandom r) {
            int n = 40, batch = 13, in = 37, out = 21;
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) perm[i] = (i * 17 + 5) % n;
            Tensor w = put(b, in, out, random(r, in * out, 0.3));            // y = x·w, as linearForward takes it
            return new StepState(put(b, n, in, random(r, n * in, 1)), b.indices(perm), b.tensor(batch, in), w,
                    b.tensor(in, out), b.tensor(in, out), put(b, 1, out, random(r, out, 0.1)), b.tensor(batch, out),
                    b.tensor(batch, out), b.tensor(batch, out), b.tensor(in, out), b.tensor(1, 1));
        }

        /** Step t: every op with a per-step scalar (gather offset, Philox stream, Adam's bias corrections) and some without. */
        void step(Backend b, int t) {
            b.gatherRows(x, src, order, (t * 13) % 27);
            b.randomNormal(eps, 7, 1000 + t);
            b.linearForward(y, x, w, bias, Backend.Activation.SIGMOID);
            b.mseForwardBackward(dY, y, eps, acc, 0);
            b.gemm(dW, true, x, false, dY, 1f, 0f);
            float bc1 = (float) (1 - Math.pow(0.9, t + 1)), bc2 = (float) (1 - Math.pow(0.999, t + 1));
            b.adamStep(w, dW, m, v, 1e-2f, 0.9f, 0.999f, 1e-8f, bc1, bc2);
        }

        float[] state(Backend b) { return concat(get(b, w), get(b, m), get(b, v), get(b, acc), get(b, eps), get(b, x)); }
    }

    @ParameterizedTest(name = "recorded steps give the bits of the steps themselves, backend {0}")
    @MethodSource("backends")
    void aRecordedStepGivesTheBitsOfTheStepItself(int which) {
        CudaBackend b = CUDA.get(which);
        assertTrue(b.recordsSteps(), "graphs are on by default");
        StepState direct = StepState.of(b, new SplittableRandom(21)), recorded = StepState.of(b, new SplittableRandom(21));
        for (int t = 0; t < 7; t++) {
            direct.step(b, t);
            int step = t;
            b.recordedStep(t % 2, () -> recorded.step(b, step));   // two recordings, each replayed with new scalars
        }
        assertArrayEquals(direct.state(b), recorded.state(b));
        b.forgetRecordedSteps();
    }

    @Test
    void aRecordedStepMustRepeatItsOps() {
        CudaBackend b = CUDA.get(0);
        StepState s1 = StepState.of(b, new SplittableRandom(22)), s2 = StepState.of(b, new SplittableRandom(23));
        b.recordedStep(5, () -> s1.step(b, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.recordedStep(5, () -> s2.step(b, 1)));
        assertTrue(e.getMessage().contains("same tensors"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> b.recordedStep(6, () -> b.tensor(2, 2)));
        b.forgetRecordedSteps();
        b.fill(s1.acc(), 0f);                                     // and the backend works as before
        assertArrayEquals(new float[] {0f}, get(b, s1.acc()));
    }

    @Test
    void anotherThreadCanUseTheBackend() throws Exception {
        CudaBackend b = CUDA.get(0);
        Tensor t = b.tensor(3, 5);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            other.submit(() -> b.fill(t, 2f)).get();
        } finally {
            other.shutdown();
        }
        float[] expected = new float[15];
        java.util.Arrays.fill(expected, 2f);
        assertArrayEquals(expected, get(b, t));
    }

    @Test
    void describesTheGpu() {
        String d = CUDA.get(0).describe();
        assertTrue(d.startsWith("cuda: ") && d.contains("sm_") && d.contains("cuBLAS") && d.contains("cuDNN"), d);
        String info = CudaBackend.info();
        assertTrue(info.startsWith("GPU 0: "), info);
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
