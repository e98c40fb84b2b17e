package cvae.kernels.cpu;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Could the products skip more zeros? Trains the default model at batch 64 (one build's jar,
 * 2 threads, seed 0, random real MNIST batches) for STEPS steps and, every 100 steps, counts in
 * the two hidden ReLU layers (the decoder's, which is A of the decoder's output products, and
 * the encoder's) the units that are zero for the whole batch, for a whole 8-row panel, and the
 * zero elements. A product skips a k only where its A panel is zero (see Gemm).
 * {@code benchmarks/probes/java/run.sh DeadUnits STEPS DATA_DIR JAR}
 */
public class DeadUnits {
    public static void main(String[] args) throws Exception {
        int batch = 64, steps = Integer.parseInt(args[0]);
        ClassLoader cl = HarnessJar.open(Path.of(args[2]));
        Class<?> backends = cl.loadClass("cvae.kernels.Backends"), backend = cl.loadClass("cvae.kernels.Backend"),
                tensor = cl.loadClass("cvae.kernels.Tensor"), cvae = cl.loadClass("cvae.harness.model.Cvae"),
                config = cl.loadClass("cvae.harness.model.ModelConfig");
        HarnessJar.Train mnist = HarnessJar.mnistTrain(cl, Path.of(args[1]));
        float[] images = mnist.images();
        byte[] labels = mnist.labels();
        int count = mnist.count();
        Object be = backends.getMethod("open", String.class, int.class).invoke(null, "cpu", 2);
        Method tensorOf = backend.getMethod("tensor", int.class, int.class), upload = backend.getMethod("upload", tensor, float[].class);
        Method download = backend.getMethod("download", float[].class, tensor);
        Object xt = tensorOf.invoke(be, batch, 784), yt = tensorOf.invoke(be, batch, 10);
        Object model = cvae.getConstructor(backend, config, int.class).newInstance(be, config.getMethod("defaults").invoke(null), batch);
        cvae.getMethod("initialise", long.class).invoke(model, 0L);
        Method step = cvae.getMethod("trainStep", tensor, tensor, float.class, float.class, long.class, long.class);
        String[] layers = {"decH", "encH"};
        Object[] hidden = new Object[2];
        for (int l = 0; l < 2; l++) {
            Field f = cvae.getDeclaredField(layers[l]);
            f.setAccessible(true);
            hidden[l] = f.get(model);
        }
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[batch * 784], y = new float[batch * 10], h = new float[batch * 512];
        long[][] sums = new long[2][3];
        long samples = 0;
        for (int s = 0; s < steps; s++) {
            Arrays.fill(y, 0f);
            for (int i = 0; i < batch; i++) {
                int img = r.nextInt(count);
                System.arraycopy(images, img * 784, x, i * 784, 784);
                y[i * 10 + labels[img]] = 1f;
            }
            upload.invoke(be, xt, x);
            upload.invoke(be, yt, y);
            step.invoke(model, xt, yt, 1e-5f, 1e-3f, 0L, (long) s);
            if (s % 100 != 99) continue;
            samples++;
            for (int l = 0; l < 2; l++) {
                download.invoke(be, h, hidden[l]);
                long wholeBatch = 0, panel = 0, zeros = 0;
                for (int k = 0; k < 512; k++) {
                    boolean all = true;
                    for (int p = 0; p < batch / 8; p++) {
                        boolean pz = true;
                        for (int i = p * 8; i < p * 8 + 8; i++)
                            if (h[i * 512 + k] != 0f) pz = all = false;
                            else zeros++;
                        if (pz) panel++;
                    }
                    if (all) wholeBatch++;
                }
                sums[l][0] += wholeBatch; sums[l][1] += panel; sums[l][2] += zeros;
                if (s == 99 || s == steps - 1 || s % 1000 == 999)
                    System.out.printf("step %5d %s: units zero for the whole batch %.3f, for an 8-row panel %.3f; zero elements %.3f%n",
                            s + 1, layers[l], wholeBatch / 512.0, panel / (512.0 * batch / 8), zeros / (512.0 * batch));
            }
        }
        for (int l = 0; l < 2; l++)
            System.out.printf("mean over %d samples, %s: whole batch %.3f, 8-row panel %.3f, elements %.3f%n", samples, layers[l],
                    sums[l][0] / (512.0 * samples), sums[l][1] / (512.0 * samples * batch / 8), sums[l][2] / (512.0 * samples * batch));
        backend.getMethod("close").invoke(be);
    }
}
