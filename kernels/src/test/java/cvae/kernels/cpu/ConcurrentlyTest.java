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
