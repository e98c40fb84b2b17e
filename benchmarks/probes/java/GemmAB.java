package cvae.kernels.cpu;

import cvae.bindings.OpenBlas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * One product on one thread, three ways alternating in one process, N rounds of about 0.1 s
 * each; prints each way's median GFLOP/s and the median ratio X / base per round.
 * <ul>
 * <li>base: {@link Gemm#product};
 * <li>X: GemmX.product, a copy of Gemm that gemmx.py writes with switches (-Dnopackb: B packed
 * only while warming up; -Dnoadd: K blocks after the first overwrite C instead of adding;
 * -Dnopacka: A packed only while warming up; -Dmc=N: MC), or with -Dx=kernel-l1 the kernel calls
 * of the product alone, on one A panel that stays in L1;
 * <li>third: OpenBLAS's cblas_sgemm, or with -Dthird=kernel the kernel calls of the product
 * alone on a packed A the size of the product's (256 rows × K), streamed as the product does.
 * </ul>
 * Ablated ways compute wrong numbers (they are for timing); the output says when X's bits differ.
 * {@code benchmarks/probes/java/run.sh GemmAB SHAPE BATCH ROUNDS}
 */
public class GemmAB {
    private static final int[] ID = new int[4096];
    static { for (int i = 0; i < ID.length; i++) ID[i] = i; }

    /** The product's kernel calls only: per MC block of 256 rows, per column panel, per K block, per row panel. */
    static void kernelOnly(float[] pa, float[] pb, float[] c, int ldc, int m, int n, int k, boolean aInL1) {
        int blocks = (k + Gemm.KC - 1) / Gemm.KC;
        for (int mc = 0; mc < m; mc += 256)
            for (int j = 0; j + Gemm.NR <= n; j += Gemm.NR)
                for (int kb = 0; kb < blocks; kb++) {
                    int q0 = Gemm.kBlock(k, blocks, kb), kc = Gemm.kBlock(k, blocks, kb + 1) - q0;
                    for (int rp = 0; rp < 32 && mc + rp * 8 + 8 <= m; rp++)
                        Gemm.kernel(pa, aInL1 ? 0 : 256 * q0 + rp * 8 * kc, pb, kc, c, ID, mc + rp * 8, j, ldc);
                }
    }

    public static void main(String[] args) {
        String shape = args[0];
        int b = Integer.parseInt(args[1]), rounds = Integer.parseInt(args[2]);
        boolean xKernel = "kernel-l1".equals(System.getProperty("x")), thirdKernel = "kernel".equals(System.getProperty("third"));
        int m, n, k;
        boolean tA, tB;
        switch (shape) {
            case "enc1-forward" -> { m = b; n = 512; k = 794; tA = false; tB = false; }
            case "dec2-forward" -> { m = b; n = 784; k = 512; tA = false; tB = false; }
            case "dec2-input-grad" -> { m = b; n = 512; k = 784; tA = false; tB = true; }
            case "enc1-weight-grad" -> { m = 794; n = 512; k = b; tA = true; tB = false; }
            case "dec2-weight-grad" -> { m = 512; n = 784; k = b; tA = true; tB = false; }
            case "enc2-forward" -> { m = b; n = 40; k = 512; tA = false; tB = false; }
            case "dec1-input-grad" -> { m = b; n = 20; k = 512; tA = false; tB = true; }
            case "square-1024" -> { m = n = k = 1024; tA = tB = false; }
            default -> throw new IllegalArgumentException("shape " + shape);
        }
        int lda = tA ? m : k, ldb = tB ? k : n, ldc = n;
        java.util.Random r = new java.util.Random(1);
        float[] A = new float[m * k], B = new float[k * n], C = new float[m * n], C2 = new float[m * n];
        for (int i = 0; i < A.length; i++) A[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < B.length; i++) B[i] = r.nextFloat() - 0.5f;
        float[] kpa = new float[256 * k], kpb = new float[Gemm.KC * Gemm.NR];
        Arrays.fill(kpa, 0.01f);
        Arrays.fill(kpb, 0.02f);
        Gemm.Scratch s = new Gemm.Scratch();
        GemmX.Scratch sx = new GemmX.Scratch();
        Arena arena = Arena.ofShared();
        MemorySegment a = arena.allocate((long) A.length * 4, 64), bb = arena.allocate((long) B.length * 4, 64), c = arena.allocate((long) C.length * 4, 64);
        MemorySegment.copy(A, 0, a, ValueLayout.JAVA_FLOAT, 0, A.length);
        MemorySegment.copy(B, 0, bb, ValueLayout.JAVA_FLOAT, 0, B.length);
        if (!thirdKernel) OpenBlas.setThreads(1);
        Runnable[] way = {
            () -> Gemm.product(tA, A, lda, tB, B, ldb, C, ldc, 0, m, 0, n, k, s),
            xKernel ? () -> kernelOnly(kpa, kpb, C2, ldc, m, n, k, true) : () -> GemmX.product(tA, A, lda, tB, B, ldb, C2, ldc, 0, m, 0, n, k, sx),
            thirdKernel ? () -> kernelOnly(kpa, kpb, C2, ldc, m, n, k, false) : () -> OpenBlas.sgemm(tA, tB, m, n, k, 1f, a, bb, 0f, c)};
        String[] names = {"base", xKernel ? "kernel calls, A in L1" : "X", thirdKernel ? "kernel calls, A streamed" : "OpenBLAS"};
        double flop = 2.0 * m * n * k;
        int reps = (int) Math.max(1, 1e10 / flop);
        for (long end = System.nanoTime() + 4_000_000_000L; System.nanoTime() < end; ) for (Runnable w : way) w.run();
        if (!xKernel && !Arrays.equals(C, C2)) System.out.println("(X's bits differ from base's)");
        GemmX.warm = true;
        double[][] g = new double[3][rounds];
        for (int q = 0; q < rounds; q++)
            for (int v = 0; v < 3; v++) {
                int w = (v + q) % 3;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) way[w].run();
                g[w][q] = flop * reps / (System.nanoTime() - t0);
            }
        for (int v = 0; v < 3; v++) {
            double[] x = g[v].clone();
            Arrays.sort(x);
            System.out.printf("%s %d, %-26s median %6.1f  p25 %6.1f  p75 %6.1f GFLOP/s%n", shape, b, names[v], x[rounds / 2], x[rounds / 4], x[3 * rounds / 4]);
        }
        double[] ratio = new double[rounds];
        for (int q = 0; q < rounds; q++) ratio[q] = g[1][q] / g[0][q];
        Arrays.sort(ratio);
        System.out.printf("  %s / base per round: median %.3f (p25 %.3f, p75 %.3f)%n", names[1], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
    }
}
