package cvae.bench;

import cvae.kernels.Backend;
import cvae.kernels.Backends;
import cvae.kernels.Tensor;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The encoder's two large products with the input as a training batch has it: a share
 * {@code zeroColumns} of its 794 columns zero in every row (the pixels that none of the
 * batch's digits touch; 36.5 % on average over real MNIST batches of 64, measured in a
 * training run), which the cpu backend skips; against the same product on an input
 * with no zero column. GFLOP/s of the dense product = 2·m·n·k / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmSkipBenchmark {
    @Param({"enc1-forward", "enc1-weight-grad"})
    public String shape;

    @Param({"0", "0.365"})
    public double zeroColumns;

    @Param({"64"})
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
        // the input x (batch × 794) is A (NN) or, stored the same way, Aᵀ (TN)
        SplittableRandom r = new SplittableRandom(5);
        int rows = s.aRows(), cols = s.aCols();
        boolean[] zero = new boolean[cols];
        for (int j = 0; j < cols; j++) zero[j] = r.nextDouble() < zeroColumns;
        float[] av = new float[rows * cols], bv = new float[s.bRows() * s.bCols()];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) av[i * cols + j] = zero[j] ? 0f : (float) r.nextDouble();
        for (int i = 0; i < bv.length; i++) bv[i] = (float) (r.nextDouble() - 0.5);
        be.upload(a, av);
        be.upload(b, bv);
    }

    @TearDown
    public void tearDown() { be.close(); }

    @Benchmark
    public void gemm(Blackhole bh) {
        be.gemm(c, transA, a, transB, b, 1f, 0f);
        bh.consume(c);
    }
}
