package cvae.harness.quality;

import cvae.harness.UserError;
import cvae.harness.data.Mnist;
import cvae.harness.io.AtomicFiles;
import cvae.harness.model.DigitClassifier;
import cvae.harness.model.ModelConfig;
import cvae.harness.train.RunInfo;
import cvae.harness.train.Shuffle;
import cvae.kernels.Backend;
import cvae.kernels.IndexBuffer;
import cvae.kernels.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Training, testing and finding the digit classifier that judges the CVAE's samples.
 * The committed one is {@code results/classifier/digit-mlp.safetensors}; a run that needs a
 * classifier and finds none trains it there first (deterministic: the same seed, backend
 * and threads give the same file), and says so.
 */
public final class Classifiers {
    private Classifiers() {}

    /** How the classifier is trained; the defaults reach about 98.4 % test accuracy. */
    public record Settings(int hidden, int epochs, int batch, double lr, int halveEvery, long seed) {
        public static Settings defaults() { return new Settings(512, 16, 128, 1e-3, 4, 0); }

        /** The learning rate of epoch {@code e}: halved every {@code halveEvery} epochs. */
        public double lr(int e) { return lr * Math.pow(0.5, e / halveEvery); }
    }

    /** The classifier a run uses unless told otherwise. */
    public static Path defaultFile() {
        return RunInfo.home().resolve("results").resolve("classifier").resolve("digit-mlp.safetensors");
    }

    /** A loaded classifier with what a run records about it. */
    public record Loaded(DigitClassifier classifier, Path file, String sha256, double testAccuracy) {}

    /**
     * The classifier in {@code file}; when the file does not exist, one trained now with the
     * default settings and saved there. Its test accuracy is measured again, not trusted
     * from the file.
     */
    public static Loaded loadOrTrain(Backend be, Path file, Mnist.Dataset ds, int maxBatch, Consumer<String> log) {
        if (!Files.exists(file)) {
            log.accept("no digit classifier at " + file + ": training one (" + Settings.defaults() + ")");
            train(be, ds, Settings.defaults(), file, log);
        }
        DigitClassifier c = DigitClassifier.load(be, file, maxBatch);
        double acc = accuracy(c, ds.test());
        return new Loaded(c, file, sha256(file), acc);
    }

    /** Trains a classifier on the training set, prints each epoch's test accuracy, saves it to {@code file}. */
    public static double train(Backend be, Mnist.Dataset ds, Settings s, Path file, Consumer<String> log) {
        int n = ds.train().count(), batch = s.batch();
        try (DigitClassifier c = new DigitClassifier(be, s.hidden(), Math.max(batch, 1000))) {
            c.initialise(s.seed());
            float[] images = ds.train().images().clone();
            DigitClassifier.minMax(images, n);
            Tensor all = be.tensor(n, ModelConfig.PIXELS), x = be.tensor(batch, ModelConfig.PIXELS);
            be.upload(all, images);
            byte[] labels = ds.train().labels();
            StringBuilder csv = new StringBuilder("epoch,lr,train_loss,train_accuracy,test_accuracy,seconds\n");
            double acc = 0;
            for (int e = 0; e < s.epochs(); e++) {
                long t0 = System.nanoTime();
                int[] order = Shuffle.permutation(n, s.seed(), e);
                IndexBuffer idx = be.indices(order);
                double loss = 0, correct = 0;
                for (int off = 0; off < n; off += batch) {
                    int b = Math.min(batch, n - off);
                    int[] y = new int[b];
                    for (int r = 0; r < b; r++) y[r] = labels[order[off + r]];
                    be.gatherRows(x.rows(b), all, idx, off);
                    double[] r = c.trainStep(x.rows(b), y, (float) s.lr(e));
                    loss += r[0];
                    correct += r[1];
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                acc = accuracy(c, ds.test());
                String row = String.format(Locale.ROOT, "%d,%s,%.6f,%.5f,%.5f,%.2f", e, s.lr(e), loss / n, correct / n, acc, seconds);
                csv.append(row).append('\n');
                log.accept("classifier epoch " + row.replace(",", "  "));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("test_accuracy", String.format(Locale.ROOT, "%.5f", acc));
            meta.put("settings", s.toString());
            meta.put("backend", be.name());     // not describe(): the thread count does not change the weights
            meta.put("dataset_sha256", ds.sha256().toString());
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UserError(file.getParent() + ": cannot create the folder: " + e.getMessage());
            }
            c.save(file, meta);
            AtomicFiles.writeString(file.resolveSibling(stem(file) + "-training.csv"), csv.toString());
            log.accept(String.format(Locale.ROOT, "digit classifier: test accuracy %.2f %%, saved to %s", 100 * acc, file));
            return acc;
        }
    }

    /** The share of the split's images that {@code c} labels correctly. */
    public static double accuracy(DigitClassifier c, Mnist.Split split) {
        int[] pred = c.predict(split.images(), split.count());
        int ok = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == split.labels()[i]) ok++;
        return (double) ok / pred.length;
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
