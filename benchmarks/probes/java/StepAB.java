package cvae.kernels.cpu;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Two or more builds of the harness (their harness.jar) in one process: each in a class loader
 * of its own, with its own cpu backend (2 threads) and default model at seed 0, trained on the
 * same 32 real MNIST batches in turn, rounds of STEPS steps each, the order rotating per round.
 * Prints each build's median µs a step and the median per-round ratio to the first: the VM's
 * drift from minute to minute, which swamps a few per cent between processes run minutes
 * apart, cancels. The idle build's threads park after a millisecond of spinning.
 * {@code benchmarks/probes/java/run.sh StepAB BATCH ROUNDS STEPS DATA_DIR JAR...}
 */
public class StepAB {
    public static void main(String[] args) throws Exception {
        int batch = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]), steps = Integer.parseInt(args[2]);
        Path data = Path.of(args[3]);
        String[] jars = Arrays.copyOfRange(args, 4, args.length);
        int builds = jars.length, n = 32;
        Object[] models = new Object[builds];
        Object[][] xs = new Object[builds][n], ys = new Object[builds][n];
        Method[] step = new Method[builds], close = new Method[builds];
        Object[] backends = new Object[builds];
        float[][] xv = new float[n][batch * 784], yv = new float[n][batch * 10];
        for (int v = 0; v < builds; v++) {
            ClassLoader cl = HarnessJar.open(Path.of(jars[v]));
            Class<?> backends_ = cl.loadClass("cvae.kernels.Backends"), backend = cl.loadClass("cvae.kernels.Backend"),
                    tensor = cl.loadClass("cvae.kernels.Tensor"), cvae = cl.loadClass("cvae.harness.model.Cvae"),
                    config = cl.loadClass("cvae.harness.model.ModelConfig");
            if (v == 0) {                                   // the batches, drawn once (plain arrays, shared by all builds)
                HarnessJar.Train mnist = HarnessJar.mnistTrain(cl, data);
                float[] images = mnist.images();
                byte[] labels = mnist.labels();
                int count = mnist.count();
                SplittableRandom r = new SplittableRandom(1);
                for (int b = 0; b < n; b++)
                    for (int i = 0; i < batch; i++) {
                        int img = r.nextInt(count);
                        System.arraycopy(images, img * 784, xv[b], i * 784, 784);
                        yv[b][i * 10 + labels[img]] = 1f;
                    }
            }
            Object be = backends_.getMethod("open", String.class, int.class).invoke(null, "cpu", 2);
            backends[v] = be;
            Method tensorOf = backend.getMethod("tensor", int.class, int.class), upload = backend.getMethod("upload", tensor, float[].class);
            for (int b = 0; b < n; b++) {
                xs[v][b] = tensorOf.invoke(be, batch, 784);
                ys[v][b] = tensorOf.invoke(be, batch, 10);
                upload.invoke(be, xs[v][b], xv[b]);
                upload.invoke(be, ys[v][b], yv[b]);
            }
            models[v] = cvae.getConstructor(backend, config, int.class).newInstance(be, config.getMethod("defaults").invoke(null), batch);
            cvae.getMethod("initialise", long.class).invoke(models[v], 0L);
            step[v] = cvae.getMethod("trainStep", tensor, tensor, float.class, float.class, long.class, long.class);
            close[v] = backend.getMethod("close");
        }
        long[] done = new long[builds];
        double[][] t = new double[builds][rounds];
        for (int q = -5; q < rounds; q++)                  // five rounds of warm-up
            for (int i = 0; i < builds; i++) {
                int v = (i + Math.max(q, 0)) % builds;
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    int b = (int) (done[v] % n);
                    step[v].invoke(models[v], xs[v][b], ys[v][b], 1e-5f, 1e-3f, 0L, done[v]++);
                }
                if (q >= 0) t[v][q] = (System.nanoTime() - t0) / 1e3 / steps;
            }
        for (int v = 0; v < builds; v++) {
            double[] x = t[v].clone();
            Arrays.sort(x);
            System.out.printf("%-40s µs a step: median %7.1f  p25 %7.1f  p75 %7.1f%n", jars[v], x[rounds / 2], x[rounds / 4], x[3 * rounds / 4]);
        }
        for (int v = 1; v < builds; v++) {
            double[] ratio = new double[rounds];
            for (int q = 0; q < rounds; q++) ratio[q] = t[v][q] / t[0][q];
            Arrays.sort(ratio);
            System.out.printf("%s / %s per round: median %.3f (p25 %.3f, p75 %.3f)%n", jars[v], jars[0], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        }
        for (int v = 0; v < builds; v++) close[v].invoke(backends[v]);
    }
}
