package cvae.harness.train;

import cvae.harness.data.Mnist;
import cvae.harness.model.Cvae;
import cvae.harness.model.ModelConfig;
import cvae.kernels.Backend;
import cvae.kernels.IndexBuffer;
import cvae.kernels.Tensor;

import java.nio.file.Path;

/** Test-set loss of a checkpoint ({@code ./harness eval}). */
public final class Evaluation {
    private Evaluation() {}

    /** Returns {test loss, test MSE, test KL}. */
    public static double[] evaluate(Path checkpoint, TrainConfig cfg, Backend be, Mnist.Dataset ds, boolean useMean) {
        int nTest = ds.test().count();
        int eb = Math.min(cfg.evalBatch(), nTest);
        try (Cvae model = new Cvae(be, cfg.model(), eb)) {
            Checkpoints.Restored r = Checkpoints.load(checkpoint, model, be, cfg);
            Tensor testX = be.tensor(nTest, ModelConfig.PIXELS), testY = be.tensor(nTest, ModelConfig.CLASSES);
            be.upload(testX, cfg.normalization().apply(ds.test().images()));
            be.upload(testY, Mnist.oneHot(ds.test().labels()));
            Trainer t = new Trainer(cfg, be, ds, checkpoint.getParent(), System.out);
            IndexBuffer order = be.indices(Trainer.identity(nTest));
            double[] v = t.evaluate(model, testX, testY, order, be.tensor(eb, ModelConfig.PIXELS),
                    be.tensor(eb, ModelConfig.CLASSES), nTest, useMean, Math.max(0, r.epochsDone() - 1));
            return new double[]{v[0] + cfg.klWeight() * v[1], v[0], v[1]};
        }
    }
}
