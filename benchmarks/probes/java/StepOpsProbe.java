package cvae.kernels.cpu;

import cvae.kernels.Backend;
import cvae.kernels.Backends;
import cvae.kernels.Tensor;

import java.util.Arrays;

/**
 * Ops of a batch-64 step through the cpu backend, with their inputs in cache, on a one-thread
 * and a two-thread backend alternating: the step's small products (K = 30 or N = 40 or 20),
 * the decoder's forward, and three element-wise ops. Prints the median µs per call over N
 * rounds of 200 calls. Inputs are uniform with no zero column, as an activation's.
 * {@code benchmarks/probes/java/run.sh StepOpsProbe ROUNDS}
 */
public class StepOpsProbe {
    static Tensor t(Backend be, int r, int c, java.util.Random rnd) {
        Tensor x = be.tensor(r, c);
        float[] d = new float[r * c];
        for (int i = 0; i < d.length; i++) d[i] = rnd.nextFloat() - 0.3f;
        be.upload(x, d);
        return x;
    }

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        Backend[] bes = {Backends.open("cpu", 1), Backends.open("cpu", 2)};
        String[] ops = {"dec1 fwd 64x512x30 relu", "enc2 fwd 64x40x512", "enc2 dX NT 64x512x40", "dec1 dX NT 64x20x512",
                "dec2 fwd 64x784x512 sigm", "reluBackward 64x512", "mseSigmoidBackward 64x784", "concatColumns 64x(784+10)"};
        Tensor[][] ts = new Tensor[2][];
        for (int i = 0; i < 2; i++) {
            Backend be = bes[i];
            java.util.Random r = new java.util.Random(1);
            ts[i] = new Tensor[]{be.tensor(64, 512), t(be, 64, 30, r), t(be, 30, 512, r), t(be, 1, 512, r),
                    be.tensor(64, 40), t(be, 64, 512, r), t(be, 512, 40, r), t(be, 1, 40, r),
                    be.tensor(64, 512), t(be, 64, 40, r), t(be, 512, 40, r),
                    be.tensor(64, 20), t(be, 64, 512, r), t(be, 20, 512, r),
                    be.tensor(64, 784), t(be, 64, 512, r), t(be, 512, 784, r), t(be, 1, 784, r),
                    be.tensor(64, 512), t(be, 64, 512, r), t(be, 64, 512, r),
                    be.tensor(64, 784), t(be, 64, 784, r), t(be, 64, 784, r), be.tensor(1, 4),
                    be.tensor(64, 794), t(be, 64, 784, r), t(be, 64, 10, r)};
        }
        double[][][] g = new double[ops.length][2][rounds];
        int reps = 200;
        for (int q = -20; q < rounds; q++)
            for (int o = 0; o < ops.length; o++)
                for (int vv = 0; vv < 2; vv++) {
                    int v = Math.floorMod(vv + q, 2);
                    Backend be = bes[v];
                    Tensor[] T = ts[v];
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++)
                        switch (o) {
                            case 0 -> be.linearForward(T[0], T[1], T[2], T[3], Backend.Activation.RELU);
                            case 1 -> be.linearForward(T[4], T[5], T[6], T[7], Backend.Activation.NONE);
                            case 2 -> be.gemm(T[8], false, T[9], true, T[10], 1f, 0f);
                            case 3 -> be.gemm(T[11], false, T[12], true, T[13], 1f, 0f);
                            case 4 -> be.linearForward(T[14], T[15], T[16], T[17], Backend.Activation.SIGMOID);
                            case 5 -> be.reluBackward(T[18], T[19], T[20]);
                            case 6 -> be.mseSigmoidBackward(T[21], T[22], T[23], T[24], 0);
                            default -> be.concatColumns(T[25], T[26], T[27]);
                        }
                    if (q >= 0) g[o][v][q] = (System.nanoTime() - t0) / 1e3 / reps;
                }
        for (int o = 0; o < ops.length; o++) {
            StringBuilder sb = new StringBuilder(String.format("%-28s", ops[o]));
            for (int v = 0; v < 2; v++) {
                double[] a = g[o][v].clone();
                Arrays.sort(a);
                sb.append(String.format("  %d thread(s): median %6.1f µs (p25 %6.1f, p75 %6.1f)", v + 1, a[rounds / 2], a[rounds / 4], a[3 * rounds / 4]));
            }
            System.out.println(sb);
        }
        for (Backend be : bes) be.close();
    }
}
