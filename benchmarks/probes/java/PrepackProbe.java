package cvae.kernels.cpu;

import java.util.Arrays;

/**
 * Would keeping a weight matrix packed pay? The decoder's output forward (64×784×512) on one
 * thread, alternating per round: {@link Gemm#product}, which packs W's column panels at every
 * call, against GemmX (gemmx.py) reading the same panels from a copy packed once, as a weight
 * kept in panel layout would be (the bits are the same; the output says so). With ADAM true,
 * an Adam-like pass reads and writes W (or the packed copy), m and v before each call, as a
 * step does. Prints each way's median µs and the per-round ratio.
 * {@code benchmarks/probes/java/run.sh PrepackProbe ROUNDS ADAM}
 */
public class PrepackProbe {
    public static void main(String[] args) {
        int m = 64, n = 784, k = 512, rounds = Integer.parseInt(args[0]);
        boolean adam = Boolean.parseBoolean(args[1]);
        java.util.Random r = new java.util.Random(1);
        float[] A = new float[m * k], W = new float[k * n], C = new float[m * n], C2 = new float[m * n];
        for (int i = 0; i < A.length; i++) A[i] = Math.max(0f, r.nextFloat() - 0.5f);
        for (int i = 0; i < W.length; i++) W[i] = r.nextFloat() - 0.5f;
        int blocks = (k + Gemm.KC - 1) / Gemm.KC, panels = (n + Gemm.NR - 1) / Gemm.NR;
        float[][][] pre = new float[panels][blocks][];
        for (int p = 0; p < panels; p++)
            for (int kb = 0; kb < blocks; kb++) {
                int q0 = Gemm.kBlock(k, blocks, kb), q1 = Gemm.kBlock(k, blocks, kb + 1);
                float[] pb = new float[(q1 - q0) * Gemm.NR];
                for (int q = q0; q < q1; q++)
                    for (int c = 0; c < Gemm.NR; c++) pb[(q - q0) * Gemm.NR + c] = p * Gemm.NR + c < n ? W[q * n + p * Gemm.NR + c] : 0f;
                pre[p][kb] = pb;
            }
        float[] mm = new float[k * n], vv = new float[k * n];
        Gemm.Scratch s = new Gemm.Scratch(); GemmX.Scratch s2 = new GemmX.Scratch();
        double[][] t = new double[2][rounds];
        for (int q = -3; q < rounds; q++)
            for (int v0 = 0; v0 < 2; v0++) {
                int v = (v0 + Math.max(q, 0)) % 2;
                long tot = 0;
                for (int it = 0; it < 100; it++) {
                    if (adam) {   // an Adam-like pass: read and write W (or its packed copy), m and v
                        for (int i = 0; i < mm.length; i++) { mm[i] = mm[i] * 0.9f + 1e-3f; vv[i] = vv[i] * 0.999f + 1e-6f; }
                        if (v == 0) for (int i = 0; i < W.length; i++) W[i] += 0f;
                        else for (float[][] pp : pre) for (float[] pb : pp) for (int i = 0; i < pb.length; i++) pb[i] += 0f;
                    }
                    long t0 = System.nanoTime();
                    if (v == 0) Gemm.product(false, A, k, false, W, n, C, n, 0, m, 0, n, k, s);
                    else { GemmX.PRE = pre; GemmX.product(false, A, k, false, W, n, C2, n, 0, m, 0, n, k, s2); GemmX.PRE = null; }
                    tot += System.nanoTime() - t0;
                }
                if (q >= 0) t[v][q] = tot / 1e3 / 100;
            }
        String[] names = {"W packed per call (now)", "W pre-packed"};
        double[] ratio = new double[rounds];
        for (int q = 0; q < rounds; q++) ratio[q] = t[1][q] / t[0][q];
        for (int v = 0; v < 2; v++) { double[] x = t[v].clone(); Arrays.sort(x); System.out.printf("adam %b %-26s median %.1f us (p25 %.1f p75 %.1f)%n", adam, names[v], x[rounds / 2], x[rounds / 4], x[3 * rounds / 4]); }
        Arrays.sort(ratio); System.out.printf("pre-packed / now per round: median %.3f (p25 %.3f p75 %.3f); same bits: %b%n", ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], Arrays.equals(C, C2));
    }
}
