package cvae.harness.sweep;

import cvae.harness.io.AtomicFiles;
import cvae.harness.plot.LinePlot;
import cvae.harness.plot.Png;
import cvae.harness.quality.SampleQuality;
import cvae.harness.train.ConfusionCsv;
import cvae.harness.train.EpochMetrics;
import cvae.harness.train.Normalization;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The numbers behind {@code results/findings.md}, rebuilt from run directories
 * ({@code bin/harness findings}): for a results folder, its trials grouped by every swept
 * key but {@code seed}, and per group and epoch the mean over seeds (and the range) of the
 * losses and of every sample-quality metric; written as {@code findings.md} tables and a
 * {@code findings.png} of small multiples into that folder.
 */
public final class Findings {
    public static final String MD = "findings.md", PNG = "findings.png";

    private Findings() {}

    /** One metric of an epoch: how to read it from a row (and, for the 0→8 share, the confusion matrices). */
    record Metric(String name, String header, String format, ToDoubleFunction<Row> value) {}

    /** An epoch of one trial, with its confusion matrix when recorded. */
    record Row(EpochMetrics m, int[][] confusion, Normalization norm) {
        SampleQuality q() { return m.quality(); }
    }

    static final List<Metric> METRICS = List.of(
            new Metric("test loss", "test loss", "%.5f", r -> r.m().testLoss()),
            new Metric("gap", "gap (test − train)", "%+.5f", r -> r.m().gap()),
            new Metric("classifier agrees", "cond. acc.", "%.3f", r -> q(r, SampleQuality::accuracy)),
            new Metric("label 0 read as 0", "acc. 0", "%.2f", r -> q(r, q -> q.labelAccuracy()[0])),
            new Metric("label 0 read as 8", "0 → 8", "%.2f", r -> r.confusion() == null ? Double.NaN
                    : r.confusion()[0][8] / (double) java.util.Arrays.stream(r.confusion()[0]).sum()),
            new Metric("total variation / real", "TV / real", "%.3f", r -> q(r, q -> q.tv() / q.realTv())),
            new Metric("high-frequency energy / real", "HF / real", "%.3f", r -> q(r, q -> q.hf() / q.realHf())),
            // in [0, 1] pixel units whatever the model's scale, so that the two scales read alike
            new Metric("background (pixel value)", "background", "%.4f",
                    r -> q(r, q -> q.background() * r.norm().std() + r.norm().mean())),
            new Metric("background as drawn (0 light, 1 dark)", "drawn bg", "%.3f", r -> q(r, SampleQuality::renderedBackground)));

    private static double q(Row r, ToDoubleFunction<SampleQuality> f) {
        return r.q() == null ? Double.NaN : f.applyAsDouble(r.q());
    }

    /** Writes findings.md and findings.png into the sweep's folder; returns the markdown. */
    public static String write(Results.Sweep s) throws IOException {
        Map<String, List<List<Row>>> groups = groups(s);
        StringBuilder md = new StringBuilder("# " + s.name() + ": per-epoch means over seeds\n\n");
        md.append("Rebuilt by `bin/harness findings ").append(s.dir().getFileName()).append("` from the run directories. ")
                .append("Each cell is the mean over the group's seeds, with the lowest and highest seed in brackets where they differ ")
                .append("by more than the shown precision. `background` is in pixel units ([0, 1], whatever the model's scale); ")
                .append("`drawn bg` is its position on the colour map of the article's plot (0 = lightest).\n");
        overview(md, groups);
        if (groups.size() > MAX_DETAILED) {
            md.append("\n").append(groups.size()).append(" groups: per-epoch tables are left out (more than ").append(MAX_DETAILED)
                    .append("); every trial's metrics.csv has them.\n");
            groups = Map.of();
        }
        for (Map.Entry<String, List<List<Row>>> g : groups.entrySet()) {
            List<List<Row>> trials = g.getValue();
            md.append("\n## ").append(g.getKey().isEmpty() ? "all trials" : g.getKey()).append(" (").append(trials.size())
                    .append(trials.size() == 1 ? " seed" : " seeds").append(")\n\n| epoch |");
            for (Metric m : METRICS) md.append(' ').append(m.header()).append(" |");
            md.append("\n| ---: |").append(" ---: |".repeat(METRICS.size())).append('\n');
            int epochs = trials.stream().mapToInt(List::size).min().orElse(0);
            for (int e = 0; e < epochs; e++) {
                md.append("| ").append(e).append(" |");
                for (Metric m : METRICS) md.append(' ').append(cell(trials, e, m)).append(" |");
                md.append('\n');
            }
            confusion(md, trials, epochs - 1);
        }
        AtomicFiles.writeString(s.dir().resolve(MD), md.toString());
        Map<String, List<List<Row>>> all = groups(s);
        if (all.size() <= MAX_PLOTTED) Png.write(s.dir().resolve(PNG), plot(s.name(), all));
        return md.toString();
    }

    static final int MAX_DETAILED = 4, MAX_PLOTTED = 8;
    static final int[] OVERVIEW_EPOCHS = {0, 1, 3, 7, 11, 15, 23, 31, 47, 63};

    /**
     * One row per group: test loss at a few epochs (how fast it converges), then at the last
     * epoch the gap, the classifier's agreement and the epoch of the lowest test loss.
     */
    static void overview(StringBuilder md, Map<String, List<List<Row>>> groups) {
        int epochs = groups.values().stream().flatMap(List::stream).mapToInt(List::size).min().orElse(0);
        if (epochs == 0) {
            md.append("\nNo trial has finished an epoch yet.\n");
            return;
        }
        md.append("\n## Overview\n\n");
        if (groups.values().stream().flatMap(List::stream).mapToInt(List::size).max().orElse(0) > epochs)
            md.append("Some trials are unfinished: the overview stops at the epochs every trial has.\n\n");
        md.append("| group |");
        List<Integer> shown = new ArrayList<>();
        for (int e : OVERVIEW_EPOCHS) if (e < epochs - 1) shown.add(e);
        if (epochs > 0) shown.add(epochs - 1);
        for (int e : shown) md.append(" test loss ep. ").append(e).append(" |");
        md.append(" gap ep. ").append(epochs - 1).append(" | cond. acc. ep. ").append(epochs - 1).append(" | best epoch |\n| --- |")
                .append(" ---: |".repeat(shown.size() + 3)).append('\n');
        Metric loss = METRICS.get(0), gap = METRICS.get(1), acc = METRICS.get(2);
        for (Map.Entry<String, List<List<Row>>> g : groups.entrySet()) {
            md.append("| ").append(g.getKey().isEmpty() ? "all" : g.getKey()).append(" |");
            for (int e : shown) md.append(' ').append(cell(g.getValue(), e, loss)).append(" |");
            md.append(' ').append(cell(g.getValue(), epochs - 1, gap)).append(" |");
            md.append(' ').append(cell(g.getValue(), epochs - 1, acc)).append(" |");
            List<String> best = new ArrayList<>();
            for (List<Row> t : g.getValue()) {
                int b = 0;
                for (int e = 1; e < t.size(); e++) if (t.get(e).m().testLoss() < t.get(b).m().testLoss()) b = e;
                best.add(Integer.toString(b));
            }
            md.append(' ').append(String.join(", ", best)).append(" |\n");
        }
    }

    /** The classifier's confusion matrix at {@code epoch}, summed over the group's seeds: what each label's samples were read as. */
    static void confusion(StringBuilder md, List<List<Row>> trials, int epoch) {
        int[][] sum = new int[10][10];
        int n = 0;
        for (List<Row> t : trials) {
            if (epoch < 0 || epoch >= t.size() || t.get(epoch).confusion() == null) continue;
            int[][] c = t.get(epoch).confusion();
            for (int k = 0; k < 10; k++) for (int j = 0; j < 10; j++) sum[k][j] += c[k][j];
            n++;
        }
        if (n == 0) return;
        md.append("\nWhat the classifier read the samples of each label as, epoch ").append(epoch).append(", summed over ")
                .append(n).append(n == 1 ? " seed" : " seeds").append(" (rows: the label asked for; columns: the digit read):\n\n| label |");
        for (int j = 0; j < 10; j++) md.append(" → ").append(j).append(" |");
        md.append("\n| ---: |").append(" ---: |".repeat(10)).append('\n');
        for (int k = 0; k < 10; k++) {
            md.append("| ").append(k).append(" |");
            for (int j = 0; j < 10; j++) md.append(' ').append(j == k ? "**" + sum[k][j] + "**" : Integer.toString(sum[k][j])).append(" |");
            md.append('\n');
        }
    }

    /** Trials grouped by their swept values other than the seed, in table order; each trial's rows by epoch. */
    static Map<String, List<List<Row>>> groups(Results.Sweep s) {
        Map<String, List<List<Row>>> out = new LinkedHashMap<>();
        for (Results.Trial t : s.trials()) {
            List<String> key = new ArrayList<>();
            for (Map.Entry<String, String> p : t.params().entrySet())
                if (!p.getKey().equals("seed")) key.add(p.getKey() + " = " + p.getValue());
            Path conf = s.dir().resolve(t.id()).resolve(ConfusionCsv.FILE);
            Map<Integer, int[][]> c = Files.exists(conf) ? ConfusionCsv.parse(conf) : Map.of();
            List<Row> rows = new ArrayList<>();
            for (EpochMetrics m : t.rows()) rows.add(new Row(m, c.get(m.epoch()), t.config().normalization()));
            if (rows.isEmpty()) continue;               // a pending trial has nothing to show yet
            out.computeIfAbsent(String.join(", ", key), k -> new ArrayList<>()).add(rows);
        }
        return out;
    }

    static String cell(List<List<Row>> trials, int epoch, Metric m) {
        double sum = 0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (List<Row> t : trials) {
            if (epoch < 0 || epoch >= t.size()) continue;    // an unfinished trial
            double v = m.value().applyAsDouble(t.get(epoch));
            if (Double.isNaN(v)) continue;
            sum += v;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            n++;
        }
        if (n == 0) return "–";
        String mean = String.format(Locale.ROOT, m.format(), sum / n);
        String a = String.format(Locale.ROOT, m.format(), lo), b = String.format(Locale.ROOT, m.format(), hi);
        return n > 1 && !a.equals(b) ? mean + " [" + a + ", " + b + "]" : mean;
    }

    /** Mean over seeds per epoch of {@code m}, one series per group. */
    static List<LinePlot.Series> series(Map<String, List<List<Row>>> groups, Metric m) {
        List<LinePlot.Series> out = new ArrayList<>();
        for (Map.Entry<String, List<List<Row>>> g : groups.entrySet()) {
            int epochs = g.getValue().stream().mapToInt(List::size).min().orElse(0);
            double[] x = new double[epochs], y = new double[epochs];
            for (int e = 0; e < epochs; e++) {
                x[e] = e;
                double s = 0;
                int n = 0;
                for (List<Row> t : g.getValue()) {
                    double v = m.value().applyAsDouble(t.get(e));
                    if (!Double.isNaN(v)) { s += v; n++; }
                }
                y[e] = n == 0 ? Double.NaN : s / n;
            }
            if (epochs > 0) out.add(new LinePlot.Series(g.getKey().isEmpty() ? "mean over seeds" : g.getKey(), x, y));
        }
        return out;
    }

    static final int W = 560, H = 360, PER_ROW = 3;

    static BufferedImage plot(String name, Map<String, List<List<Row>>> groups) {
        int rows = (METRICS.size() + PER_ROW - 1) / PER_ROW;
        BufferedImage img = Png.canvas(W * PER_ROW, H * rows);
        Graphics2D g = Png.graphics(img);
        for (int i = 0; i < METRICS.size(); i++) {
            Metric m = METRICS.get(i);
            List<LinePlot.Series> s = series(groups, m).stream().filter(x -> java.util.Arrays.stream(x.y()).anyMatch(Double::isFinite)).toList();
            // the bitmap font has no arrow
            BufferedImage p = LinePlot.render(W, H, name + ": " + m.name(), "epoch", m.header().replace("→", "as"),
                    s.isEmpty() ? List.of(new LinePlot.Series("no data", new double[]{0}, new double[]{0})) : s, false, true);
            g.drawImage(p, (i % PER_ROW) * W, (i / PER_ROW) * H, null);
        }
        g.dispose();
        return img;
    }
}
