package cvae.harness.cli;

import cvae.harness.data.Mnist;
import cvae.harness.quality.Classifiers;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bin/harness classifier}: trains the digit classifier that judges the samples. */
@Command(name = "classifier", mixinStandardHelpOptions = true,
        description = "Train the digit classifier (an MLP on MNIST's training set) that the sample-quality metrics use, "
                + "and print its test accuracy. A run trains one by itself when the file is missing.")
public final class ClassifierCommand implements Callable<Integer> {
    private static final Classifiers.Settings D = Classifiers.Settings.defaults();

    @Option(names = "--out", paramLabel = "FILE", description = "Where to save it (default results/classifier/digit-mlp.safetensors).") Path out;
    @Option(names = "--hidden", description = "Units of each of the two hidden layers (default ${DEFAULT-VALUE}).") int hidden = D.hidden();
    @Option(names = "--epochs", description = "Epochs (default ${DEFAULT-VALUE}).") int epochs = D.epochs();
    @Option(names = "--batch-size", description = "Batch size (default ${DEFAULT-VALUE}).") int batch = D.batch();
    @Option(names = "--lr", description = "Adam's first learning rate (default ${DEFAULT-VALUE}).") double lr = D.lr();
    @Option(names = "--halve-every", description = "Halve the learning rate every N epochs (default ${DEFAULT-VALUE}).") int halveEvery = D.halveEvery();
    @Option(names = "--seed", description = "Seed (default ${DEFAULT-VALUE}).") long seed = D.seed();
    @Option(names = "--backend", description = "cpu, reference or cuda (default ${DEFAULT-VALUE}).") String backend = "cpu";
    @Option(names = "--threads", description = "Threads of the cpu backend; 0 = every core (default ${DEFAULT-VALUE}).") int threads = 0;
    @Mixin DataOptions data;

    @Override public Integer call() {
        for (var v : new long[][]{{hidden}, {epochs}, {batch}, {halveEvery}})
            if (v[0] <= 0) throw new cvae.harness.UserError("classifier: --hidden, --epochs, --batch-size and --halve-every must be positive");
        if (!(lr > 0)) throw new cvae.harness.UserError("classifier: --lr = " + lr + " is not valid: expected a positive number");
        Path file = out != null ? out : Classifiers.defaultFile();
        try (Backend be = Backends.open(backend, threads > 0 ? threads : Runtime.getRuntime().availableProcessors())) {
            Mnist.Dataset ds = data.load();
            Classifiers.train(be, ds, new Classifiers.Settings(hidden, epochs, batch, lr, halveEvery, seed), file, System.out::println);
        }
        return 0;
    }
}
