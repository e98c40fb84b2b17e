package cvae.harness.sweep;

import cvae.harness.UserError;
import cvae.harness.cli.TrainConfigYaml;
import cvae.harness.io.Json;
import cvae.harness.train.EpochMetrics;
import cvae.harness.train.MetricsCsv;
import cvae.harness.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The state of a results folder, read from its run directories (config.yaml, metrics.csv,
 * run.json) and, when present, its manifest: which trials there are, their swept values,
 * status and curves. Everything the tables and plots show comes from here, so that
 * {@code report} rebuilds exactly what {@code sweep} wrote.
 */
public final class Results {
    private Results() {}

    public enum Status {
        FINISHED, DIVERGED, INCOMPLETE, PENDING;

        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** One trial: its id (the folder name), swept values as text, configuration (null when pending), status and curve. */
    public record Trial(String id, Map<String, String> params, TrainConfig config, Status status, List<EpochMetrics> rows) {
        public EpochMetrics last() { return rows.isEmpty() ? null : rows.getLast(); }

        /** The row of the lowest finite test loss, or null. */
        public EpochMetrics best() {
            EpochMetrics b = null;
            for (EpochMetrics m : rows)
                if (Double.isFinite(m.testLoss()) && (b == null || m.testLoss() < b.testLoss())) b = m;
            return b;
        }

        /** The first epoch whose train or test loss is not finite, or -1. */
        public int divergedAt() {
            for (EpochMetrics m : rows) if (!Double.isFinite(m.trainLoss()) || !Double.isFinite(m.testLoss())) return m.epoch();
            return -1;
        }

        /** Time spent training and testing, summed over the recorded epochs (an interrupted epoch is not counted). */
        public double seconds() {
            double s = 0;
            for (EpochMetrics m : rows) s += m.seconds() + (Double.isFinite(m.evalSeconds()) ? m.evalSeconds() : 0);
            return s;
        }

        /** Training images per second of training time, over all recorded epochs. */
        public double samplesPerS() {
            double n = 0, s = 0;
            for (EpochMetrics m : rows) {
                n += m.samplesPerS() * m.seconds();
                s += m.seconds();
            }
            return s > 0 ? n / s : Double.NaN;
        }

        /** "batch_size=64, lr=0.001" (or the id when nothing is swept). */
        public String label(String sep) {
            if (params.isEmpty()) return id;
            List<String> parts = new ArrayList<>();
            params.forEach((k, v) -> parts.add(k + "=" + v));
            return String.join(sep, parts);
        }
    }

    /** A results folder: its name, the swept keys in column order, the trials in table order. */
    public record Sweep(String name, Path dir, List<String> swept, List<Trial> trials, List<String> ignored) {
        public long count(Status s) { return trials.stream().filter(t -> t.status() == s).count(); }
    }

    /** Whether a folder inside a results folder is a trial's run directory (not hidden, not _superseded). */
    static boolean isRunDir(Path p) {
        String n = p.getFileName().toString();
        return Files.isDirectory(p) && !n.startsWith(".") && !n.startsWith("_") && Files.exists(p.resolve("config.yaml"));
    }

    public static Sweep collect(Path dir) {
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": no such results folder");
        Manifest.Loaded manifest = Manifest.read(dir);
        List<Path> runDirs;
        try (Stream<Path> s = Files.list(dir)) {
            runDirs = s.filter(Results::isRunDir).sorted().toList();
        } catch (IOException e) {
            throw new UserError(dir + ": cannot list: " + e.getMessage());
        }
        if (manifest == null && runDirs.isEmpty())
            throw new UserError(dir + ": neither a sweep manifest (sweep.json) nor run directories (with config.yaml)");

        Map<String, TrainConfig> configs = new LinkedHashMap<>();
        for (Path p : runDirs) configs.put(p.getFileName().toString(), readConfig(p));

        // the swept keys: the manifest's, then any other key whose value differs between trials
        Set<String> swept = new LinkedHashSet<>();
        if (manifest != null) swept.addAll(manifest.swept());
        for (String k : TrainConfig.KEYS) {
            if (k.equals("threads")) continue;
            Set<String> seen = new LinkedHashSet<>();
            for (TrainConfig c : configs.values()) seen.add(Values.format(c.toMap().get(k)));
            if (seen.size() > 1) swept.add(k);
        }

        List<Trial> trials = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        if (manifest != null) {
            for (Manifest.Entry e : manifest.trials()) {
                TrainConfig c = configs.remove(e.id());
                if (c != null) {
                    trials.add(read(dir.resolve(e.id()), e.id(), c, swept));
                } else {
                    Map<String, String> params = new LinkedHashMap<>();
                    for (String k : swept) {
                        Object v = e.params().containsKey(k) ? e.params().get(k) : e.config().get(k);
                        params.put(k, v == null ? "" : Values.format(v));
                    }
                    trials.add(new Trial(e.id(), params, null, Status.PENDING, List.of()));
                }
            }
            ignored.addAll(configs.keySet());
        } else {
            for (Map.Entry<String, TrainConfig> e : configs.entrySet())
                trials.add(read(dir.resolve(e.getKey()), e.getKey(), e.getValue(), swept));
            Comparator<Trial> order = (a, b) -> 0;
            for (String k : swept) order = order.thenComparing(t -> t.params().get(k), Values.NATURAL);
            trials.sort(order.thenComparing(Trial::id));
        }
        String name = manifest != null && manifest.name() != null ? manifest.name() : dir.toAbsolutePath().normalize().getFileName().toString();
        return new Sweep(name, dir, List.copyOf(swept), trials, ignored);
    }

    static TrainConfig readConfig(Path runDir) {
        Path f = runDir.resolve("config.yaml");
        try {
            return TrainConfigYaml.parse(Files.readString(f), f.toString());
        } catch (IOException e) {
            throw new UserError(f + ": cannot read: " + e.getMessage());
        }
    }

    /** A run directory's status and curve. */
    public static Trial read(Path runDir, String id, TrainConfig cfg, Iterable<String> swept) {
        Map<String, String> params = new LinkedHashMap<>();
        Map<String, Object> m = cfg.toMap();
        for (String k : swept) params.put(k, Values.format(m.get(k)));
        List<EpochMetrics> rows = readMetrics(runDir.resolve("metrics.csv"));
        return new Trial(id, params, cfg, status(runDir), rows);
    }

    static List<EpochMetrics> readMetrics(Path f) {
        if (!Files.exists(f)) return List.of();
        try (Stream<String> lines = Files.lines(f)) {
            int n = (int) lines.skip(1).filter(l -> !l.isBlank()).count();
            return MetricsCsv.read(f, n);
        } catch (IOException e) {
            throw new UserError(f + ": cannot read: " + e.getMessage());
        }
    }

    /** From run.json: finished, diverged, or incomplete (no run.json, or the run did not end). */
    static Status status(Path runDir) {
        Path f = runDir.resolve("run.json");
        if (!Files.exists(f)) return Status.INCOMPLETE;
        try {
            Object o = Json.parse(Files.readString(f));
            Object s = o instanceof Map<?, ?> map ? map.get("status") : null;
            if ("finished".equals(s)) return Status.FINISHED;
            if (s instanceof String str && str.startsWith("diverged")) return Status.DIVERGED;
            return Status.INCOMPLETE;
        } catch (IOException | RuntimeException e) {
            throw new UserError(f + ": cannot read: " + e.getMessage());
        }
    }
}
