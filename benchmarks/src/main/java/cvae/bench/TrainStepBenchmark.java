package cvae.bench;

import cvae.harness.data.Mnist;
import cvae.harness.model.Cvae;
import cvae.harness.model.ModelConfig;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import cvae.kernels.Tensor;
import org.openjdk.jmh.annotations.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One whole training step (forward, loss, backward, Adam) of the default CVAE on the
 * cpu backend. Epoch time ≈ step time × 60000 / batch.
 *
 * <p>{@code input=mnist} (the default) cycles through 16 batches of real training images
 * (from {@code $CVAE_DATA}, else {@code data/mnist}; the scripts set it): the cpu backend
 * skips the zeros a real batch has (its empty border, and the pixels that all of 8 images
 * leave blank), which uniformly random pixels do not have. {@code input=random}: pixels zero
 * with probability 0.8, else uniform, the same batch every step (what this measured before).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TrainStepBenchmark {
    @Param({"64", "1024"})
    public int batch;

    @Param({"2"})
    public int threads;

    @Param({"mnist"})
    public String input;

    static final int BATCHES = 16;

    Backend be;
    Cvae model;
    Tensor[] xs, ys;
    long step;

    @Setup
    public void setup() {
        be = Backends.open("cpu", threads);
        model = new Cvae(be, ModelConfig.defaults(), batch);
        model.initialise(0);
        SplittableRandom r = new SplittableRandom(1);
        int n = input.equals("random") ? 1 : BATCHES;
        float[][] xv = new float[n][batch * 784], yv = new float[n][batch * 10];
        switch (input) {
            case "random" -> {
                for (int i = 0; i < xv[0].length; i++) xv[0][i] = r.nextDouble() < 0.8 ? 0f : (float) r.nextDouble();
                for (int i = 0; i < batch; i++) yv[0][i * 10 + r.nextInt(10)] = 1f;
            }
            case "mnist" -> {
                String dir = System.getenv().getOrDefault("CVAE_DATA", "data/mnist");
                if (!Files.isDirectory(Path.of(dir)))
                    throw new IllegalStateException("input=mnist needs the MNIST files in " + Path.of(dir).toAbsolutePath()
                            + " (bin/harness data fetch, or CVAE_DATA=DIR); -p input=random runs without them");
                Mnist.Split train = Mnist.load(Path.of(dir)).train();
                for (int b = 0; b < n; b++)
                    for (int i = 0; i < batch; i++) {
                        int img = r.nextInt(train.count());
                        System.arraycopy(train.images(), img * 784, xv[b], i * 784, 784);
                        yv[b][i * 10 + train.labels()[img]] = 1f;
                    }
            }
            default -> throw new IllegalArgumentException("input must be mnist or random, was " + input);
        }
        xs = new Tensor[n];
        ys = new Tensor[n];
        for (int b = 0; b < n; b++) {
            xs[b] = be.tensor(batch, 784);
            ys[b] = be.tensor(batch, 10);
            be.upload(xs[b], xv[b]);
            be.upload(ys[b], yv[b]);
        }
    }

    @TearDown
    public void tearDown() { be.close(); }

    @Benchmark
    public void trainStep() {
        int b = (int) (step % xs.length);
        model.trainStep(xs[b], ys[b], 1e-5f, 1e-3f, 0, step++);
    }
}
