package cvae.kernels.cpu;

import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The cpu backend's GEMM micro-kernel alone, on packed panels already in L1/L2: the
 * ceiling a whole product can reach, to compare with {@code FmaPeakBenchmark} (one core)
 * and {@code GemmBenchmark} (packing and threads included). One operation is one
 * 8 × NR block over {@code kc} k, for each of 8 row panels: 2 · 64 · NR · kc flops.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
public class GemmKernelBenchmark {
    @Param({"64", "192", "384"})
    public int kc;

    float[] pa, pb, c;

    @Setup
    public void setup() {
        pa = new float[8 * Gemm.MR * kc];
        pb = new float[kc * Gemm.NR];
        c = new float[64 * Gemm.NR];
        for (int i = 0; i < pa.length; i++) pa[i] = (i % 7) * 0.01f;
        for (int i = 0; i < pb.length; i++) pb[i] = (i % 5) * 0.02f;
    }

    /** GFLOP/s = flops() / ns per operation. */
    public static long flops(int kc) { return 2L * 64 * Gemm.NR * kc; }

    @Benchmark
    public void eightPanels(Blackhole bh) {
        for (int rp = 0; rp < 8; rp++) Gemm.kernel(pa, rp * Gemm.MR * kc, pb, kc, c, rp * Gemm.MR * Gemm.NR, Gemm.NR, false);
        bh.consume(c);
    }
}
