package cvae.harness.quality;

import cvae.harness.TestData;
import cvae.harness.UserError;
import cvae.harness.data.Mnist;
import cvae.harness.model.DigitClassifier;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The digit classifier: the committed one is good enough to judge samples, and training is deterministic. */
class ClassifierTest {
    static Path committed() { return TestData.repoRoot().resolve("results/classifier/digit-mlp.safetensors"); }

    @Test void theCommittedClassifierScoresAtLeast98PercentOnTheTestSet() {
        Mnist.Dataset ds = TestData.mnist();
        try (Backend be = Backends.open("cpu", 2)) {
            Classifiers.Loaded l = Classifiers.loadOrTrain(be, committed(), ds, 1000, line -> {});
            assertTrue(l.testAccuracy() >= 0.98, "test accuracy " + l.testAccuracy());
            assertEquals(64, l.sha256().length());
        }
    }

    @Test void trainingIsDeterministicAndLearns(@TempDir Path tmp) throws Exception {
        Mnist.Dataset ds = TestData.mnist();
        Classifiers.Settings s = new Classifiers.Settings(64, 1, 128, 1e-3, 4, 7);
        java.util.function.Consumer<String> quiet = line -> {};
        double a, b;
        try (Backend be = Backends.open("cpu", 2)) {
            a = Classifiers.train(be, ds, s, tmp.resolve("a.safetensors"), quiet);
        }
        try (Backend be = Backends.open("cpu", 1)) {
            b = Classifiers.train(be, ds, s, tmp.resolve("b.safetensors"), quiet);
        }
        assertTrue(a > 0.9, "one epoch of a small MLP should pass 90 %: " + a);
        assertEquals(a, b);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.safetensors")), Files.readAllBytes(tmp.resolve("b.safetensors")),
                "same seed, any thread count: the same file");
        assertTrue(Files.readString(tmp.resolve("a-training.csv")).startsWith("epoch,lr,train_loss,train_accuracy,test_accuracy"));
        // the saved file loads back and predicts as it did
        try (Backend be = Backends.open("cpu", 2)) {
            DigitClassifier c = DigitClassifier.load(be, tmp.resolve("a.safetensors"), 500);
            assertEquals(a, Classifiers.accuracy(c, ds.test()));
        }
    }

    @Test void aFileThatIsNotAClassifierIsRefusedByName(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.safetensors");
        cvae.harness.io.SafeTensors.write(f, new java.util.LinkedHashMap<>(), java.util.Map.of("format", "something else"));
        try (Backend be = Backends.open("cpu", 1)) {
            UserError e = assertThrows(UserError.class, () -> DigitClassifier.load(be, f, 10));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("not a digit classifier"), e.getMessage());
        }
    }

    @Test void minMaxScalesEachImageByItsOwnRange() {
        float[] x = new float[2 * 784];
        x[0] = -1f; x[1] = 3f; x[2] = 1f;                 // image 0: range −1..3
        java.util.Arrays.fill(x, 784, 2 * 784, 0.7f);    // image 1: constant
        DigitClassifier.minMax(x, 2);
        assertEquals(0f, x[0]);
        assertEquals(1f, x[1]);
        assertEquals(0.5f, x[2]);
        assertEquals(0.25f, x[3]);                        // a 0 pixel of image 0
        assertEquals(0f, x[784 + 10]);
    }
}
