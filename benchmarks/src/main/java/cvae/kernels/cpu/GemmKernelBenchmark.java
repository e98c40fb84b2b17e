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
    final int[] rowsOfC = java.util.stream.IntStream.range(0, 64).toArray();

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

    /** Packing alone, enc1 forward (x 64×794, Wt 794×512) and dec2 input gradient (Wt 512×784 read transposed). */
    @State(Scope.Thread)
    public static class Operands {
        final Gemm.Scratch s = new Gemm.Scratch();
        final float[] x = new float[64 * 794], w = new float[794 * 512], dy = new float[64 * 784], w2 = new float[512 * 784];
        final float[] pa = new float[64 * 794], pb = new float[794 * Gemm.NR];
    }

    @Benchmark
    public void packAForward(Operands o, Blackhole bh) {
        Gemm.packA(false, o.x, 794, 0, 64, o.s.identity(794), 0, 794, null, o.pa, o.s);
        bh.consume(o.pa);
    }

    @Benchmark
    public void packBForward(Operands o, Blackhole bh) {
        for (int j = 0; j < 512; j += Gemm.NR) Gemm.packB(false, o.w, 512, o.s.identity(794), 0, 794, j, j + Gemm.NR, o.pb, o.s);
        bh.consume(o.pb);
    }

    @Benchmark
    public void packBInputGrad(Operands o, Blackhole bh) {
        for (int j = 0; j < 512; j += Gemm.NR) Gemm.packB(true, o.w2, 784, o.s.identity(784), 0, 784, j, j + Gemm.NR, o.pb, o.s);
        bh.consume(o.pb);
    }

    @Benchmark
    public void eightPanels(Blackhole bh) {
        for (int rp = 0; rp < 8; rp++) Gemm.kernel(pa, rp * Gemm.MR * kc, pb, kc, c, rowsOfC, rp * Gemm.MR, 0, Gemm.NR);
        bh.consume(c);
    }
}
