package cvae.harness.cli;

import cvae.harness.data.Mnist;
import cvae.harness.train.TrainConfig;
import cvae.harness.train.Trainer;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./harness train}: one training run into a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the CVAE on MNIST and write config.yaml, metrics.csv, samples/, curves.png, run.json "
                + "and checkpoint.safetensors into --out.")
public final class TrainCommand implements Callable<Integer> {
    private static final TrainConfig D = TrainConfig.defaults();

    @Option(names = "--epochs", description = "Epochs (default ${DEFAULT-VALUE}).") int epochs = D.epochs();
    @Option(names = "--batch-size", description = "Batch size (default ${DEFAULT-VALUE}).") int batchSize = D.batchSize();
    @Option(names = "--lr", description = "Adam's learning rate (default ${DEFAULT-VALUE}).") double lr = D.lr();
    @Option(names = "--kl-weight", description = "w_KL, the weight of the KL term (default ${DEFAULT-VALUE}, the article's).") double klWeight = D.klWeight();
    @Option(names = "--seed", description = "Seed of initialisation, shuffling and eps (default ${DEFAULT-VALUE}).") long seed = D.seed();
    @Option(names = "--backend", description = "cpu, reference or cuda (default ${DEFAULT-VALUE}).") String backend = D.backend();
    @Option(names = "--threads", description = "Threads of the cpu backend; 0 = every core (default ${DEFAULT-VALUE}).") int threads = D.threads();
    @Option(names = "--latent", description = "Latent size L (default ${DEFAULT-VALUE}).") int latent = D.latent();
    @Option(names = "--encoder-hidden", description = "Encoder hidden units (default ${DEFAULT-VALUE}).") int encoderHidden = D.encoderHidden();
    @Option(names = "--prior-hidden", description = "Prior encoder hidden units (default ${DEFAULT-VALUE}).") int priorHidden = D.priorHidden();
    @Option(names = "--decoder-hidden", description = "Decoder hidden units (default ${DEFAULT-VALUE}).") int decoderHidden = D.decoderHidden();
    @Option(names = "--eval-batch", description = "Batch size of the test-set evaluation (default ${DEFAULT-VALUE}).") int evalBatch = D.evalBatch();
    @Option(names = "--sample-rows", description = "Rows of the per-epoch sample grid, 10 labels each (default ${DEFAULT-VALUE}).") int sampleRows = D.sampleRows();
    @Option(names = "--train-limit", description = "Use only the first N training images; 0 = all (default ${DEFAULT-VALUE}).") int trainLimit = D.trainLimit();
    @Option(names = "--test-limit", description = "Use only the first N test images; 0 = all (default ${DEFAULT-VALUE}).") int testLimit = D.testLimit();
    @Option(names = "--normalize", description = "Pixel scale the model sees: none ([0, 1]) or standard "
            + "(torchvision's (x - 0.1307) / 0.3081) (default ${DEFAULT-VALUE}).") String normalize = D.normalize();
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory to write.") Path out;
    @Option(names = "--no-quality", description = "Skip the sample-quality metrics (classifier accuracy, noise, background) per epoch.") boolean noQuality;
    @Option(names = "--classifier", paramLabel = "FILE", description = "The digit classifier that judges the samples "
            + "(default results/classifier/digit-mlp.safetensors; trained there first when missing).") Path classifier;
    @Option(names = "--quality-samples", description = "Prior samples per label for the quality metrics (default ${DEFAULT-VALUE}).") int qualitySamples = 100;
    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.") boolean resume;
    @Mixin DataOptions data;

    TrainConfig config() {
        return new TrainConfig(epochs, batchSize, lr, klWeight, seed, backend, threads, latent, encoderHidden,
                priorHidden, decoderHidden, evalBatch, sampleRows, trainLimit, testLimit, normalize).validate("train");
    }

    @Override public Integer call() throws Exception {
        TrainConfig cfg = config();
        if (qualitySamples <= 0)
            throw new cvae.harness.UserError("train: --quality-samples = " + qualitySamples + " is not valid: expected a positive count");
        // Only the default classifier is trained when missing; a named file that is not there is a typo, not a request.
        if (!noQuality && classifier != null && !java.nio.file.Files.isRegularFile(classifier))
            throw new cvae.harness.UserError("train: --classifier " + classifier + ": no such file (leave the option out to use, "
                    + "or train, the default " + Trainer.Quality.defaults().classifier() + ")");
        Trainer.checkOutputDir(out, resume);
        try (Backend be = Backends.open(cfg.backend(), cfg.resolvedThreads())) {   // a missing GPU fails first, at once
            Mnist.Dataset ds = data.load();
            System.out.println("backend " + be.describe() + "; writing " + out);
            Trainer.Quality q = noQuality ? null
                    : new Trainer.Quality(classifier != null ? classifier : Trainer.Quality.defaults().classifier(), qualitySamples);
            Trainer.Result r = new Trainer(cfg, be, ds, out, System.out).quality(q).run(resume);
            if (r.status() == Trainer.Status.DIVERGED) {
                System.err.println("diverged at epoch " + r.divergedAtEpoch() + " (loss not finite)");
                return 3;
            }
        }
        return 0;
    }
}
