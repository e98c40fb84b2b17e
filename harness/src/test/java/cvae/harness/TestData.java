package cvae.harness;

import cvae.harness.data.Mnist;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real MNIST for tests: data/mnist of the repository (`bin/harness test` fetches it first). */
public final class TestData {
    private static Mnist.Dataset cached;

    private TestData() {}

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("bin").resolve("harness"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
        return p;
    }

    /** The dataset, or the test is skipped with the reason when it has not been fetched. */
    public static synchronized Mnist.Dataset mnist() {
        if (cached == null) {
            Path dir = repoRoot().resolve("data").resolve("mnist");
            Assumptions.assumeTrue(Files.exists(dir.resolve(Mnist.TRAIN_IMAGES)),
                    "MNIST is not in " + dir + ": run `bin/harness data fetch` (bin/harness test does it)");
            cached = Mnist.load(dir);
        }
        return cached;
    }
}
