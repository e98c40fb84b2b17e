package cvae.harness.cli;

import cvae.harness.UserError;
import cvae.harness.data.Mnist;
import cvae.harness.io.SafeTensors;
import cvae.harness.train.Evaluation;
import cvae.harness.train.TrainConfig;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./harness eval}: the test loss, MSE and KL of a checkpoint. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Print the test loss, MSE and KL of a checkpoint.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint.safetensors written by train.")
    Path checkpoint;
    @Option(names = "--z", defaultValue = "sample", description = "sample (z = mu + sigma·eps) or mean (z = mu) (default ${DEFAULT-VALUE}).")
    String z;
    @Option(names = "--backend", description = "cpu, reference or cuda (default: cpu).") String backend = "cpu";
    @Option(names = "--threads", description = "Threads of the cpu backend; 0 = every core.") int threads;
    @Mixin DataOptions data;

    @Override public Integer call() {
        if (!z.equals("sample") && !z.equals("mean")) throw new UserError("--z " + z + ": expected 'sample' or 'mean'");
        if (!Files.isRegularFile(checkpoint)) throw new UserError(checkpoint + ": no such file");
        SafeTensors.Loaded l = SafeTensors.read(checkpoint);
        String yaml = l.metadata().get("config");
        TrainConfig cfg = yaml == null ? TrainConfig.defaults() : TrainConfigYaml.parse(yaml, checkpoint + " (metadata 'config')");
        cfg = cfg.with(java.util.Map.of("backend", backend, "threads", threads), "eval");
        Mnist.Dataset ds = data.load();
        try (Backend be = Backends.open(backend, cfg.resolvedThreads())) {
            double[] r = Evaluation.evaluate(checkpoint, cfg, be, ds, z.equals("mean"));
            System.out.printf(Locale.ROOT, "test_loss %.6f%ntest_mse %.6f%ntest_kl %.4f%n(w_KL %s, z = %s, %d test images, backend %s)%n",
                    r[0], r[1], r[2], TrainConfig.formatDouble(cfg.klWeight()), z.equals("mean") ? "mu" : "mu + sigma*eps",
                    ds.test().count(), be.name());
        }
        return 0;
    }
}
