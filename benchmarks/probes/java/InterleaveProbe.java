package cvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.util.Arrays;

/**
 * Can Adam's divider work hide behind the weight gradient's FMAs? One thread, the decoder output
 * layer's weight gradient with its Adam step at batch 64 as the fused op does it (16 chunks of
 * 32 rows; per chunk 100 calls of the 8×32 kernel over K = 64, then Adam over the chunk's 25,088
 * weights), against the same with one Adam vector inside the kernel's loop every 4 k (the chunk
 * before's weights; a copy of Gemm.kernel unrolled by 4), and each part alone. Modes alternate
 * per round; the output says whether the two ways give the same C and the same weights and moments.
 * {@code benchmarks/probes/java/run.sh InterleaveProbe ROUNDS}
 */
public class InterleaveProbe {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length(), MR = 8, NR = 2 * L;

    static void adam(float[] P, float[] G, float[] M, float[] V, int from, int to, float beta1, float b1c, float beta2, float b2c, float step, float ibc2, float eps) {
        for (int i = from; i < to; i += L) {
            FloatVector g = FloatVector.fromArray(S, G, i);
            FloatVector mm = FloatVector.fromArray(S, M, i).mul(beta1).add(g.mul(b1c));
            FloatVector vv = FloatVector.fromArray(S, V, i).mul(beta2).add(g.mul(g).mul(b2c));
            mm = mm.blend(0f, mm.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
            vv = vv.blend(0f, vv.compare(VectorOperators.LT, Float.MIN_NORMAL));
            mm.intoArray(M, i);
            vv.intoArray(V, i);
            FloatVector denom = vv.mul(ibc2).sqrt().add(eps);
            FloatVector.fromArray(S, P, i).sub(mm.mul(step).div(denom)).intoArray(P, i);
        }
    }

    /** Gemm.kernel, 8x32 over kc, with one Adam vector every 4 k (while ai < aEnd); returns the new ai. */
    static int kernelAdam(float[] pa, int a0, float[] pb, int kc, float[] c, int ci, int j, int ldc,
                          float[] P, float[] G, float[] M, float[] V, int ai, int aEnd,
                          float beta1, float b1c, float beta2, float b2c, float step, float ibc2, float eps) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p += 4) {   // kc a multiple of 4 here
            {
                int ap = a0 + (p + 0) * MR, bp = (p + 0) * NR;
                FloatVector y0 = FloatVector.fromArray(S, pb, bp);
                FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
                FloatVector x;
                x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
                x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
                x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
                x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
                x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
                x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
                x = FloatVector.broadcast(S, pa[ap + 6]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
                x = FloatVector.broadcast(S, pa[ap + 7]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
            }
            {
                int ap = a0 + (p + 1) * MR, bp = (p + 1) * NR;
                FloatVector y0 = FloatVector.fromArray(S, pb, bp);
                FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
                FloatVector x;
                x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
                x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
                x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
                x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
                x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
                x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
                x = FloatVector.broadcast(S, pa[ap + 6]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
                x = FloatVector.broadcast(S, pa[ap + 7]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
            }
            {
                int ap = a0 + (p + 2) * MR, bp = (p + 2) * NR;
                FloatVector y0 = FloatVector.fromArray(S, pb, bp);
                FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
                FloatVector x;
                x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
                x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
                x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
                x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
                x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
                x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
                x = FloatVector.broadcast(S, pa[ap + 6]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
                x = FloatVector.broadcast(S, pa[ap + 7]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
            }
            {
                int ap = a0 + (p + 3) * MR, bp = (p + 3) * NR;
                FloatVector y0 = FloatVector.fromArray(S, pb, bp);
                FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
                FloatVector x;
                x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
                x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
                x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
                x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
                x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
                x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
                x = FloatVector.broadcast(S, pa[ap + 6]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
                x = FloatVector.broadcast(S, pa[ap + 7]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
            }
            if (ai < aEnd) {
                int i = ai;
                FloatVector g = FloatVector.fromArray(S, G, i);
                FloatVector mm = FloatVector.fromArray(S, M, i).mul(beta1).add(g.mul(b1c));
                FloatVector vv = FloatVector.fromArray(S, V, i).mul(beta2).add(g.mul(g).mul(b2c));
                mm = mm.blend(0f, mm.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
                vv = vv.blend(0f, vv.compare(VectorOperators.LT, Float.MIN_NORMAL));
                mm.intoArray(M, i);
                vv.intoArray(V, i);
                FloatVector denom = vv.mul(ibc2).sqrt().add(eps);
                FloatVector.fromArray(S, P, i).sub(mm.mul(step).div(denom)).intoArray(P, i);
                ai += L;
            }
        }
        c00.intoArray(c, ci * ldc + j); c01.intoArray(c, ci * ldc + j + L);
        c10.intoArray(c, (ci + 1) * ldc + j); c11.intoArray(c, (ci + 1) * ldc + j + L);
        c20.intoArray(c, (ci + 2) * ldc + j); c21.intoArray(c, (ci + 2) * ldc + j + L);
        c30.intoArray(c, (ci + 3) * ldc + j); c31.intoArray(c, (ci + 3) * ldc + j + L);
        c40.intoArray(c, (ci + 4) * ldc + j); c41.intoArray(c, (ci + 4) * ldc + j + L);
        c50.intoArray(c, (ci + 5) * ldc + j); c51.intoArray(c, (ci + 5) * ldc + j + L);
        c60.intoArray(c, (ci + 6) * ldc + j); c61.intoArray(c, (ci + 6) * ldc + j + L);
        c70.intoArray(c, (ci + 7) * ldc + j); c71.intoArray(c, (ci + 7) * ldc + j + L);
        return ai;
    }

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        int k = 64, rowPanels = 4, panels = 25, n = panels * NR;   // a dec2 chunk: 32 rows x 800 cols, K = 64
        int chunkElems = 32 * 784, chunks = 16;                     // Adam over 16 chunks' worth (401K elements)
        java.util.Random r = new java.util.Random(1);
        float[] pa = new float[rowPanels * MR * k], c = new float[32 * n], c2 = new float[32 * n];
        float[][] pbs = new float[panels][k * NR];
        for (int i = 0; i < pa.length; i++) pa[i] = r.nextFloat();
        for (float[] pb : pbs) for (int i = 0; i < pb.length; i++) pb[i] = r.nextFloat() - 0.5f;
        int total = chunks * chunkElems;
        float[][] P = new float[4][total], G = new float[4][total], M = new float[4][total], V = new float[4][total];
        for (int i = 0; i < total; i++) { float g = (r.nextFloat() - 0.5f) * 1e-3f, p = r.nextFloat(); for (int w = 0; w < 4; w++) { G[w][i] = g; P[w][i] = p; } }
        float beta1 = 0.9f, b1c = 0.1f, beta2 = 0.999f, b2c = 0.001f, step = 1e-3f, ibc2 = 10f, eps = 1e-8f;
        double[][] t = new double[4][rounds];
        for (int q = -5; q < rounds; q++)
            for (int v0 = 0; v0 < 4; v0++) {
                int v = (v0 + Math.max(q, 0)) % 4;
                long t0 = System.nanoTime();
                for (int rep = 0; rep < 5; rep++)
                    for (int ch = 0; ch < chunks; ch++) {
                        int a0 = ch * chunkElems, aEnd = a0 + chunkElems, ai = a0;
                        for (int pn = 0; pn < panels; pn++)
                            for (int rp = 0; rp < rowPanels; rp++)
                                if (v == 3) break;
                                else if (v == 0 || v == 2) Gemm.kernel(pa, rp * MR * k, pbs[pn], k, c, ID, rp * MR, pn * NR, n);
                                else ai = kernelAdam(pa, rp * MR * k, pbs[pn], k, c2, rp * MR, pn * NR, n, P[1], G[1], M[1], V[1], ai, aEnd, beta1, b1c, beta2, b2c, step, ibc2, eps);
                        if (v == 2) continue;
                        if (v == 0 || v == 3) adam(P[v], G[v], M[v], V[v], a0, aEnd, beta1, b1c, beta2, b2c, step, ibc2, eps);
                        else if (ai < aEnd) adam(P[1], G[1], M[1], V[1], ai, aEnd, beta1, b1c, beta2, b2c, step, ibc2, eps);
                    }
                if (q >= 0) t[v][q] = (System.nanoTime() - t0) / 1e3 / 5;
            }
        String[] names = {"kernels, then Adam", "Adam inside the kernels", "kernels only", "Adam only"};
        double[] ratio = new double[rounds];
        for (int q = 0; q < rounds; q++) ratio[q] = t[1][q] / t[0][q];
        for (int v = 0; v < 4; v++) { double[] x = t[v].clone(); Arrays.sort(x); System.out.printf("%-26s median %.1f us per 16 chunks (p25 %.1f p75 %.1f)%n", names[v], x[rounds / 2], x[rounds / 4], x[3 * rounds / 4]); }
        Arrays.sort(ratio);
        System.out.printf("inside / then per round: median %.3f (p25 %.3f p75 %.3f); same C: %b; same P, M, V: %b%n", ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4],
                Arrays.equals(c, c2), Arrays.equals(P[0], P[1]) && Arrays.equals(M[0], M[1]) && Arrays.equals(V[0], V[1]));
    }
    static final int[] ID = new int[4096];
    static { for (int i = 0; i < ID.length; i++) ID[i] = i; }
}
