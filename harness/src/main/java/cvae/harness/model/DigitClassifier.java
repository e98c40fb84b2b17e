package cvae.harness.model;

import cvae.harness.UserError;
import cvae.harness.io.SafeTensors;
import cvae.kernels.Backend;
import cvae.kernels.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static cvae.harness.model.ModelConfig.CLASSES;
import static cvae.harness.model.ModelConfig.PIXELS;

/**
 * The independent judge of the samples: an MLP 784 → H → ReLU → H → ReLU → 10 trained on
 * the MNIST training set with the same backend ops as the CVAE, and softmax cross-entropy.
 *
 * <p>Every image is rescaled by its own minimum and maximum before the classifier sees it
 * ({@link #minMax}), in training as in use. MNIST digits already span [0, 1], so training is
 * almost unchanged; but a CVAE's sample is judged by its shape alone, whatever pixel scale
 * the model trained in (under {@code normalize: standard} a sigmoid decoder cannot reach
 * the data's black) and however bright it is.
 *
 * <p>The loss sits on the host: the logits are B×10, so downloading them costs nothing
 * next to the three products, and no backend needs a softmax op only for this.
 */
public final class DigitClassifier implements AutoCloseable {
    public static final String FORMAT = "cvae-harness digit classifier 1";
    public static final float BETA1 = 0.9f, BETA2 = 0.999f, ADAM_EPS = 1e-8f;

    public final int hidden;
    private final Backend be;
    private final int maxBatch;
    private final Linear fc1, fc2, fc3;
    private final List<Linear> layers;
    private final Tensor x, h1, h2, logits, dLogits, dH1, dH2;
    private long adamSteps;

    public DigitClassifier(Backend be, int hidden, int maxBatch) {
        this.be = be;
        this.hidden = hidden;
        this.maxBatch = maxBatch;
        fc1 = new Linear(be, "fc1", PIXELS, hidden);
        fc2 = new Linear(be, "fc2", hidden, hidden);
        fc3 = new Linear(be, "fc3", hidden, CLASSES);
        layers = List.of(fc1, fc2, fc3);
        x = be.tensor(maxBatch, PIXELS);
        h1 = be.tensor(maxBatch, hidden);
        h2 = be.tensor(maxBatch, hidden);
        logits = be.tensor(maxBatch, CLASSES);
        dLogits = be.tensor(maxBatch, CLASSES);
        dH1 = be.tensor(maxBatch, hidden);
        dH2 = be.tensor(maxBatch, hidden);
    }

    public int maxBatch() { return maxBatch; }

    /** PyTorch's default initialisation from one seeded stream, as the CVAE's. */
    public void initialise(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Linear l : layers) l.initialise(be, rng);
    }

    /** Each image (a row of 784) rescaled in place to [0, 1] by its own minimum and maximum; a constant image becomes 0. */
    public static void minMax(float[] images, int count) {
        for (int i = 0; i < count; i++) {
            int o = i * PIXELS;
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < PIXELS; p++) {
                lo = Math.min(lo, images[o + p]);
                hi = Math.max(hi, images[o + p]);
            }
            float span = hi - lo;
            for (int p = 0; p < PIXELS; p++) images[o + p] = span > 0 ? (images[o + p] - lo) / span : 0f;
        }
    }

    private void forward(Tensor in) {
        int b = in.rows();
        Tensor h1 = this.h1.rows(b), h2 = this.h2.rows(b), lg = this.logits.rows(b);
        fc1.forward(be, h1, in);
        be.reluForward(h1, h1);
        fc2.forward(be, h2, h1);
        be.reluForward(h2, h2);
        fc3.forward(be, lg, h2);
    }

    /**
     * One Adam step on a batch already on the backend ({@code in}: B×784, min-max scaled;
     * {@code labels}: its B labels). Returns {summed cross-entropy, correct predictions}
     * before the update.
     */
    public double[] trainStep(Tensor in, int[] labels, float lr) {
        int b = in.rows();
        forward(in);
        float[] lg = new float[b * CLASSES];
        be.download(lg, logits.rows(b));
        double loss = 0;
        int correct = 0;
        float[] grad = new float[b * CLASSES];
        for (int r = 0; r < b; r++) {
            int o = r * CLASSES;
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int k = 0; k < CLASSES; k++) if (lg[o + k] > max) { max = lg[o + k]; arg = k; }
            double sum = 0;
            for (int k = 0; k < CLASSES; k++) sum += Math.exp(lg[o + k] - max);
            loss += Math.log(sum) - (lg[o + labels[r]] - max);
            if (arg == labels[r]) correct++;
            for (int k = 0; k < CLASSES; k++)     // d(mean CE)/d logit = (softmax − one-hot) / B
                grad[o + k] = (float) ((Math.exp(lg[o + k] - max) / sum - (k == labels[r] ? 1 : 0)) / b);
        }
        Tensor dl = dLogits.rows(b), dh2 = dH2.rows(b), dh1 = dH1.rows(b);
        be.upload(dl, grad);
        fc3.backward(be, dh2, dl, h2.rows(b));
        be.reluBackward(dh2, dh2, h2.rows(b));
        fc2.backward(be, dh1, dh2, h1.rows(b));
        be.reluBackward(dh1, dh1, h1.rows(b));
        fc1.backward(be, null, dh1, in);
        adamSteps++;
        float bc1 = (float) (1 - Math.pow(BETA1, adamSteps)), bc2 = (float) (1 - Math.pow(BETA2, adamSteps));
        for (Linear l : layers) l.adam(be, lr, BETA1, BETA2, ADAM_EPS, bc1, bc2);
        return new double[]{loss, correct};
    }

    /** The predicted label of each of {@code count} images (rows of 784, any pixel scale; min-max scaled here). */
    public int[] predict(float[] images, int count) {
        float[] scaled = Arrays.copyOf(images, count * PIXELS);
        minMax(scaled, count);
        int[] out = new int[count];
        float[] lg = new float[maxBatch * CLASSES];
        for (int s = 0; s < count; s += maxBatch) {
            int b = Math.min(maxBatch, count - s);
            Tensor in = x.rows(b);
            be.upload(in, Arrays.copyOfRange(scaled, s * PIXELS, (s + b) * PIXELS));
            forward(in);
            be.download(lg.length == b * CLASSES ? lg : (lg = new float[b * CLASSES]), logits.rows(b));
            for (int r = 0; r < b; r++) {
                int arg = 0;
                for (int k = 1; k < CLASSES; k++) if (lg[r * CLASSES + k] > lg[r * CLASSES + arg]) arg = k;
                out[s + r] = arg;
            }
        }
        return out;
    }

    /** Writes the weights as safetensors (W out×in, as PyTorch's {@code nn.Linear}) with {@code meta}. */
    public void save(Path file, Map<String, String> meta) {
        LinkedHashMap<String, SafeTensors.TensorData> t = new LinkedHashMap<>();
        for (Linear l : layers) {
            float[] w = new float[l.in * l.out], b = new float[l.out];
            be.download(w, l.weight);
            be.download(b, l.bias);
            t.put(l.name + ".weight", new SafeTensors.TensorData(new int[]{l.out, l.in}, SafeTensors.transpose(w, l.in, l.out)));
            t.put(l.name + ".bias", new SafeTensors.TensorData(new int[]{l.out}, b));
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("hidden", Integer.toString(hidden));
        m.putAll(meta);
        SafeTensors.write(file, t, m);
    }

    /** A classifier saved by {@link #save}, on {@code be}. */
    public static DigitClassifier load(Backend be, Path file, int maxBatch) {
        SafeTensors.Loaded l = SafeTensors.read(file);
        if (!FORMAT.equals(l.metadata().get("format")))
            throw new UserError(file + ": not a digit classifier (metadata format is '" + l.metadata().get("format")
                    + "', expected '" + FORMAT + "')");
        int hidden;
        try {
            hidden = Integer.parseInt(l.metadata().get("hidden"));
        } catch (NumberFormatException e) {
            throw new UserError(file + ": metadata hidden = '" + l.metadata().get("hidden") + "' is not an integer");
        }
        DigitClassifier c = new DigitClassifier(be, hidden, maxBatch);
        for (Linear layer : c.layers) {
            SafeTensors.TensorData w = l.require(layer.name + ".weight", layer.out, layer.in);
            SafeTensors.TensorData b = l.require(layer.name + ".bias", layer.out);
            be.upload(layer.weight, SafeTensors.transpose(w.data(), layer.out, layer.in));
            be.upload(layer.bias, b.data());
        }
        return c;
    }

    @Override public void close() {}
}
