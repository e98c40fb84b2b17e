package cvae.kernels.cpu;

import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The versions of the cpu GEMM that mattered, side by side on one thread at the model's
 * products (batch 64): {@code v1-in-place} is session 1's kernel ({@link GemmV1InPlace}:
 * operands read in place, 4×4 dot products for the input gradient), {@code v2-packed} the
 * current {@link Gemm} (packed panels, one 8×2-vector kernel for every layout).
 * GFLOP/s = 2·M·N·K / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
public class GemmLadderBenchmark {
    @Param({"v1-in-place", "v2-packed"})
    public String version;

    /** As in GemmBenchmark: enc1 is 794→512, dec2 512→784. */
    @Param({"enc1-forward", "dec2-forward", "dec2-input-grad", "enc1-weight-grad", "dec2-weight-grad"})
    public String shape;

    int m, n, k;
    boolean transA, transB;
    float[] a, b, c, scratchA, scratchB;
    final Gemm.Scratch scratch = new Gemm.Scratch();

    @Setup
    public void setup() {
        switch (shape) {
            case "enc1-forward" -> { m = 64; n = 512; k = 794; }
            case "dec2-forward" -> { m = 64; n = 784; k = 512; }
            case "dec2-input-grad" -> { m = 64; n = 512; k = 784; transB = true; }
            case "enc1-weight-grad" -> { m = 794; n = 512; k = 64; transA = true; }
            case "dec2-weight-grad" -> { m = 512; n = 784; k = 64; transA = true; }
            default -> throw new IllegalArgumentException(shape);
        }
        SplittableRandom r = new SplittableRandom(5);
        a = new float[m * k];
        b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble();
        c = new float[m * n];
        scratchA = new float[m * k];
        scratchB = new float[k * n];
    }

    @Benchmark
    public void gemm(Blackhole bh) {
        if (version.equals("v1-in-place")) GemmV1InPlace.product(transA, a, transB, b, c, m, n, k, scratchA, scratchB);
        else Gemm.product(transA, a, transA ? m : k, transB, b, transB ? k : n, c, n, 0, m, 0, n, k, scratch);
        bh.consume(c);
    }
}
