package cvae.bench;

import cvae.kernels.Backend;
import cvae.kernels.Backends;
import cvae.kernels.Tensor;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The matrix products of a training step at the model's shapes, in the layouts the
 * step uses (the layers hold Wt = Wᵀ, in×out): forward {@code Y = X·Wt} (NN), weight
 * gradient {@code dWt = Xᵀ·dY} (TN), input gradient {@code dX = dY·Wtᵀ} (NT).
 * GFLOP/s = 2·M·N·K / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    /**
     * layer-op, with B the batch: enc1 is 794→512, dec2 512→784 (the large products);
     * enc2 512→40 and dec1 30→512 (the narrow ones, where threading overhead shows);
     * square-1024 is 1024³ whatever the batch (see {@link GemmShapes}).
     */
    @Param({"enc1-forward", "dec2-forward", "dec2-input-grad", "enc1-weight-grad", "dec2-weight-grad",
            "enc2-forward", "enc2-input-grad", "enc2-weight-grad", "dec1-forward", "dec1-input-grad", "dec1-weight-grad"})
    public String shape;

    @Param({"64", "1024"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    Backend be;
    Tensor c, a, b;
    boolean transA, transB;

    @Setup
    public void setup() {
        be = Backends.open("cpu", threads);
        GemmShapes s = GemmShapes.of(shape, batch);
        c = be.tensor(s.m(), s.n());
        a = be.tensor(s.aRows(), s.aCols());
        b = be.tensor(s.bRows(), s.bCols());
        transA = s.transA();
        transB = s.transB();
        be.fill(a, 0.5f);
        be.fill(b, 0.25f);
    }

    @TearDown
    public void tearDown() { be.close(); }

    @Benchmark
    public void gemm(Blackhole bh) {
        be.gemm(c, transA, a, transB, b, 1f, 0f);
        bh.consume(c);
    }
}
