package cvae.kernels.cpu;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How one build's training step at batch BATCH divides, in one process (2 threads, default model,
 * seed 0, 32 real MNIST batches). Each round times STEPS calls of three phases, in an order that
 * rotates per round:
 * <ul>
 * <li>the whole step ({@code Cvae.trainStep});
 * <li>the forward alone ({@code Cvae.evaluate}), each right after an untimed train step, so that it
 * finds the weights where a step's forward does (Adam has just written them);
 * <li>forward and backward without Adam ({@code Cvae.forwardBackward}).
 * </ul>
 * Prints the median µs of each. The step less the third is what Adam costs inside the step.
 * {@code benchmarks/probes/java/run.sh StepParts BATCH ROUNDS STEPS DATA_DIR JAR}
 */
public class StepParts {
    public static void main(String[] args) throws Exception {
        int batch = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]), steps = Integer.parseInt(args[2]);
        Path data = Path.of(args[3]);
        ClassLoader cl = HarnessJar.open(Path.of(args[4]));
        Class<?> backends = cl.loadClass("cvae.kernels.Backends"), backend = cl.loadClass("cvae.kernels.Backend"),
                tensor = cl.loadClass("cvae.kernels.Tensor"), cvae = cl.loadClass("cvae.harness.model.Cvae"),
                config = cl.loadClass("cvae.harness.model.ModelConfig");
        int n = 32;
        HarnessJar.Train mnist = HarnessJar.mnistTrain(cl, data);
        float[] images = mnist.images();
        byte[] labels = mnist.labels();
        int count = mnist.count();
        Object be = backends.getMethod("open", String.class, int.class).invoke(null, "cpu", 2);
        Method tensorOf = backend.getMethod("tensor", int.class, int.class), upload = backend.getMethod("upload", tensor, float[].class);
        Object[] xs = new Object[n], ys = new Object[n];
        SplittableRandom r = new SplittableRandom(1);
        for (int b = 0; b < n; b++) {
            float[] x = new float[batch * 784], y = new float[batch * 10];
            for (int i = 0; i < batch; i++) {
                int img = r.nextInt(count);
                System.arraycopy(images, img * 784, x, i * 784, 784);
                y[i * 10 + labels[img]] = 1f;
            }
            xs[b] = tensorOf.invoke(be, batch, 784);
            ys[b] = tensorOf.invoke(be, batch, 10);
            upload.invoke(be, xs[b], x);
            upload.invoke(be, ys[b], y);
        }
        Object model = cvae.getConstructor(backend, config, int.class).newInstance(be, config.getMethod("defaults").invoke(null), batch);
        cvae.getMethod("initialise", long.class).invoke(model, 0L);
        Method step = cvae.getMethod("trainStep", tensor, tensor, float.class, float.class, long.class, long.class);
        Method forward = cvae.getMethod("evaluate", tensor, tensor, boolean.class, long.class, long.class);
        Method noAdam = cvae.getMethod("forwardBackward", tensor, tensor, float.class, long.class, long.class);
        String[] names = {"train step", "forward, after a step", "forward and backward, no Adam"};
        double[][] t = new double[3][rounds];
        long done = 0;
        for (int q = -5; q < rounds; q++)                  // five rounds of warm-up
            for (int i = 0; i < 3; i++) {
                int phase = (i + Math.max(q, 0)) % 3;
                long total = 0;
                for (int s = 0; s < steps; s++) {
                    int b = (int) (done % n);
                    if (phase == 1) step.invoke(model, xs[b], ys[b], 1e-5f, 1e-3f, 0L, done++);
                    long t0 = System.nanoTime();
                    switch (phase) {
                        case 0 -> step.invoke(model, xs[b], ys[b], 1e-5f, 1e-3f, 0L, done++);
                        case 1 -> forward.invoke(model, xs[b], ys[b], false, 0L, done);
                        default -> noAdam.invoke(model, xs[b], ys[b], 1e-5f, 0L, done);
                    }
                    total += System.nanoTime() - t0;
                }
                if (q >= 0) t[phase][q] = total / 1e3 / steps;
            }
        for (int v = 0; v < 3; v++) {
            double[] x = t[v].clone();
            Arrays.sort(x);
            System.out.printf("batch %d, %-30s µs: median %7.1f  p25 %7.1f  p75 %7.1f%n", batch, names[v], x[rounds / 2], x[rounds / 4], x[3 * rounds / 4]);
        }
        backend.getMethod("close").invoke(be);
    }
}
