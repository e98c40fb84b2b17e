package cvae.bench;

import cvae.kernels.Backend;
import cvae.kernels.Backends;
import cvae.kernels.Tensor;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The element-wise, reduction and optimiser ops of a training step at batch 64, at the
 * sizes the step uses: sigmoid on the decoder output (64×784), ReLU on a hidden layer
 * (64×512), MSE with its gradient (64×784), the eps normals (64×20), and one Adam step
 * on the largest weight (794×512, the encoder's first layer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OpsBenchmark {
    @Param({"1", "2"})
    public int threads;

    Backend be;
    Tensor out784, in784, target784, dOut784, out512, in512, dOut512, eps, acc;
    Tensor w, g, m, v;
    long step;

    @Setup
    public void setup() {
        be = Backends.open("cpu", threads);
        SplittableRandom r = new SplittableRandom(3);
        out784 = be.tensor(64, 784); in784 = random(be, r, 64, 784); target784 = random(be, r, 64, 784); dOut784 = be.tensor(64, 784);
        out512 = be.tensor(64, 512); in512 = random(be, r, 64, 512); dOut512 = random(be, r, 64, 512);
        eps = be.tensor(64, 20);
        acc = be.tensor(1, 2);
        w = random(be, r, 794, 512); g = random(be, r, 794, 512); m = be.tensor(794, 512); v = be.tensor(794, 512);
    }

    static Tensor random(Backend be, SplittableRandom r, int rows, int cols) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        Tensor t = be.tensor(rows, cols);
        be.upload(t, x);
        return t;
    }

    @TearDown
    public void tearDown() { be.close(); }

    @Benchmark public void sigmoidForward(Blackhole bh) { be.sigmoidForward(out784, in784); bh.consume(out784); }

    @Benchmark public void sigmoidBackward(Blackhole bh) { be.sigmoidBackward(dOut784, target784, in784); bh.consume(dOut784); }

    @Benchmark public void reluForward(Blackhole bh) { be.reluForward(out512, in512); bh.consume(out512); }

    @Benchmark public void reluBackward(Blackhole bh) { be.reluBackward(out512, dOut512, in512); bh.consume(out512); }

    @Benchmark public void mseForwardBackward(Blackhole bh) { be.mseForwardBackward(dOut784, in784, target784, acc, 0); bh.consume(acc); }

    @Benchmark public void randomNormal(Blackhole bh) { be.randomNormal(eps, 7, step++); bh.consume(eps); }

    @Benchmark public void adamStep(Blackhole bh) {
        be.adamStep(w, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.5f, 0.5f);
        bh.consume(w);
    }
}
