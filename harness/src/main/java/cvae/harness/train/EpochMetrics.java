package cvae.harness.train;

import cvae.harness.quality.SampleQuality;

import java.util.Locale;

/**
 * One row of metrics.csv. Train loss is the mean over the epoch's steps of the batch
 * loss (weights changing as it goes, as a PyTorch loop reports it); test loss is
 * measured after the epoch on the whole test set with sampled z; {@code gap} is test loss −
 * train loss. {@code quality} (null when not measured) judges the epoch's prior samples;
 * its columns are empty then.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainMse, double trainKl,
                           double testLoss, double testMse, double testKl,
                           double seconds, double samplesPerS, double evalSeconds, SampleQuality quality) {

    /** The loss columns, which every metrics.csv since the first has. */
    public static final String LOSS_HEADER =
            "epoch,train_loss,train_mse,train_kl,test_loss,test_mse,test_kl,seconds,samples_per_s,eval_seconds";
    public static final String HEADER = LOSS_HEADER + ",gap," + String.join(",", SampleQuality.COLUMNS);

    public double gap() { return testLoss - trainLoss; }

    /** The CSV row. Losses with 9 significant digits (float precision, so rows diff cleanly). */
    public String csv() {
        return String.format(Locale.ROOT, "%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.3f,%.1f,%.3f,%.9g,",
                epoch, trainLoss, trainMse, trainKl, testLoss, testMse, testKl, seconds, samplesPerS, evalSeconds, gap())
                + (quality != null ? quality.csv() : ",".repeat(SampleQuality.COLUMNS.size() - 1));
    }

    /** The same row without timings: what must be identical between two runs of the same seed. */
    public String deterministicPart() {
        return String.format(Locale.ROOT, "%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g", epoch, trainLoss, trainMse, trainKl, testLoss, testMse, testKl);
    }

    String logLine(int epochs) {
        return String.format(Locale.ROOT, "epoch %d/%d  train %.6f (mse %.6f kl %.2f)  test %.6f (mse %.6f kl %.2f)  %.2f s  %.0f samples/s",
                epoch, epochs - 1, trainLoss, trainMse, trainKl, testLoss, testMse, testKl, seconds, samplesPerS);
    }
}
