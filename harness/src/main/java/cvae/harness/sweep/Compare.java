package cvae.harness.sweep;

import cvae.harness.UserError;
import cvae.harness.train.TrainConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares two results tables metric by metric: two sweeps' {@code summary.csv} (rows matched
 * by {@code trial}) or two runs' {@code metrics.csv} (rows matched by {@code epoch}). The
 * compared columns are those both tables have, except the row key, the swept parameters and
 * the timing columns (seconds, samples_per_s, eval_seconds, quality_seconds), unless named with
 * {@code metrics}. A number is within the tolerance when
 * {@code |b − a| ≤ max(relative · max(|a|, |b|), absolute)} (equal values, NaN included,
 * always are); text must be equal. A row that only one table has is a difference too.
 * The golden-curve regression test uses this same logic.
 */
public final class Compare {
    public static final Set<String> TIMING = Set.of("seconds", "samples_per_s", "eval_seconds", "quality_seconds");

    private Compare() {}

    /** One compared value. */
    public record Cell(String row, String metric, String a, String b, boolean within) {
        Double diff() {
            Double x = Values.number(a), y = Values.number(b);
            return x == null || y == null ? null : y - x;
        }
    }

    public record Result(String keyColumn, List<String> metrics, List<Cell> cells, List<String> onlyInA, List<String> onlyInB) {
        public long outside() { return cells.stream().filter(c -> !c.within()).count(); }

        public boolean ok() { return outside() == 0 && onlyInA.isEmpty() && onlyInB.isEmpty(); }
    }

    /** The table a path stands for: a results folder (its summary.csv), a run directory (its metrics.csv), or a CSV file. */
    public static Csv.Table load(Path p) {
        if (Files.isDirectory(p)) {
            if (Files.exists(p.resolve(Summary.CSV))) return Csv.read(p.resolve(Summary.CSV));
            if (Files.exists(p.resolve("metrics.csv"))) return Csv.read(p.resolve("metrics.csv"));
            throw new UserError(p + ": has neither summary.csv (a sweep's results) nor metrics.csv (a run)");
        }
        if (!Files.exists(p)) throw new UserError(p + ": no such file or folder");
        return Csv.read(p);
    }

    /**
     * The trials behind a path, for {@code --plot}: a results folder's (from its run
     * directories) or a run directory's single curve; null for a bare CSV file.
     */
    public static List<Results.Trial> trials(Path p) {
        if (!Files.isDirectory(p)) return null;
        if (Files.exists(p.resolve("metrics.csv")) && Files.exists(p.resolve("config.yaml")))
            return List.of(Results.read(p, p.getFileName().toString(), Results.readConfig(p), List.of()));
        return Results.collect(p).trials();
    }

    public static Result compare(Csv.Table a, Csv.Table b, double relative, double absolute, List<String> metrics) {
        String key = a.header().contains("trial") ? "trial" : a.header().contains("epoch") ? "epoch" : a.header().getFirst();
        if (!b.header().contains(key))
            throw new UserError(b.source() + ": has no column '" + key + "' to match the rows of " + a.source() + " by");
        List<String> cols = new ArrayList<>();
        if (metrics != null && !metrics.isEmpty()) {
            for (String m : metrics) {
                if (!a.header().contains(m)) throw new UserError(a.source() + ": has no column '" + m + "' (columns: " + String.join(", ", a.header()) + ")");
                if (!b.header().contains(m)) throw new UserError(b.source() + ": has no column '" + m + "' (columns: " + String.join(", ", b.header()) + ")");
                cols.add(m);
            }
        } else {
            for (String c : a.header())
                if (b.header().contains(c) && !c.equals(key) && !TIMING.contains(c) && !TrainConfig.KEYS.contains(c)) cols.add(c);
            if (cols.isEmpty()) throw new UserError(a.source() + " and " + b.source() + " have no metric column in common");
        }
        Map<String, List<String>> rowsA = byKey(a, key), rowsB = byKey(b, key);
        List<Cell> cells = new ArrayList<>();
        List<String> onlyA = new ArrayList<>(), onlyB = new ArrayList<>();
        for (Map.Entry<String, List<String>> ra : rowsA.entrySet()) {
            List<String> rb = rowsB.get(ra.getKey());
            if (rb == null) {
                onlyA.add(ra.getKey());
                continue;
            }
            for (String c : cols) {
                String va = ra.getValue().get(a.column(c)), vb = rb.get(b.column(c));
                cells.add(new Cell(ra.getKey(), c, va, vb, within(va, vb, relative, absolute)));
            }
        }
        for (String k : rowsB.keySet()) if (!rowsA.containsKey(k)) onlyB.add(k);
        return new Result(key, cols, cells, onlyA, onlyB);
    }

    private static Map<String, List<String>> byKey(Csv.Table t, String key) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        int k = t.column(key);
        for (List<String> r : t.rows())
            if (m.put(r.get(k), r) != null) throw new UserError(t.source() + ": two rows have " + key + " = " + r.get(k));
        return m;
    }

    static boolean within(String a, String b, double relative, double absolute) {
        if (a.equals(b)) return true;
        Double x = Values.number(a), y = Values.number(b);
        if (x == null || y == null) return false;
        if (x.equals(y)) return true;                                  // NaN = NaN, 1.0 = 1
        if (!Double.isFinite(x) || !Double.isFinite(y)) return false;
        return Math.abs(y - x) <= Math.max(relative * Math.max(Math.abs(x), Math.abs(y)), absolute);
    }

    /** The side-by-side table, "!" marking values outside the tolerance, and a last line with the verdict. */
    public static String format(Result r, String nameA, String nameB, double relative, double absolute, boolean onlyOutside) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[]{"", r.keyColumn(), "metric", "A", "B", "B - A", "rel. diff"});
        for (Cell c : r.cells()) {
            if (onlyOutside && c.within()) continue;
            Double d = c.diff();
            Double x = Values.number(c.a()), y = Values.number(c.b());
            String rel = d == null || x == null || y == null ? "" : d == 0 ? "0"
                    : String.format(Locale.ROOT, "%.3g", d / Math.max(Math.abs(x), Math.abs(y)));
            lines.add(new String[]{c.within() ? "" : "!", c.row(), c.metric(), c.a(), c.b(),
                    d == null ? (c.a().equals(c.b()) ? "" : "differs") : d == 0 ? "0" : String.format(Locale.ROOT, "%.3g", d), rel});
        }
        int[] w = new int[7];
        for (String[] l : lines) for (int i = 0; i < 7; i++) w[i] = Math.max(w[i], l[i].length());
        StringBuilder sb = new StringBuilder();
        sb.append("A = ").append(nameA).append("\nB = ").append(nameB).append('\n')
                .append(String.format(Locale.ROOT, "tolerance: relative %s, absolute %s%n%n", Values.format(relative), Values.format(absolute)));
        if (lines.size() == 1) lines.clear();                          // nothing to show under --only-outside
        for (String[] l : lines) {
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < 7; i++) {
                String cell = l[i];
                boolean right = i >= 3;
                String pad = " ".repeat(w[i] - cell.length());
                row.append(right ? pad + cell : cell + pad).append(i == 6 ? "" : "  ");
            }
            sb.append(row.toString().stripTrailing()).append('\n');
        }
        sb.append('\n');
        for (String k : r.onlyInA()) sb.append("! only in A: ").append(r.keyColumn()).append(' ').append(k).append('\n');
        for (String k : r.onlyInB()) sb.append("! only in B: ").append(r.keyColumn()).append(' ').append(k).append('\n');
        long rows = r.cells().stream().map(Cell::row).distinct().count();
        sb.append(r.ok() ? "OK: " : "DIFFERENT: ").append(r.outside()).append(" of ").append(r.cells().size())
                .append(" values outside the tolerance (").append(rows).append(" rows × ").append(r.metrics().size()).append(" metrics)");
        if (!r.onlyInA().isEmpty() || !r.onlyInB().isEmpty())
            sb.append("; ").append(r.onlyInA().size()).append(" rows only in A, ").append(r.onlyInB().size()).append(" only in B");
        return sb.append('\n').toString();
    }
}
