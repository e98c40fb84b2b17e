package cvae.harness.sweep;

import cvae.harness.UserError;
import cvae.harness.io.AtomicFiles;
import cvae.harness.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sweep.json}, the manifest of a results folder: the experiment's name, the SHA-256 of
 * its file, the swept keys and every trial with its id, swept values and full configuration
 * (threads left out). It is written before any training starts; resume reads it to know
 * which trials belong to the sweep, and a rerun compares it with the experiment file to
 * refuse a changed experiment under the same name.
 */
public final class Manifest {
    public static final String FILE = "sweep.json";
    public static final String FORMAT = "cvae-harness sweep 1";

    /** A trial as the manifest records it. */
    public record Entry(String id, Map<String, Object> params, Map<String, Object> config) {}

    public record Loaded(String name, String experimentSha256, List<String> swept, List<Entry> trials, Map<String, Object> raw) {}

    private Manifest() {}

    public static void write(Path dir, Experiment e, String created) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("name", e.name());
        m.put("experiment", e.source());
        m.put("experiment_sha256", e.sha256());
        m.put("created", created == null ? Instant.now().toString() : created);
        m.put("swept", e.swept());
        List<Object> trials = new ArrayList<>();
        for (Experiment.Trial t : e.trials()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("id", t.id());
            tm.put("params", t.params());
            tm.put("config", Experiment.identity(t.config()));
            trials.add(tm);
        }
        m.put("trials", trials);
        AtomicFiles.writeString(dir.resolve(FILE), pretty(m));
    }

    /** The manifest of {@code dir}, or null when there is none. */
    @SuppressWarnings("unchecked")
    public static Loaded read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return null;
        try {
            Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(f));
            if (!FORMAT.equals(m.get("format"))) throw new UserError(f + ": not a sweep manifest (format " + m.get("format") + ")");
            List<Entry> entries = new ArrayList<>();
            for (Object o : (List<Object>) m.get("trials")) {
                Map<String, Object> t = (Map<String, Object>) o;
                entries.add(new Entry((String) t.get("id"), (Map<String, Object>) t.get("params"), (Map<String, Object>) t.get("config")));
            }
            return new Loaded((String) m.get("name"), (String) m.get("experiment_sha256"),
                    ((List<Object>) m.get("swept")).stream().map(String::valueOf).toList(), entries, m);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError u) throw u;
            throw new UserError(f + ": cannot read the sweep manifest: " + e.getMessage());
        }
    }

    /**
     * How the experiment's trials differ from the manifest's, one line each (added, removed,
     * changed with the keys that changed); empty when they are the same trials.
     */
    public static List<String> differences(Loaded old, Experiment e) {
        List<String> out = new ArrayList<>();
        Map<String, Entry> before = new LinkedHashMap<>();
        for (Entry t : old.trials()) before.put(t.id(), t);
        for (Experiment.Trial t : e.trials()) {
            Entry o = before.remove(t.id());
            if (o == null) {
                out.add("new trial " + t.id());
                continue;
            }
            Map<String, Object> now = Experiment.identity(t.config());
            List<String> changed = new ArrayList<>();
            for (Map.Entry<String, Object> kv : now.entrySet()) {
                Object was = o.config().get(kv.getKey());
                if (!Json.write(kv.getValue()).equals(was == null ? "null" : Json.write(was)))
                    changed.add(kv.getKey() + " " + (was == null ? "(none)" : Values.format(was)) + " -> " + Values.format(kv.getValue()));
            }
            if (!changed.isEmpty()) out.add("trial " + t.id() + " changed: " + String.join(", ", changed));
        }
        for (String id : before.keySet()) out.add("trial " + id + " is no longer in the experiment");
        return out;
    }

    /** JSON with one trial per line, so that the manifest diffs and reads well. */
    static String pretty(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            sb.append("  ").append(Json.write(e.getKey())).append(": ");
            if (e.getValue() instanceof List<?> l && e.getKey().equals("trials")) {
                sb.append("[\n");
                for (int j = 0; j < l.size(); j++)
                    sb.append("    ").append(Json.write(l.get(j))).append(j + 1 < l.size() ? ",\n" : "\n");
                sb.append("  ]");
            } else {
                sb.append(Json.write(e.getValue()));
            }
            sb.append(++i < m.size() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }
}
