package cvae.kernels.cpu;

import cvae.kernels.Backend;
import cvae.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link CpuBackend#concurrently}: the two parts on two threads, the results of running them one after the other. */
class ConcurrentlyTest {
    @Test
    void twoPartsOnTwoThreadsGiveTheSequentialResults() {
        SplittableRandom r = new SplittableRandom(3);
        float[] a = new float[64 * 512], b = new float[512 * 40], x = new float[64 * 512];
        for (float[] v : new float[][]{a, b, x}) for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        float[][] want = null;
        for (boolean together : new boolean[]{false, true}) {
            try (CpuBackend be = new CpuBackend(2)) {
                Tensor at = be.tensorOf(a, 64, 512), bt = be.tensorOf(b, 512, 40), xt = be.tensorOf(x, 64, 512);
                Tensor c = be.tensor(64, 40), y = be.tensor(64, 512);
                AtomicReference<Thread> first = new AtomicReference<>(), second = new AtomicReference<>();
                java.util.function.Consumer<Backend> product = p -> { first.set(Thread.currentThread()); p.gemm(c, false, at, false, bt, 1f, 0f); };
                java.util.function.Consumer<Backend> sigmoid = p -> { second.set(Thread.currentThread()); p.sigmoidForward(y, xt); };
                if (together) be.concurrently(product, sigmoid);
                else { product.accept(be); sigmoid.accept(be); }
                float[][] got = {new float[64 * 40], new float[64 * 512]};
                be.download(got[0], c);
                be.download(got[1], y);
                if (together) {
                    assertSame(Thread.currentThread(), first.get(), "the first part runs on the caller's thread");
                    assertNotSame(first.get(), second.get(), "the second part runs on the other thread");
                    assertArrayEquals(want[0], got[0]);
                    assertArrayEquals(want[1], got[1]);
                } else want = got;
            }
        }
    }

    /**
     * A lane that has finished its part takes a share of the other lane's products
     * (CpuBackend.help): the results are those of one thread alone, to the bit. Three kinds
     * of split: a weight gradient with its Adam step (by rows), a forward product with a
     * fused activation (by columns) and a short input gradient (Gemm.productShortNT), at the
     * encoder's and decoder's shapes at batch 64, with the zero columns of an image batch.
     */
    @Test
    void aLaneThatFinishesFirstJoinsTheOthersProductsWithTheSameBits() {
        SplittableRandom r = new SplittableRandom(5);
        int b = 64, in = 794, out = 512;
        float[] x = new float[b * in], dy = new float[b * out], w = new float[in * out];
        for (int i = 0; i < x.length; i++) x[i] = i % in < 100 || r.nextDouble() < 0.7 ? 0f : (float) r.nextDouble();
        for (float[] v : new float[][]{dy, w}) for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.1f;
        float[][] want = ops(new CpuBackend(1), x, dy, w, false);
        for (int attempt = 0; attempt < 20; attempt++) {
            CpuBackend be = new CpuBackend(2);
            float[][] got = ops(be, x, dy, w, true);
            for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], got[i], "array " + i);
            if (be.lanes()[1].joined == 4) return;   // every one of the four products
        }
        throw new AssertionError("the idle lane did not join all four of the other's products in any of 20 attempts");
    }

    /**
     * In the first part of concurrently (the second empty), or alone: y = relu(x·w + 0),
     * dx = dy·wᵀ, and two Adam steps of w with the gradient xᵀ·dy; returns y, dx, and w, m, v after.
     */
    private static float[][] ops(CpuBackend be, float[] x, float[] dy, float[] w0, boolean together) {
        try (be) {
            int b = 64, in = 794, out = 512;
            Tensor xt = be.tensorOf(x.clone(), b, in), dyt = be.tensorOf(dy.clone(), b, out), w = be.tensorOf(w0.clone(), in, out);
            Tensor y = be.tensor(b, out), bias = be.tensor(1, out), dx = be.tensor(b, in);
            Tensor dw = be.tensor(in, out), m = be.tensor(in, out), v = be.tensor(in, out);
            java.util.function.Consumer<Backend> work = p -> {
                p.linearForward(y, xt, w, bias, Backend.Activation.RELU);
                p.gemm(dx, false, dyt, true, w, 1f, 0f);
                p.weightGradAdam(dw, xt, dyt, w, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, 0.001f);
                p.weightGradAdam(dw, xt, dyt, w, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.19f, 0.002f);
            };
            if (together) be.concurrently(work, p -> {});
            else work.accept(be);
            Tensor[] ts = {y, dx, w, m, v};
            float[][] got = new float[ts.length][];
            for (int i = 0; i < ts.length; i++) be.download(got[i] = new float[(int) ts[i].size()], ts[i]);
            return got;
        }
    }

    @Test
    void aFailureInEitherPartReachesTheCaller() {
        try (CpuBackend be = new CpuBackend(2)) {
            Tensor t = be.tensor(2, 3), u = be.tensor(3, 2);
            assertThrows(IllegalArgumentException.class,
                    () -> be.concurrently(p -> p.fill(t, 1f), p -> p.gemm(t, false, u, false, u, 1f, 0f)));
            be.concurrently(p -> p.fill(t, 2f), p -> p.fill(u, 3f));   // the backend still works
            float[] v = new float[6];
            be.download(v, u);
            assertArrayEquals(new float[]{3, 3, 3, 3, 3, 3}, v);
        }
    }
}
