package cvae.harness.train;

import cvae.harness.UserError;
import cvae.harness.io.AtomicFiles;
import cvae.harness.quality.SampleQuality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** metrics.csv: written whole, atomically, after every epoch. */
public final class MetricsCsv {
    private static final int LOSS_COLUMNS = EpochMetrics.LOSS_HEADER.split(",").length;
    private MetricsCsv() {}

    public static void write(Path file, List<EpochMetrics> rows) throws IOException {
        StringBuilder sb = new StringBuilder(EpochMetrics.HEADER).append('\n');
        for (EpochMetrics m : rows) sb.append(m.csv()).append('\n');
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Reads the first {@code epochs} rows (a resumed run keeps those of finished epochs). */
    public static List<EpochMetrics> read(Path file, int epochs) throws IOException {
        List<EpochMetrics> out = new ArrayList<>();
        if (!Files.exists(file)) {
            if (epochs == 0) return out;
            throw new UserError(file + ": missing, but the checkpoint says " + epochs + " epochs are done");
        }
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).startsWith("epoch,"))
            throw new UserError(file + ":1: expected the header '" + EpochMetrics.HEADER + "'");
        for (int i = 1; i < lines.size() && out.size() < epochs; i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                // Rows written before the quality columns existed end after eval_seconds; the
                // quality columns start after the loss columns and gap.
                int q = LOSS_COLUMNS + 1;
                SampleQuality quality = f.length >= q + SampleQuality.COLUMNS.size() && !f[q].isEmpty()
                        ? SampleQuality.parse(f, q) : null;
                out.add(new EpochMetrics(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]),
                        d(f[7]), d(f[8]), f.length > 9 ? d(f[9]) : Double.NaN, quality));
            } catch (RuntimeException e) {
                throw new UserError(file + ":" + (i + 1) + ": cannot read the row '" + lines.get(i) + "'");
            }
        }
        if (out.size() < epochs)
            throw new UserError(file + ": has " + out.size() + " epochs, the checkpoint says " + epochs + " are done");
        return out;
    }

    private static double d(String s) { return Double.parseDouble(s); }
}
