package cvae.bench;

import cvae.harness.model.Cvae;
import cvae.harness.model.ModelConfig;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import cvae.kernels.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One whole training step (forward, loss, backward, Adam) of the default CVAE on the
 * cpu backend, on MNIST-like random inputs. Epoch time ≈ step time × 60000 / batch.
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

    Backend be;
    Cvae model;
    Tensor x, y;
    long step;

    @Setup
    public void setup() {
        be = Backends.open("cpu", threads);
        model = new Cvae(be, ModelConfig.defaults(), batch);
        model.initialise(0);
        SplittableRandom r = new SplittableRandom(1);
        float[] xv = new float[batch * 784], yv = new float[batch * 10];
        for (int i = 0; i < xv.length; i++) xv[i] = r.nextDouble() < 0.8 ? 0f : (float) r.nextDouble();  // MNIST is mostly zeros
        for (int i = 0; i < batch; i++) yv[i * 10 + r.nextInt(10)] = 1f;
        x = be.tensor(batch, 784);
        y = be.tensor(batch, 10);
        be.upload(x, xv);
        be.upload(y, yv);
    }

    @TearDown
    public void tearDown() { be.close(); }

    @Benchmark
    public void trainStep() {
        model.trainStep(x, y, 1e-5f, 1e-3f, 0, step++);
    }
}
