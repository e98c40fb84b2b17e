package cvae.harness.model;

import cvae.kernels.Backend;
import cvae.kernels.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static cvae.harness.model.ModelConfig.CLASSES;
import static cvae.kernels.Backend.Activation.RELU;
import static cvae.kernels.Backend.Activation.SIGMOID;
import static cvae.harness.model.ModelConfig.PIXELS;

/**
 * The article's CVAE with a learned, label-conditioned prior, and its whole training
 * step in {@link #step}: forward, loss, backward and Adam, op by op.
 *
 * <pre>
 * encoder  q(z|x,y):  [x|y] → fc1 → ReLU → fc2 → [mu | log_sigma]        (hq)
 * prior    p(z|y):      y   → fc1 → ReLU → fc2 → [pmu | log_psigma]      (hp)
 * decoder  p(x|z,y):  [z|y] → fc1 → ReLU → fc2 → sigmoid → x̂
 * loss = mean((x̂ − x)²) + w_KL · Σ KL(q ‖ p) / B
 * </pre>
 *
 * All activations are allocated once for the largest batch; a smaller (last) batch
 * uses row views of them.
 */
public final class Cvae implements AutoCloseable {
    /** Adam's constants (PyTorch's defaults). */
    public static final float BETA1 = 0.9f, BETA2 = 0.999f, ADAM_EPS = 1e-8f;
    /** Accumulator slots: summed per-sample MSE and summed KL since the last reset. */
    public static final int ACC_MSE = 0, ACC_KL = 1;

    public final ModelConfig config;
    private final Backend be;
    private final int maxBatch, latent;
    public final Linear encFc1, encFc2, priorFc1, priorFc2, decFc1, decFc2;
    private final List<Linear> layers;

    // activations (maxBatch rows) and their gradients
    private final Tensor xy, encH, hq, priH, hp, eps, z, zy, decH, xhat;
    private final Tensor dXhat, dDecH, dZ, dHq, dHp, dEncH, dPriH;
    /** Loss sums, on the backend so that a step needs no host round trip. */
    public final Tensor acc;
    private long adamSteps;

    public Cvae(Backend be, ModelConfig cfg, int maxBatch) {
        this.be = be;
        this.config = cfg;
        this.maxBatch = maxBatch;
        this.latent = cfg.latent();
        int l2 = 2 * latent;
        encFc1 = new Linear(be, "encoder.fc1", PIXELS + CLASSES, cfg.encoderHidden());
        encFc2 = new Linear(be, "encoder.fc2", cfg.encoderHidden(), l2);
        priorFc1 = new Linear(be, "prior.fc1", CLASSES, cfg.priorHidden());
        priorFc2 = new Linear(be, "prior.fc2", cfg.priorHidden(), l2);
        decFc1 = new Linear(be, "decoder.fc1", latent + CLASSES, cfg.decoderHidden());
        decFc2 = new Linear(be, "decoder.fc2", cfg.decoderHidden(), PIXELS);
        layers = List.of(encFc1, encFc2, priorFc1, priorFc2, decFc1, decFc2);
        int b = maxBatch;
        xy = be.tensor(b, PIXELS + CLASSES);
        encH = be.tensor(b, cfg.encoderHidden());
        hq = be.tensor(b, l2);
        priH = be.tensor(b, cfg.priorHidden());
        hp = be.tensor(b, l2);
        eps = be.tensor(b, latent);
        z = be.tensor(b, latent);
        zy = be.tensor(b, latent + CLASSES);
        decH = be.tensor(b, cfg.decoderHidden());
        xhat = be.tensor(b, PIXELS);
        dXhat = be.tensor(b, PIXELS);
        dDecH = be.tensor(b, cfg.decoderHidden());
        dZ = be.tensor(b, latent);
        dHq = be.tensor(b, l2);
        dHp = be.tensor(b, l2);
        dEncH = be.tensor(b, cfg.encoderHidden());
        dPriH = be.tensor(b, cfg.priorHidden());
        acc = be.tensor(1, 2);
    }

    public List<Linear> layers() { return layers; }

    public int maxBatch() { return maxBatch; }

    public long adamSteps() { return adamSteps; }

    public void setAdamSteps(long steps) { this.adamSteps = steps; }

    /** PyTorch's default initialisation, layer by layer, from one seeded stream. */
    public void initialise(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Linear l : layers) l.initialise(be, rng);
    }

    /**
     * One training step on a batch (x: B×784 in [0,1], y: B×10 one-hot) with the
     * normals of {@code epsStream}; adds the batch's summed MSE and KL to {@link #acc}.
     */
    public void trainStep(Tensor x, Tensor y, float klWeight, float lr, long seed, long epsStream) {
        trainStep(x, y, klWeight, lr, seed, epsStream, null);
    }

    /**
     * {@link #trainStep}, running {@code alongside} (null: nothing) beside one of the step's
     * small parts, on the backend it is handed (see {@link Backend#concurrently}): work that
     * touches none of the model's tensors, nor x and y, such as gathering the next batch.
     */
    public void trainStep(Tensor x, Tensor y, float klWeight, float lr, long seed, long epsStream, Consumer<Backend> alongside) {
        adamSteps++;
        float bc1 = (float) (1 - Math.pow(BETA1, adamSteps)), bc2 = (float) (1 - Math.pow(BETA2, adamSteps));
        batch.alongside = alongside;
        try {
            step(x, y, klWeight, seed, epsStream, true, lr, bc1, bc2);
        } finally {
            batch.alongside = null;
        }
    }

    /** Forward, loss and backward only: leaves every parameter's gradient in place (for the gradient check). */
    public void forwardBackward(Tensor x, Tensor y, float klWeight, long seed, long epsStream) {
        step(x, y, klWeight, seed, epsStream, false, 0f, 1f, 1f);
    }

    /**
     * The step itself. With {@code update}, each layer's Adam update (learning rate
     * {@code lr}, bias corrections {@code bc1}, {@code bc2}) runs with its weight gradient,
     * after the input gradient (the weights' last use in the step), while the fresh gradient
     * is still in cache. Each element's update is the same arithmetic as when every layer
     * is updated at the end, so the bits are the same.
     *
     * <p>Pairs of independent parts run concurrently ({@link Backend#concurrently}: on the
     * cpu backend each on one thread). In the forward, the encoder's head beside the prior
     * and the noise. In the backward, the decoder output layer's weights (gradient and Adam
     * step, half a millisecond at batch 64 on two threads) beside all the rest of the
     * backward: that is many small ops, which on two threads spent more time starting and
     * waiting than computing; on one thread they run back to back, and the encoder's first
     * layer's weights at their end. Whichever thread finishes first joins the other's
     * products, its weight gradients above all (see the cpu backend's concurrently). Inside
     * the rest, two more pairs (the decoder's first-layer update beside the latent gradients,
     * the encoder's head update beside the prior's backward) only mark what is independent:
     * on one thread they run in turn. Every op computes what it would alone, so the bits do
     * not change.
     */
    private void step(Tensor x, Tensor y, float klWeight, long seed, long epsStream, boolean update, float lr, float bc1, float bc2) {
        Batch v = batch.of(x, y, klWeight, seed, epsStream, update, lr, bc1, bc2);

        // ---- forward (each layer's bias and activation fused into its product) ----
        be.concatColumns(v.xy, x, y);
        encFc1.forward(be, v.encH, v.xy, RELU);
        be.concurrently(encoderHead, priorAndNoise);
        be.reparamForward(v.z, v.hq, v.eps);          // z = mu + sigma · eps
        be.concatColumns(v.zy, v.z, y);
        decFc1.forward(be, v.decH, v.zy, RELU);
        decFc2.forward(be, v.xhat, v.decH, SIGMOID);

        // ---- loss, then backward: each layer's input gradient, then its weights' ----
        be.mseSigmoidBackward(v.dXhat, v.xhat, x, acc, ACC_MSE);   // the loss's gradient through the sigmoid
        decFc2.inputGradient(be, v.dDecH, v.dXhat);
        be.concurrently(decoderOutputWeights, restOfBackward);
    }

    /**
     * The backward from the decoder's hidden layer down to the encoder's first layer, beside
     * the decoder output layer's weights (which nothing here reads or writes).
     */
    private void restOfBackward(Backend b) {
        Batch v = batch;
        b.reluBackward(v.dDecH, v.dDecH, v.decH);
        decFc1.inputGradient(b, v.dZ, v.dDecH);      // the gradient of z only: the label needs none
        b.concurrently(decoderInputWeights, latentGradients);
        encFc2.inputGradient(b, v.dEncH, v.dHq);
        b.concurrently(encoderHeadWeights, priorBackward);
        weights(b, encFc1, v.dEncH, v.xy);             // the input needs no gradient
    }

    /** A layer's weight and bias gradients, and with an update their Adam step (see Linear.weightGradients). */
    private void weights(Backend b, Linear layer, Tensor dY, Tensor x) {
        Batch v = batch;
        layer.weightGradients(b, dY, x, v.update, v.lr, BETA1, BETA2, ADAM_EPS, v.bc1, v.bc2);
    }

    private final Batch batch = new Batch();

    // The concurrent parts of the step, as objects made once (a lambda made in step would be garbage every step).
    private final Consumer<Backend> encoderHead = this::encoderHead, priorAndNoise = this::priorAndNoise,
            decoderOutputWeights = this::decoderOutputWeights, restOfBackward = this::restOfBackward,
            decoderInputWeights = this::decoderInputWeights, latentGradients = this::latentGradients,
            encoderHeadWeights = this::encoderHeadWeights, priorBackward = this::priorBackward;

    private void encoderHead(Backend b) { encFc2.forward(b, batch.hq, batch.encH); }   // [mu | log_sigma]

    private void priorAndNoise(Backend b) {
        Batch v = batch;
        priorFc1.forward(b, v.priH, v.y, RELU);
        priorFc2.forward(b, v.hp, v.priH);             // [prior_mu | log_prior_sigma]
        b.randomNormal(v.eps, v.seed, v.epsStream);
    }

    private void decoderOutputWeights(Backend b) { weights(b, decFc2, batch.dXhat, batch.decH); }

    private void decoderInputWeights(Backend b) { weights(b, decFc1, batch.dDecH, batch.zy); }

    private void latentGradients(Backend b) {
        Batch v = batch;
        b.reparamBackward(v.dHq, v.dZ, v.hq, v.eps);
        b.klForwardBackward(v.dHq, v.dHp, v.hq, v.hp, v.klWeight, acc, ACC_KL);
    }

    private void encoderHeadWeights(Backend b) {
        Batch v = batch;
        weights(b, encFc2, v.dHq, v.encH);
        b.reluBackward(v.dEncH, v.dEncH, v.encH);
    }

    private void priorBackward(Backend b) {
        Batch v = batch;
        priorFc2.inputGradient(b, v.dPriH, v.dHp);
        weights(b, priorFc2, v.dHp, v.priH);
        b.reluBackward(v.dPriH, v.dPriH, v.priH);
        weights(b, priorFc1, v.dPriH, v.y);          // the label needs no gradient
        if (v.alongside != null) v.alongside.accept(b);   // this part is the lighter of its pair
    }

    /** The step's arguments and its views of the activations (B rows), where the concurrent parts find them. */
    private final class Batch {
        Tensor y, xy, encH, hq, priH, hp, eps, z, zy, decH, xhat, dXhat, dDecH, dZ, dHq, dHp, dEncH, dPriH;
        float klWeight, lr, bc1, bc2;
        long seed, epsStream;
        boolean update;
        Consumer<Backend> alongside;

        Batch of(Tensor x, Tensor y, float klWeight, long seed, long epsStream, boolean update, float lr, float bc1, float bc2) {
            int b = x.rows();
            this.y = y;
            xy = Cvae.this.xy.rows(b); encH = Cvae.this.encH.rows(b); hq = Cvae.this.hq.rows(b); priH = Cvae.this.priH.rows(b);
            hp = Cvae.this.hp.rows(b); eps = Cvae.this.eps.rows(b); z = Cvae.this.z.rows(b); zy = Cvae.this.zy.rows(b);
            decH = Cvae.this.decH.rows(b); xhat = Cvae.this.xhat.rows(b);
            dXhat = Cvae.this.dXhat.rows(b); dDecH = Cvae.this.dDecH.rows(b); dZ = Cvae.this.dZ.rows(b);
            dHq = Cvae.this.dHq.rows(b); dHp = Cvae.this.dHp.rows(b); dEncH = Cvae.this.dEncH.rows(b); dPriH = Cvae.this.dPriH.rows(b);
            this.klWeight = klWeight; this.seed = seed; this.epsStream = epsStream;
            this.update = update; this.lr = lr; this.bc1 = bc1; this.bc2 = bc2;
            return this;
        }
    }

    /**
     * Evaluation on a batch: the same loss as training without updating anything.
     * With {@code useMean}, z = mu (no sampling); otherwise z is sampled with the
     * normals of {@code epsStream}.
     */
    public void evaluate(Tensor x, Tensor y, boolean useMean, long seed, long epsStream) {
        int b = x.rows();
        Tensor xy = this.xy.rows(b), encH = this.encH.rows(b), hq = this.hq.rows(b), priH = this.priH.rows(b),
                hp = this.hp.rows(b), eps = this.eps.rows(b), z = this.z.rows(b), zy = this.zy.rows(b),
                decH = this.decH.rows(b), xhat = this.xhat.rows(b);
        be.concatColumns(xy, x, y);
        encFc1.forward(be, encH, xy, RELU);
        encFc2.forward(be, hq, encH);
        priorFc1.forward(be, priH, y, RELU);
        priorFc2.forward(be, hp, priH);
        if (useMean) be.fill(eps, 0f);
        else be.randomNormal(eps, seed, epsStream);
        be.reparamForward(z, hq, eps);
        decode(xhat, z, y, zy, decH);
        be.mseForwardBackward(dXhat.rows(b), xhat, x, acc, ACC_MSE);
        Tensor dHq = this.dHq.rows(b);
        be.fill(dHq, 0f);
        be.klForwardBackward(dHq, dHp.rows(b), hq, hp, 0f, acc, ACC_KL);
    }

    /**
     * The article's {@code infer(y)}: z = prior_mu + prior_sigma · eps, x̂ = decoder(z, y).
     * Writes x̂ (B×784) into {@code out}.
     */
    public void infer(Tensor out, Tensor y, long seed, long epsStream) {
        int b = y.rows();
        Tensor priH = this.priH.rows(b), hp = this.hp.rows(b), eps = this.eps.rows(b), z = this.z.rows(b);
        priorFc1.forward(be, priH, y, RELU);
        priorFc2.forward(be, hp, priH);
        be.randomNormal(eps, seed, epsStream);
        be.reparamForward(z, hp, eps);
        decode(out, z, y, zy.rows(b), decH.rows(b));
    }

    private void decode(Tensor xhat, Tensor z, Tensor y, Tensor zy, Tensor decH) {
        be.concatColumns(zy, z, y);
        decFc1.forward(be, decH, zy, RELU);
        decFc2.forward(be, xhat, decH, SIGMOID);
    }

    /** Reads and clears the loss sums: {summed MSE, summed KL}. */
    public double[] takeLossSums() {
        float[] a = new float[2];
        be.download(a, acc);
        be.fill(acc, 0f);
        return new double[]{a[0], a[1]};
    }

    /**
     * Every parameter and Adam moment by name, in a stable order: {@code <layer>.weight},
     * {@code <layer>.bias}, then {@code optimizer.<layer>.weight.exp_avg} … The weight
     * tensors (and their moments) are the transposed Wt, in×out (see {@link Linear}).
     */
    public Map<String, Tensor> namedTensors(boolean withOptimizer) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Linear l : layers) {
            m.put(l.name + ".weight", l.weight);
            m.put(l.name + ".bias", l.bias);
        }
        if (withOptimizer)
            for (Linear l : layers) {
                m.put("optimizer." + l.name + ".weight.exp_avg", l.mWeight);
                m.put("optimizer." + l.name + ".weight.exp_avg_sq", l.vWeight);
                m.put("optimizer." + l.name + ".bias.exp_avg", l.mBias);
                m.put("optimizer." + l.name + ".bias.exp_avg_sq", l.vBias);
            }
        return m;
    }

    /** Gradients by parameter name (for the gradient check). */
    public Map<String, Tensor> namedGradients() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Linear l : layers) {
            m.put(l.name + ".weight", l.dWeight);
            m.put(l.name + ".bias", l.dBias);
        }
        return m;
    }

    @Override public void close() {}
}
