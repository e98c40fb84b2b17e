package cvae.bench.torch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import cvae.harness.data.Mnist;
import cvae.harness.train.Shuffle;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The article's CVAE (SPEC.md's default sizes) trained in libtorch 2.7.1, the C++ library of the
 * PyTorch 2.7 wheel, through DJL: each op below is one call into libtorch, as each line of the
 * article's PyTorch code is. It is written the way that code is: {@code nn.Linear}'s op
 * ({@code at::linear}, weights out×in), ReLU, sigmoid, mean-squared error, the closed-form KL,
 * autograd for the backward, and Adam as DJL's PyTorch engine applies it: a few libtorch ops a
 * parameter (a copy of the gradient, the two moments, sqrt and division), with the bias
 * correction folded into the learning rate, so eps meets the uncorrected sqrt(v), a difference
 * from {@code torch.optim.Adam} that is negligible at eps 1e-8. The batches are gathered from
 * tensors already in memory (no per-image transform, as a {@code TensorDataset} would be), so the
 * loop has less to do than the article's {@code DataLoader}.
 *
 * <p>It prints one line per epoch: the training loop's seconds (shuffled gather, forward,
 * backward, Adam; the same span the harness's {@code seconds} column times) and the test loss,
 * MSE and KL after the epoch (z sampled, as the harness's {@code test_loss}), so that the two
 * sides can be seen to train the same model to the same loss.
 *
 * <pre>java -cp ... cvae.bench.torch.TorchEpoch DATA_DIR EPOCHS BATCH [THREADS] [SEED]</pre>
 */
public final class TorchEpoch {
    static final int PIXELS = 784, CLASSES = 10, HIDDEN = 512, PRIOR_HIDDEN = 128, LATENT = 20;
    static final float LR = 1e-3f, KL_WEIGHT = 1e-5f;

    /** One {@code nn.Linear}: W out×in and b, both uniform in ±1/sqrt(in), PyTorch's default. */
    record Linear(String name, NDArray w, NDArray b) {
        static Linear of(NDManager m, String name, int in, int out) {
            float a = (float) (1 / Math.sqrt(in));
            NDArray w = m.randomUniform(-a, a, new Shape(out, in));
            NDArray b = m.randomUniform(-a, a, new Shape(out));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            return new Linear(name, w, b);
        }

        NDArray apply(NDArray x) {
            NDList out = x.getNDArrayInternal().linear(x, w, b);
            return out.singletonOrThrow();
        }
    }

    final Linear enc1, enc2, prior1, prior2, dec1, dec2;
    final List<Linear> layers;

    TorchEpoch(NDManager m) {
        enc1 = Linear.of(m, "enc1", PIXELS + CLASSES, HIDDEN);
        enc2 = Linear.of(m, "enc2", HIDDEN, 2 * LATENT);
        prior1 = Linear.of(m, "prior1", CLASSES, PRIOR_HIDDEN);
        prior2 = Linear.of(m, "prior2", PRIOR_HIDDEN, 2 * LATENT);
        dec1 = Linear.of(m, "dec1", LATENT + CLASSES, HIDDEN);
        dec2 = Linear.of(m, "dec2", HIDDEN, PIXELS);
        layers = List.of(enc1, enc2, prior1, prior2, dec1, dec2);
    }

    /** {mse, kl} of a batch, z = mu + sigma·eps; the graph is recorded when a collector is open. */
    NDArray[] loss(NDArray x, NDArray y) {
        NDArray h = enc2.apply(enc1.apply(x.concat(y, 1)).getNDArrayInternal().relu());
        NDArray mu = h.get(":, :" + LATENT), logSigma = h.get(":, " + LATENT + ":");
        NDArray p = prior2.apply(prior1.apply(y).getNDArrayInternal().relu());
        NDArray priorMu = p.get(":, :" + LATENT), priorLogSigma = p.get(":, " + LATENT + ":");
        NDArray sigma = logSigma.exp(), priorSigma = priorLogSigma.exp();
        NDArray z = mu.add(sigma.mul(x.getManager().randomNormal(mu.getShape())));
        NDArray xHat = dec2.apply(dec1.apply(z.concat(y, 1)).getNDArrayInternal().relu()).getNDArrayInternal().sigmoid();
        NDArray mse = xHat.sub(x).square().mean();
        // log(prior_sigma / sigma) + (sigma² + (mu − prior_mu)²) / (2 prior_sigma²) − 1/2, summed, / batch
        NDArray kl = priorSigma.div(sigma).log()
                .add(sigma.square().add(mu.sub(priorMu).square()).div(priorSigma.square().mul(2)))
                .sub(0.5f).sum().div(x.getShape().get(0));
        return new NDArray[] {mse, kl};
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: TorchEpoch DATA_DIR EPOCHS BATCH [THREADS] [SEED]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]), batch = Integer.parseInt(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        int seed = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        // torch.set_num_threads(threads); one inter-op thread, as a plain training loop uses
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");  // the binaries come from the class path, never the network

        Mnist.Dataset ds = Mnist.load(dataDir);
        Mnist.verifyChecksums(ds);
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(seed);
        System.out.printf(Locale.ROOT, "engine %s %s, %d intra-op threads, batch %d, %d epochs%n",
                engine.getEngineName(), engine.getVersion(), threads, batch, epochs);

        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            int nTrain = ds.train().count(), nTest = ds.test().count();
            NDArray trainX = m.create(ds.train().images(), new Shape(nTrain, PIXELS));
            NDArray trainY = m.create(oneHot(ds.train().labels()), new Shape(nTrain, CLASSES));
            NDArray testX = m.create(ds.test().images(), new Shape(nTest, PIXELS));
            NDArray testY = m.create(oneHot(ds.test().labels()), new Shape(nTest, CLASSES));
            System.out.printf(Locale.ROOT, "one call into libtorch through DJL (a 1-element add): %.2f µs%n", callMicros(m));
            TorchEpoch model = new TorchEpoch(m);
            Adam adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(LR))
                    .optBeta1(0.9f).optBeta2(0.999f).optEpsilon(1e-8f).build();
            int steps = (nTrain + batch - 1) / batch;
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = Shuffle.permutation(nTrain, seed, epoch);
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    int rows = Math.min(batch, nTrain - s * batch);
                    long[] idx = new long[rows];
                    for (int i = 0; i < rows; i++) idx[i] = order[s * batch + i];
                    try (NDManager step = m.newSubManager()) {
                        NDArray ix = step.create(idx);
                        NDArray x = trainX.get(ix), y = trainY.get(ix);
                        x.attach(step);
                        y.attach(step);
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            NDArray[] l = model.loss(x, y);
                            gc.backward(l[0].add(l[1].mul(KL_WEIGHT)));
                        }
                        for (Linear layer : model.layers) {
                            update(adam, layer.name + ".w", layer.w);
                            update(adam, layer.name + ".b", layer.b);
                        }
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double[] test = model.test(m, testX, testY);
                System.out.printf(Locale.ROOT, "epoch %d: %.3f s, %.0f samples/s; test loss %.6f (mse %.6f, kl %.3f)%n",
                        epoch, seconds, nTrain / seconds, test[0] + KL_WEIGHT * test[1], test[0], test[1]);
            }
        }
    }

    /**
     * What DJL adds per op, as Python adds its own: the median over 20 rounds of 20,000 adds of
     * two 1-element tensors, each result closed. A step makes about 80 such calls.
     */
    static double callMicros(NDManager m) {
        double[] rounds = new double[20];
        try (NDManager sm = m.newSubManager()) {
            NDArray a = sm.create(new float[] {1f}), b = sm.create(new float[] {2f});
            for (int r = 0; r < rounds.length; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 20_000; i++) a.add(b).close();
                rounds[r] = (System.nanoTime() - t0) / 1e3 / 20_000;
            }
        }
        java.util.Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }

    /** optimizer.step() for one parameter, then its gradient zeroed for the next backward. */
    static void update(Adam adam, String id, NDArray param) {
        try (NDArray grad = param.getGradient()) {
            adam.update(id, param, grad);
            grad.subi(grad);
        }
    }

    /** Mean test {mse, kl} in batches of 1,000, without recording a graph. */
    double[] test(NDManager m, NDArray testX, NDArray testY) {
        int n = (int) testX.getShape().get(0);
        double mse = 0, kl = 0;
        for (int s = 0; s < n; s += 1000) {
            try (NDManager sm = m.newSubManager()) {
                NDArray x = testX.get(s + ":" + Math.min(n, s + 1000)), y = testY.get(s + ":" + Math.min(n, s + 1000));
                x.attach(sm);
                y.attach(sm);
                NDArray[] l = loss(x, y);
                int rows = (int) x.getShape().get(0);
                mse += l[0].getFloat() * rows;
                kl += l[1].getFloat() * rows;
            }
        }
        return new double[] {mse / n, kl / n};
    }

    static float[] oneHot(byte[] labels) {
        float[] out = new float[labels.length * CLASSES];
        for (int i = 0; i < labels.length; i++) out[i * CLASSES + labels[i]] = 1f;
        return out;
    }
}
