package cvae.kernels.cpu;

import cvae.kernels.Backend;
import cvae.kernels.Backends;
import cvae.kernels.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Would the encoder's first layer be faster held out×in? Its forward at batch 64 on real MNIST
 * rows [x | y], through the cpu backend of THREADS threads, alternating per round: as now,
 * {@code linearForward} with W in×out (794×512, NN; the zero pixels of the batch skipped), against
 * {@code gemm} with Wt out×in (512×794, NT: the short-NT path, W's rows read in place, no skipping).
 * With SWEEP true, 12 MB are swept before each call (Adam's streams). The data come from the
 * harness jar (see HarnessJar).
 * {@code benchmarks/probes/java/run.sh Enc1Layout THREADS ROUNDS SWEEP DATA_DIR JAR}
 */
public class Enc1Layout {
    public static void main(String[] args) throws Exception {
        int batch = 64, threads = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        boolean sweep = Boolean.parseBoolean(args[2]);
        ClassLoader cl = HarnessJar.open(Path.of(args[4]));
        HarnessJar.Train mnist = HarnessJar.mnistTrain(cl, Path.of(args[3]));
        float[] images = mnist.images();
        byte[] labels = mnist.labels();
        int count = mnist.count();
        Backend be = Backends.open("cpu", threads);
        int nb = 16;
        Tensor[] xy = new Tensor[nb];
        SplittableRandom r = new SplittableRandom(1);
        for (int b = 0; b < nb; b++) {
            float[] x = new float[batch * 794];
            for (int i = 0; i < batch; i++) {
                int img = r.nextInt(count);
                System.arraycopy(images, img * 784, x, i * 794, 784);
                x[i * 794 + 784 + labels[img]] = 1f;
            }
            xy[b] = be.tensor(batch, 794);
            be.upload(xy[b], x);
        }
        float[] w = new float[794 * 512], wt = new float[512 * 794];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.03f;
        for (int k = 0; k < 794; k++) for (int n = 0; n < 512; n++) wt[n * 794 + k] = w[k * 512 + n];
        Tensor W = be.tensor(794, 512), Wt = be.tensor(512, 794), bias = be.tensor(1, 512), y = be.tensor(batch, 512), y2 = be.tensor(batch, 512);
        be.upload(W, w);
        be.upload(Wt, wt);
        float[] junk = new float[3 << 20];
        double[][] t = new double[2][rounds];
        for (int q = -3; q < rounds; q++)
            for (int v0 = 0; v0 < 2; v0++) {
                int v = (v0 + Math.max(q, 0)) % 2;
                long tot = 0;
                for (int s = 0; s < 200; s++) {
                    if (sweep) for (int i = 0; i < junk.length; i += 16) junk[i] += 1f;
                    long t0 = System.nanoTime();
                    if (v == 0) be.linearForward(y, xy[s % nb], W, bias, Backend.Activation.NONE);
                    else be.gemm(y2, false, xy[s % nb], true, Wt, 1f, 0f);
                    tot += System.nanoTime() - t0;
                }
                if (q >= 0) t[v][q] = tot / 1e3 / 200;
            }
        float[] a = new float[batch * 512], b2 = new float[batch * 512];
        be.download(a, y);
        be.download(b2, y2);
        String[] names = {"NN in x out, sparse (now)", "NT out x in (short NT)"};
        for (int v = 0; v < 2; v++) {
            double[] x = t[v].clone();
            Arrays.sort(x);
            System.out.printf("threads %d sweep %b %-26s median %.1f us (p25 %.1f p75 %.1f)%n", threads, sweep, names[v], x[rounds / 2], x[rounds / 4], x[3 * rounds / 4]);
        }
        System.out.println("same bits: " + Arrays.equals(a, b2));
        be.close();
        System.exit(0);
    }
}
