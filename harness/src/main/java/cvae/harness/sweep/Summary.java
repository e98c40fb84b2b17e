package cvae.harness.sweep;

import cvae.harness.io.AtomicFiles;
import cvae.harness.train.EpochMetrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code summary.csv} and {@code summary.md}: one row per trial.
 *
 * <p>Columns of summary.csv: {@code trial}, the swept keys, then
 * {@code final_test_loss, best_test_loss, best_epoch, final_train_loss, gap, final_test_mse,
 * final_test_kl, final_cond_acc, status, epochs_done, diverged_at} (these are deterministic: an interrupted and
 * resumed sweep writes them identically to an uninterrupted one) and last the timing columns
 * {@code seconds, samples_per_s}, which are not. {@code gap} is final test loss minus final
 * train loss (the generalisation gap; train loss is the mean over the last epoch's steps);
 * {@code final_cond_acc} is the last epoch's classifier agreement on the prior samples (empty
 * when the run did not measure it);
 * {@code epochs_done} counts the recorded epochs; {@code seconds} sums the training and test
 * passes of the recorded epochs; losses have 9 significant digits as in metrics.csv.
 */
public final class Summary {
    public static final String CSV = "summary.csv", MD = "summary.md";
    public static final List<String> METRICS = List.of("final_test_loss", "best_test_loss", "best_epoch", "final_train_loss",
            "gap", "final_test_mse", "final_test_kl", "final_cond_acc", "status", "epochs_done", "diverged_at");
    public static final List<String> TIMING = List.of("seconds", "samples_per_s");

    private Summary() {}

    public static List<String> header(Results.Sweep s) {
        List<String> h = new ArrayList<>();
        h.add("trial");
        h.addAll(s.swept());
        h.addAll(METRICS);
        h.addAll(TIMING);
        return h;
    }

    public static List<String> row(Results.Sweep s, Results.Trial t) {
        List<String> r = new ArrayList<>();
        r.add(t.id());
        for (String k : s.swept()) r.add(t.params().getOrDefault(k, ""));
        EpochMetrics last = t.last(), best = t.best();
        r.add(last == null ? "" : g(last.testLoss()));
        r.add(best == null ? "" : g(best.testLoss()));
        r.add(best == null ? "" : Integer.toString(best.epoch()));
        r.add(last == null ? "" : g(last.trainLoss()));
        r.add(last == null ? "" : g(last.testLoss() - last.trainLoss()));
        r.add(last == null ? "" : g(last.testMse()));
        r.add(last == null ? "" : g(last.testKl()));
        r.add(last == null || last.quality() == null ? "" : String.format(Locale.ROOT, "%.6g", last.quality().accuracy()));
        r.add(t.status().label());
        r.add(Integer.toString(t.rows().size()));
        r.add(t.divergedAt() < 0 ? "" : Integer.toString(t.divergedAt()));
        r.add(t.rows().isEmpty() ? "" : String.format(Locale.ROOT, "%.1f", t.seconds()));
        r.add(t.rows().isEmpty() ? "" : String.format(Locale.ROOT, "%.1f", t.samplesPerS()));
        return r;
    }

    static String g(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }

    public static String csv(Results.Sweep s) {
        List<List<String>> rows = new ArrayList<>();
        for (Results.Trial t : s.trials()) rows.add(row(s, t));
        return Csv.write(header(s), rows);
    }

    /** A table for reading: swept values, losses with 6 significant digits, the best final test loss in bold. */
    public static String markdown(Results.Sweep s) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Sweep `").append(s.name()).append("`\n\n");
        sb.append(s.trials().size()).append(" trials: ").append(s.count(Results.Status.FINISHED)).append(" finished, ")
                .append(s.count(Results.Status.DIVERGED)).append(" diverged, ").append(s.count(Results.Status.INCOMPLETE))
                .append(" incomplete, ").append(s.count(Results.Status.PENDING)).append(" pending.");
        Results.Trial best = bestTrial(s);
        if (best != null)
            sb.append(" Lowest final test loss: **").append(f6(best.last().testLoss())).append("** (`").append(best.label(", ")).append("`).");
        sb.append("\n\n");
        List<String> cols = new ArrayList<>(s.swept());
        if (cols.isEmpty()) cols.add("trial");
        cols.addAll(List.of("final test loss", "best test loss", "best epoch", "final train loss", "gap", "test KL", "cond. acc.", "status", "epochs",
                "seconds", "samples/s"));
        sb.append("| ").append(String.join(" | ", cols)).append(" |\n|");
        for (String c : cols) sb.append(c.equals("status") ? " --- |" : " ---: |");
        sb.append('\n');
        for (Results.Trial t : s.trials()) {
            List<String> r = new ArrayList<>();
            if (s.swept().isEmpty()) r.add(t.id());
            for (String k : s.swept()) r.add(t.params().getOrDefault(k, ""));
            EpochMetrics last = t.last(), b = t.best();
            String fin = last == null ? "" : f6(last.testLoss());
            r.add(t == best ? "**" + fin + "**" : fin);
            r.add(b == null ? "" : f6(b.testLoss()));
            r.add(b == null ? "" : Integer.toString(b.epoch()));
            r.add(last == null ? "" : f6(last.trainLoss()));
            r.add(last == null ? "" : String.format(Locale.ROOT, "%+.6g", last.testLoss() - last.trainLoss()));
            r.add(last == null ? "" : String.format(Locale.ROOT, "%.4g", last.testKl()));
            r.add(last == null || last.quality() == null ? "" : String.format(Locale.ROOT, "%.3f", last.quality().accuracy()));
            r.add(t.status() == Results.Status.DIVERGED ? "diverged at epoch " + t.divergedAt() : t.status().label());
            r.add(Integer.toString(t.rows().size()));
            r.add(t.rows().isEmpty() ? "" : String.format(Locale.ROOT, "%.0f", t.seconds()));
            r.add(t.rows().isEmpty() ? "" : String.format(Locale.ROOT, "%.0f", t.samplesPerS()));
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        sb.append("\nLosses are per image: MSE over the 784 pixels + w_KL · KL. Train loss is the mean over the last epoch's steps; ")
                .append("test loss is measured after the epoch. gap = final test loss − final train loss. ")
                .append("cond. acc. = share of the last epoch's prior samples that the digit classifier reads as their label. ")
                .append("seconds = training and test passes of the recorded epochs. ")
                .append("Full precision in summary.csv; per-epoch curves in each trial's metrics.csv.\n");
        return sb.toString();
    }

    /** The trial with the lowest finite final test loss, or null. */
    static Results.Trial bestTrial(Results.Sweep s) {
        Results.Trial best = null;
        for (Results.Trial t : s.trials()) {
            EpochMetrics m = t.last();
            if (m != null && Double.isFinite(m.testLoss()) && (best == null || m.testLoss() < best.last().testLoss())) best = t;
        }
        return best;
    }

    static String f6(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    public static void write(Results.Sweep s) {
        AtomicFiles.writeString(s.dir().resolve(CSV), csv(s));
        AtomicFiles.writeString(s.dir().resolve(MD), markdown(s));
    }
}
