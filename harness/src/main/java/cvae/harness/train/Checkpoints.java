package cvae.harness.train;

import cvae.harness.UserError;
import cvae.harness.io.SafeTensors;
import cvae.harness.model.Cvae;
import cvae.kernels.Backend;
import cvae.kernels.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * checkpoint.safetensors: the standard safetensors format, so that other tools
 * (PyTorch's {@code safetensors.torch.load_file}) read the weights. Tensor names and
 * shapes follow PyTorch's {@code nn.Linear}: {@code encoder.fc1.weight} is out×in,
 * {@code encoder.fc1.bias} is 1-D; Adam's moments are stored as
 * {@code optimizer.<param>.exp_avg} and {@code .exp_avg_sq}. The metadata holds the
 * number of finished epochs, Adam's step count and the run's configuration.
 */
public final class Checkpoints {
    public static final String FORMAT = "cvae-harness checkpoint 1";

    private Checkpoints() {}

    public record Restored(int epochsDone, long adamSteps, Map<String, String> metadata) {}

    public static void save(Path file, Cvae model, Backend be, TrainConfig cfg, int epochsDone) {
        LinkedHashMap<String, SafeTensors.TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.namedTensors(true).entrySet()) {
            Tensor t = e.getValue();
            float[] v = new float[(int) t.size()];
            be.download(v, t);
            if (isWeight(e.getKey()))          // the backend holds Wt (in×out); the file holds W (out×in)
                tensors.put(e.getKey(), new SafeTensors.TensorData(new int[]{t.cols(), t.rows()}, SafeTensors.transpose(v, t.rows(), t.cols())));
            else
                tensors.put(e.getKey(), new SafeTensors.TensorData(new int[]{t.cols()}, v));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("epochs_done", Integer.toString(epochsDone));
        meta.put("adam_steps", Long.toString(model.adamSteps()));
        meta.put("config", cfg.toYaml());
        SafeTensors.write(file, tensors, meta);
    }

    /** Loads weights (and Adam's state, when present) into {@code model}. */
    public static Restored load(Path file, Cvae model, Backend be, TrainConfig cfg) {
        SafeTensors.Loaded l = SafeTensors.read(file);
        boolean withOptimizer = l.tensors().keySet().stream().anyMatch(k -> k.startsWith("optimizer."));
        for (Map.Entry<String, Tensor> e : model.namedTensors(withOptimizer).entrySet()) {
            Tensor t = e.getValue();
            SafeTensors.TensorData d = l.tensors().get(e.getKey());
            if (d == null) throw new UserError(file + ": has no tensor '" + e.getKey() + "' (is it a checkpoint of this model?)");
            int[] want = isWeight(e.getKey()) ? new int[]{t.cols(), t.rows()} : new int[]{t.cols()};
            if (!Arrays.equals(d.shape(), want))
                throw new UserError(file + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(d.shape())
                        + ", the configured model needs " + Arrays.toString(want)
                        + " (check latent, encoder_hidden, prior_hidden, decoder_hidden)");
            be.upload(t, isWeight(e.getKey()) ? SafeTensors.transpose(d.data(), t.cols(), t.rows()) : d.data());
        }
        Map<String, String> meta = l.metadata();
        int epochs = parse(file, meta, "epochs_done", 0);
        long steps = parse(file, meta, "adam_steps", 0);
        model.setAdamSteps(steps);
        return new Restored(epochs, steps, meta);
    }

    /** Weights and their Adam moments are matrices; biases and theirs are vectors. */
    static boolean isWeight(String name) { return name.endsWith(".weight") || name.contains(".weight."); }

    private static int parse(Path file, Map<String, String> meta, String key, int dflt) {
        String v = meta.get(key);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError(file + ": metadata " + key + " = '" + v + "' is not an integer");
        }
    }
}
