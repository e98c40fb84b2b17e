package cvae.bench;

import cvae.bindings.OpenBlas;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import cvae.kernels.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cpu backend's products against OpenBLAS's {@code cblas_sgemm}, interleaved in one
 * process: per round, each implementation runs the same product for about 0.1 s, in an order
 * that alternates from round to round, and the ratio is taken per round. Why besides the JMH
 * pair ({@link GemmBenchmark}, {@link OpenBlasGemmBenchmark}): JMH measures one benchmark after
 * the other, minutes apart, and this VM's speed drifts by a quarter from one minute to the
 * next; a ratio of two figures taken at different times carries that drift, a ratio taken
 * within one round does not.
 *
 * <p>{@code java -cp benchmarks.jar cvae.bench.GemmInterleaved [rounds] [shape,...] [batch,...] [threads,...]}
 * (run by {@code benchmarks/gemm-interleaved.sh}, which sets OpenBLAS's environment). Inputs are
 * uniform in [-0.5, 0.5) with no zeros, so the backend's zero skipping never applies.
 */
public final class GemmInterleaved {
    private GemmInterleaved() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        String[] shapes = (args.length > 1 ? args[1] : "enc1-forward,dec2-forward,dec2-input-grad,enc1-weight-grad,dec2-weight-grad,square-1024").split(",");
        int[] batches = Arrays.stream((args.length > 2 ? args[2] : "64,1024").split(",")).mapToInt(Integer::parseInt).toArray();
        int[] threads = Arrays.stream((args.length > 3 ? args[3] : "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        System.out.printf(Locale.ROOT, "# OpenBLAS %s, core %s; %d rounds of about 0.1 s per implementation%n",
                OpenBlas.config(), OpenBlas.coreName(), rounds);
        System.out.println("| shape | batch | threads | cpu backend GFLOP/s | OpenBLAS GFLOP/s | ratio, median of rounds | ratio, quartiles |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (String shape : shapes)
            for (int batch : shape.equals("square-1024") ? new int[]{0} : batches)
                for (int t : threads) row(shape, batch, t, rounds);
    }

    private static void row(String shape, int batch, int threads, int rounds) {
        GemmShapes s = GemmShapes.of(shape, batch == 0 ? 64 : batch);
        java.util.Random r = new java.util.Random(1);
        float[] a = new float[s.m() * s.k()], b = new float[s.k() * s.n()];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
        try (Backend be = Backends.open("cpu", threads); Arena arena = Arena.ofConfined()) {
            Tensor ta = be.tensor(s.aRows(), s.aCols()), tb = be.tensor(s.bRows(), s.bCols()), tc = be.tensor(s.m(), s.n());
            be.upload(ta, a);
            be.upload(tb, b);
            MemorySegment sa = arena.allocate((long) a.length * 4, 64), sb = arena.allocate((long) b.length * 4, 64),
                    sc = arena.allocate((long) s.m() * s.n() * 4, 64);
            MemorySegment.copy(a, 0, sa, ValueLayout.JAVA_FLOAT, 0, a.length);
            MemorySegment.copy(b, 0, sb, ValueLayout.JAVA_FLOAT, 0, b.length);
            OpenBlas.setThreads(threads);
            double flop = 2.0 * s.m() * s.n() * s.k();
            Runnable cpu = () -> be.gemm(tc, s.transA(), ta, s.transB(), tb, 1f, 0f);
            Runnable blas = () -> OpenBlas.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, sa, sb, 0f, sc);
            // warm-up: C2 compiles the backend's kernels after some thousands of calls
            int reps = (int) Math.max(1, 1e10 * threads / flop);   // about 0.1 s at 100 GFLOP/s a thread
            for (long end = System.nanoTime() + 3_000_000_000L; System.nanoTime() < end; ) { time(cpu, reps); time(blas, reps); }
            double[] gc = new double[rounds], gb = new double[rounds], ratio = new double[rounds];
            for (int q = 0; q < rounds; q++) {
                boolean cpuFirst = q % 2 == 0;
                double t1 = time(cpuFirst ? cpu : blas, reps), t2 = time(cpuFirst ? blas : cpu, reps);
                gc[q] = flop * reps / (cpuFirst ? t1 : t2);
                gb[q] = flop * reps / (cpuFirst ? t2 : t1);
                ratio[q] = gc[q] / gb[q];
            }
            Arrays.sort(gc);
            Arrays.sort(gb);
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.2f | %.2f–%.2f |%n", shape, batch == 0 ? "-" : batch,
                    threads, gc[rounds / 2], gb[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        }
    }

    /** Nanoseconds for {@code reps} calls. */
    private static double time(Runnable op, int reps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) op.run();
        return System.nanoTime() - t0;
    }
}
