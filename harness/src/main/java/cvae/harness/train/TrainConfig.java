package cvae.harness.train;

import cvae.harness.UserError;
import cvae.harness.model.ModelConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that decides a training run's curve. Written to {@code config.yaml} in
 * full, and the keys are those an experiment file may set (snake_case; the CLI spells
 * them with dashes).
 */
public record TrainConfig(
        int epochs, int batchSize, double lr, double klWeight, long seed, String backend, int threads,
        int latent, int encoderHidden, int priorHidden, int decoderHidden,
        int evalBatch, int sampleRows, int trainLimit, int testLimit, String normalize) {

    /** The article's hyper-parameters and SPEC.md's layer sizes. */
    public static TrainConfig defaults() {
        return new TrainConfig(16, 64, 1e-3, 1e-5, 0, "cpu", 0, 20, 512, 128, 512, 1000, 1, 0, 0, "none");
    }

    public static final List<String> KEYS = List.of("epochs", "batch_size", "lr", "kl_weight", "seed", "backend", "threads",
            "latent", "encoder_hidden", "prior_hidden", "decoder_hidden", "eval_batch", "sample_rows", "train_limit", "test_limit", "normalize");

    /**
     * Keys added after results were first committed, with the value every earlier run had.
     * A trial's identity leaves such a key out while it holds that value, so that older sweep
     * manifests and trial ids still match.
     */
    public static final Map<String, Object> LATER_KEYS = Map.of("normalize", "none");

    /** How pixels are scaled before the model sees them (see {@link Normalization}). */
    public Normalization normalization() { return Normalization.of(normalize); }

    public ModelConfig model() { return new ModelConfig(latent, encoderHidden, priorHidden, decoderHidden); }

    /** Threads the cpu backend will use: {@code threads}, or every core when 0. */
    public int resolvedThreads() { return threads > 0 ? threads : Runtime.getRuntime().availableProcessors(); }

    /** Checks every value; the message names the key, the value and what was expected. */
    public TrainConfig validate(String where) {
        positive(where, "epochs", epochs);
        positive(where, "batch_size", batchSize);
        if (!(lr > 0) || !Double.isFinite(lr)) throw bad(where, "lr", lr, "a positive number");
        if (!(klWeight >= 0) || !Double.isFinite(klWeight)) throw bad(where, "kl_weight", klWeight, "a number >= 0");
        if (threads < 0) throw bad(where, "threads", threads, "0 (all cores) or a positive count");
        positive(where, "latent", latent);
        positive(where, "encoder_hidden", encoderHidden);
        positive(where, "prior_hidden", priorHidden);
        positive(where, "decoder_hidden", decoderHidden);
        positive(where, "eval_batch", evalBatch);
        positive(where, "sample_rows", sampleRows);
        if (trainLimit < 0) throw bad(where, "train_limit", trainLimit, "0 (all 60000 images) or a positive count");
        if (testLimit < 0) throw bad(where, "test_limit", testLimit, "0 (all 10000 images) or a positive count");
        if (!List.of("cpu", "reference", "cuda").contains(backend)) throw bad(where, "backend", backend, "one of cpu, reference, cuda");
        if (!Normalization.MODES.contains(normalize)) throw bad(where, "normalize", normalize, "one of " + String.join(", ", Normalization.MODES));
        return this;
    }

    private static void positive(String where, String key, long v) {
        if (v <= 0) throw bad(where, key, v, "a positive integer");
    }

    private static UserError bad(String where, String key, Object value, String expected) {
        return new UserError(where + ": " + key + " = " + value + " is not valid: expected " + expected);
    }

    /** The configuration as an ordered map, for config.yaml and trial ids. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("lr", lr);
        m.put("kl_weight", klWeight);
        m.put("seed", seed);
        m.put("backend", backend);
        m.put("threads", threads);
        m.put("latent", latent);
        m.put("encoder_hidden", encoderHidden);
        m.put("prior_hidden", priorHidden);
        m.put("decoder_hidden", decoderHidden);
        m.put("eval_batch", evalBatch);
        m.put("sample_rows", sampleRows);
        m.put("train_limit", trainLimit);
        m.put("test_limit", testLimit);
        m.put("normalize", normalize);
        return m;
    }

    /**
     * This configuration with the given keys replaced. Values may be numbers or strings
     * as a YAML parser gives them; a wrong type or unknown key is a {@link UserError}
     * naming {@code where}, the key and the nearest valid key.
     */
    public TrainConfig with(Map<String, ?> overrides, String where) {
        Map<String, Object> m = toMap();
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            String k = e.getKey();
            if (!m.containsKey(k)) throw new UserError(where + ": unknown key '" + k + "'" + suggest(k));
            Object v = e.getValue();
            Object cur = m.get(k);
            m.put(k, coerce(where, k, v, cur));
        }
        return new TrainConfig(
                (Integer) m.get("epochs"), (Integer) m.get("batch_size"), (Double) m.get("lr"), (Double) m.get("kl_weight"),
                (Long) m.get("seed"), (String) m.get("backend"), (Integer) m.get("threads"), (Integer) m.get("latent"),
                (Integer) m.get("encoder_hidden"), (Integer) m.get("prior_hidden"), (Integer) m.get("decoder_hidden"),
                (Integer) m.get("eval_batch"), (Integer) m.get("sample_rows"), (Integer) m.get("train_limit"),
                (Integer) m.get("test_limit"), (String) m.get("normalize"));
    }

    private static Object coerce(String where, String key, Object v, Object current) {
        try {
            if (current instanceof Integer) {
                if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE)
                    return n.intValue();
                if (v instanceof String s) return Integer.parseInt(s.trim());
            } else if (current instanceof Long) {
                if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
                if (v instanceof String s) return Long.parseLong(s.trim());
            } else if (current instanceof Double) {
                if (v instanceof Number n) return n.doubleValue();
                if (v instanceof String s) return Double.parseDouble(s.trim());
            } else if (current instanceof String) {
                if (v instanceof String s) return s;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        String type = current instanceof Integer ? "an integer" : current instanceof Long ? "an integer"
                : current instanceof Double ? "a number" : "a string";
        throw new UserError(where + ": " + key + " = " + v + " has the wrong type: expected " + type);
    }

    /** " (did you mean 'x'?)" for the valid key nearest to an unknown one. */
    public static String suggest(String unknown) {
        String best = KEYS.stream().min(Comparator.comparingInt(k -> distance(k, unknown.replace('-', '_')))).orElseThrow();
        return distance(best, unknown.replace('-', '_')) <= Math.max(3, best.length() / 2) ? " (did you mean '" + best + "'?)"
                : " (valid keys: " + String.join(", ", KEYS) + ")";
    }

    /** Levenshtein distance, for suggesting the nearest valid key. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    /** config.yaml text: one "key: value" line per key, in a stable order. */
    public String toYaml() {
        List<String> lines = new ArrayList<>();
        lines.add("# resolved configuration of this run (every key the train command accepts)");
        for (Map.Entry<String, Object> e : toMap().entrySet()) {
            Object v = e.getValue();
            lines.add(e.getKey() + ": " + (v instanceof Double d ? formatDouble(d) : v));
        }
        return String.join("\n", lines) + "\n";
    }

    /** Shortest text that reads back as the same double (1.0E-5 becomes 1.0e-05). */
    public static String formatDouble(double d) {
        String s = Double.toString(d);
        return s.contains("E") ? s.replace("E", "e") : s;
    }
}
