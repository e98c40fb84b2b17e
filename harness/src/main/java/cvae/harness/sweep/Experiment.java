package cvae.harness.sweep;

import cvae.harness.UserError;
import cvae.harness.train.TrainConfig;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An experiment file (YAML 1.2) and the trials it defines.
 *
 * <pre>
 * name: lr-batch                  # the results folder: results/lr-batch/ (default: the file name)
 * description: free text          # optional
 * base:                           # any key `train` accepts; the defaults are the article's
 *   epochs: 16
 * grid:                           # the swept keys: a list of values, or a range (with random:)
 *   batch_size: [16, 64, 256]
 *   lr: [1.0e-4, 1.0e-3]
 *   kl_weight: {min: 1.0e-6, max: 1.0e-2}      # log-uniform for lr and kl_weight, else uniform
 * random: {count: 8, seed: 0}     # optional: 8 distinct points of the grid, or draws from the ranges
 * seeds: [0, 1, 2]                # optional: every trial once per seed
 * </pre>
 *
 * Every mistake is found here, before any training starts, and reported as
 * {@code FILE:LINE:COLUMN: message}: YAML syntax, unknown keys (with the nearest valid one),
 * wrong types, impossible values, an empty grid, ranges without {@code random}, more random
 * trials than the grid holds.
 *
 * <p>A trial's id is its swept values, in the order of the grid, then the seed:
 * {@code batch_size=64,lr=0.001}. It depends on the values alone (not on how the file spells
 * them, on their order in a list, on threads or jobs), so it is stable; it is unique within the
 * experiment, and the manifest holds each trial's full configuration to detect a change of the
 * base under the same id.
 */
public record Experiment(String name, String description, String source, String sha256, String text,
                         List<String> swept, List<Trial> trials) {

    /** One training run of the sweep. {@code params} are the swept keys' values (Integer, Long, Double or String). */
    public record Trial(String id, Map<String, Object> params, TrainConfig config) {}

    static final List<String> TOP_KEYS = List.of("name", "description", "base", "grid", "random", "seeds");
    static final List<String> RANGE_KEYS = List.of("min", "max", "log");
    static final List<String> RANDOM_KEYS = List.of("count", "seed");
    /** Ranges of these keys are log-uniform unless {@code log: false}. */
    static final Set<String> LOG_BY_DEFAULT = Set.of("lr", "kl_weight");
    /** Names other tools use for our keys, for the "did you mean" of an unknown key. */
    static final Map<String, String> ALIASES = Map.of("learning_rate", "lr", "batch", "batch_size", "batchsize", "batch_size",
            "kl", "kl_weight", "w_kl", "kl_weight", "beta", "kl_weight", "epoch", "epochs", "n_epochs", "epochs", "latent_dim", "latent");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * The keys that make up a trial's identity: every key but threads (results do not depend
     * on it), and without a {@link TrainConfig#LATER_KEYS later key} at its old value.
     */
    public static Map<String, Object> identity(TrainConfig c) {
        Map<String, Object> m = c.toMap();
        m.remove("threads");
        TrainConfig.LATER_KEYS.forEach((k, v) -> { if (v.equals(m.get(k))) m.remove(k); });
        return m;
    }

    /** Reads and checks an experiment file; {@code overrides} (e.g. the backend of --backend) replace base keys. */
    public static Experiment load(Path file, Map<String, Object> overrides) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such experiment file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return parse(text, file.toString(), stem, overrides);
    }

    /** Parses experiment text; {@code where} names it in messages, {@code defaultName} is used when it has no name. */
    public static Experiment parse(String text, String where, String defaultName, Map<String, Object> overrides) {
        return new Parser(text, where).parse(defaultName, overrides == null ? Map.of() : overrides);
    }

    /** The trial with this id, or null. */
    public Trial trial(String id) {
        for (Trial t : trials) if (t.id().equals(id)) return t;
        return null;
    }

    // ------------------------------------------------------------------------------ parser

    private record Range(Object min, Object max, boolean log) {}

    private record Axis(String key, List<Object> values, Range range, Node node) {
        long size() { return values == null ? Long.MAX_VALUE : values.size(); }
    }

    private static final class Parser {
        private final String text, where;
        private final LoadSettings settings;

        Parser(String text, String where) {
            this.text = text;
            this.where = where;
            this.settings = LoadSettings.builder().setLabel(where).build();
        }

        Experiment parse(String defaultName, Map<String, Object> overrides) {
            Node root = compose();
            if (!(root instanceof MappingNode top))
                throw err(root, "expected a mapping with the keys name, base, grid (and optionally random, seeds)");
            Map<String, NodeTuple> entries = entries(top, TOP_KEYS, "the top level");

            String name = defaultName;
            if (entries.containsKey("name")) {
                Node n = entries.get("name").getValueNode();
                if (!(value(n) instanceof String s) || !NAME.matcher(s).matches())
                    throw err(n, "name must be a word of letters, digits, '.', '_' or '-' (it names the results folder)");
                name = s;
            } else if (!NAME.matcher(name).matches()) {
                throw new UserError(where + ": the file name does not make a valid experiment name: add 'name: ...'");
            }
            String description = null;
            if (entries.containsKey("description")) {
                Node n = entries.get("description").getValueNode();
                Object v = value(n);
                if (v != null && !(v instanceof String)) throw err(n, "description must be text");
                description = (String) v;
            }

            // base: the defaults with the file's keys, then the command line's overrides
            TrainConfig base = TrainConfig.defaults();
            if (entries.containsKey("base")) {
                Node n = entries.get("base").getValueNode();
                if (!isNull(n)) {
                    if (!(n instanceof MappingNode bm)) throw err(n, "base must be a mapping of train keys (epochs: 16, lr: 1.0e-3, ...)");
                    for (NodeTuple t : bm.getValue()) {
                        String k = trainKey(t);
                        Node v = t.getValueNode();
                        if (!(v instanceof ScalarNode))
                            throw err(v, "base." + k + " must be a single value (lists of values to sweep go under grid:)");
                        base = set(base, k, value(v), v);
                    }
                }
            }

            // grid
            if (!entries.containsKey("grid"))
                throw new UserError(where + ": no grid: an experiment sweeps at least one key, e.g. 'grid: {lr: [1.0e-4, 1.0e-3]}'");
            Node gridNode = entries.get("grid").getValueNode();
            if (isNull(gridNode) || (gridNode instanceof MappingNode gm0 && gm0.getValue().isEmpty()))
                throw err(gridNode, "the grid is empty: list at least one key to sweep, e.g. 'lr: [1.0e-4, 1.0e-3]'");
            if (!(gridNode instanceof MappingNode gm)) throw err(gridNode, "grid must be a mapping of keys to lists of values");
            for (Map.Entry<String, Object> o : overrides.entrySet())
                for (NodeTuple t : gm.getValue())
                    if (o.getKey().equals(key(t)))
                        throw err(t.getKeyNode(), "the grid sweeps " + o.getKey() + ", which the command line sets for every trial");
            base = base.with(overrides, "command line").validate("command line");

            List<Axis> axes = new ArrayList<>();
            for (NodeTuple t : gm.getValue()) axes.add(axis(base, t));

            // random
            Long count = null;
            long randomSeed = 0;
            Node countNode = null;
            if (entries.containsKey("random")) {
                Node n = entries.get("random").getValueNode();
                if (!(n instanceof MappingNode rm)) throw err(n, "random must be a mapping {count: N, seed: S}");
                Map<String, NodeTuple> r = entries(rm, RANDOM_KEYS, "random");
                if (!r.containsKey("count")) throw err(n, "random needs count: the number of trials to draw");
                countNode = r.get("count").getValueNode();
                count = integer(countNode, "random.count");
                if (count < 1) throw err(countNode, "random.count = " + count + " is not valid: expected a positive integer");
                if (r.containsKey("seed")) randomSeed = integer(r.get("seed").getValueNode(), "random.seed");
            }
            for (Axis a : axes)
                if (a.range != null && count == null)
                    throw err(a.node, "grid." + a.key + " is a range: add 'random: {count: N, seed: S}' to draw N trials from it");

            // seeds
            List<Long> seeds = null;
            if (entries.containsKey("seeds")) {
                Node n = entries.get("seeds").getValueNode();
                if (!(n instanceof SequenceNode sn)) throw err(n, "seeds must be a list of integers, e.g. [0, 1, 2]");
                if (sn.getValue().isEmpty()) throw err(n, "seeds is an empty list");
                for (Axis a : axes) if (a.key.equals("seed")) throw err(n, "seed is swept by the grid already: drop seeds: or grid.seed");
                seeds = new ArrayList<>();
                for (Node e : sn.getValue()) {
                    long s = integer(e, "a seed");
                    if (seeds.contains(s)) throw err(e, "seed " + s + " is listed twice");
                    seeds.add(s);
                }
            }

            // the points of the grid, then the trials
            List<Map<String, Object>> points = count == null ? product(axes) : sample(axes, count, randomSeed, countNode);
            List<String> swept = new ArrayList<>();
            for (Axis a : axes) swept.add(a.key);
            if (seeds != null) swept.add("seed");
            List<Trial> trials = new ArrayList<>();
            Set<String> ids = new LinkedHashSet<>();
            for (Map<String, Object> p : points) {
                for (Long s : seeds == null ? java.util.Collections.<Long>singletonList(null) : seeds) {
                    Map<String, Object> params = new LinkedHashMap<>(p);
                    if (s != null) params.put("seed", s);
                    String id = id(params);
                    TrainConfig cfg = base.with(params, where + ": trial " + id).validate(where + ": trial " + id);
                    if (!ids.add(id)) throw new UserError(where + ": two trials have the id " + id);
                    trials.add(new Trial(id, java.util.Collections.unmodifiableMap(params), cfg));
                }
            }
            return new Experiment(name, description, where, sha256(text), text, List.copyOf(swept), List.copyOf(trials));
        }

        private Node compose() {
            try {
                Optional<Node> n = new Compose(settings).composeString(text);
                if (n.isEmpty()) throw new UserError(where + ": the experiment file is empty");
                new StandardConstructor(settings).constructSingleDocument(n);   // duplicate keys, bad tags
                return n.get();
            } catch (MarkedYamlEngineException e) {
                StringBuilder sb = new StringBuilder(position(e.getProblemMark().orElse(e.getContextMark().orElse(null))))
                        .append(": YAML syntax error: ").append(e.getProblem());
                if (e.getContext() != null && e.getContextMark().isPresent()) {
                    Mark c = e.getContextMark().get();
                    sb.append(" (").append(e.getContext()).append(" at line ").append(c.getLine() + 1)
                            .append(", column ").append(c.getColumn() + 1).append(')');
                }
                throw new UserError(sb.toString());
            } catch (YamlEngineException e) {
                throw new UserError(where + ": YAML syntax error: " + e.getMessage());
            }
        }

        private Axis axis(TrainConfig base, NodeTuple t) {
            String k = trainKey(t);
            if (k.equals("threads"))
                throw err(t.getKeyNode(), "threads cannot be swept: results do not depend on it (set it in base: or with --threads)");
            Node n = t.getValueNode();
            if (n instanceof SequenceNode sn) {
                if (sn.getValue().isEmpty()) throw err(n, "grid." + k + " is an empty list");
                List<Object> values = new ArrayList<>();
                for (Node e : sn.getValue()) {
                    if (!(e instanceof ScalarNode)) throw err(e, "grid." + k + ": expected a single value, not a list or mapping");
                    Object v = coerce(base, k, value(e), e);
                    if (values.contains(v)) throw err(e, "grid." + k + ": " + Values.format(v) + " is listed twice");
                    values.add(v);
                }
                return new Axis(k, values, null, n);
            }
            if (n instanceof MappingNode rm) {
                Map<String, NodeTuple> r = entries(rm, RANGE_KEYS, "the range of grid." + k);
                if (!r.containsKey("min") || !r.containsKey("max")) throw err(n, "the range of grid." + k + " needs min and max");
                Node minN = r.get("min").getValueNode(), maxN = r.get("max").getValueNode();
                Object min = coerce(base, k, value(minN), minN), max = coerce(base, k, value(maxN), maxN);
                if (!(min instanceof Number mn) || !(max instanceof Number mx))
                    throw err(n, k + " takes text values: list them instead of giving a range");
                if (mn.doubleValue() > mx.doubleValue()) throw err(n, "the range of grid." + k + " has min > max");
                boolean log = LOG_BY_DEFAULT.contains(k);
                if (r.containsKey("log")) {
                    Node l = r.get("log").getValueNode();
                    if (!(value(l) instanceof Boolean b)) throw err(l, "log must be true or false");
                    log = b;
                }
                if (log && mn.doubleValue() <= 0)
                    throw err(minN, "a log-uniform range needs min > 0 (or log: false)");
                return new Axis(k, null, new Range(min, max, log), n);
            }
            throw err(n, "grid." + k + ": expected a list of values, e.g. [1.0e-4, 1.0e-3], or a range, e.g. {min: 1.0e-4, max: 1.0e-2}");
        }

        /** Every point of the grid; the first key varies slowest. */
        private static List<Map<String, Object>> product(List<Axis> axes) {
            List<Map<String, Object>> out = new ArrayList<>();
            out.add(new LinkedHashMap<>());
            for (Axis a : axes) {
                List<Map<String, Object>> next = new ArrayList<>();
                for (Map<String, Object> p : out)
                    for (Object v : a.values) {
                        Map<String, Object> q = new LinkedHashMap<>(p);
                        q.put(a.key, v);
                        next.add(q);
                    }
                out = next;
            }
            return out;
        }

        /** {@code count} distinct points: of the grid (kept in grid order), or drawn from the ranges. */
        private List<Map<String, Object>> sample(List<Axis> axes, long count, long seed, Node countNode) {
            Draws d = new Draws(seed);
            boolean ranges = axes.stream().anyMatch(a -> a.range != null);
            if (!ranges) {
                long n = 1;
                for (Axis a : axes) {
                    if (n > (1L << 53) / a.size()) throw err(countNode, "the grid is too large to sample from: use ranges");
                    n *= a.size();
                }
                if (count > n) throw err(countNode, "random.count = " + count + " but the grid has only " + n
                        + " points (sampling is without repetition)");
                // Floyd's algorithm: count distinct indices of [0, n)
                TreeSet<Long> chosen = new TreeSet<>();
                for (long j = n - count; j < n; j++) {
                    long t = d.below(j + 1);
                    chosen.add(chosen.contains(t) ? j : t);
                }
                List<Map<String, Object>> out = new ArrayList<>();
                for (long index : chosen) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    long rest = index, stride = n;
                    for (Axis a : axes) {
                        stride /= a.size();
                        p.put(a.key, a.values.get((int) (rest / stride)));
                        rest %= stride;
                    }
                    out.add(p);
                }
                return out;
            }
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            for (long attempt = 0; out.size() < count && attempt < count * 50 + 1000; attempt++) {
                Map<String, Object> p = new LinkedHashMap<>();
                for (Axis a : axes) p.put(a.key, a.values != null ? a.values.get((int) d.below(a.values.size())) : draw(a.range, d));
                out.putIfAbsent(id(p), p);
            }
            if (out.size() < count)
                throw err(countNode, "random.count = " + count + " but only " + out.size()
                        + " distinct trials could be drawn from the grid (values are rounded to 3 significant digits)");
            return new ArrayList<>(out.values());
        }

        /** One value of a range: log-uniform or uniform; doubles rounded to 3 significant digits. */
        private static Object draw(Range r, Draws d) {
            double lo = ((Number) r.min).doubleValue(), hi = ((Number) r.max).doubleValue();
            if (!(r.min instanceof Double)) {
                long v = r.log ? Math.round(Math.exp(Math.log(lo) + d.next() * (Math.log(hi) - Math.log(lo))))
                        : (long) lo + d.below((long) hi - (long) lo + 1);
                v = Math.max((long) lo, Math.min((long) hi, v));
                return r.min instanceof Integer ? (Object) (int) v : (Object) v;
            }
            double u = d.next();
            double x = r.log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
            x = new BigDecimal(x).round(new MathContext(3, RoundingMode.HALF_EVEN)).doubleValue();
            return Math.max(lo, Math.min(hi, x));
        }

        // -------------------------------------------------------------------------- helpers

        /** The entries of a mapping by key, each key checked against {@code valid}. */
        private Map<String, NodeTuple> entries(MappingNode m, List<String> valid, String what) {
            Map<String, NodeTuple> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String k = key(t);
                if (!valid.contains(k)) {
                    String hint = Values.suggest(k, valid);
                    if (what.equals("the top level") && TrainConfig.KEYS.contains(k))
                        hint = (hint.contains("did you mean") && valid.stream().anyMatch(v -> Values.distance(v, k) <= 1)
                                ? hint.substring(0, hint.length() - 1) + " " : " (") + "train settings go under base:, or under grid: to sweep them)";
                    throw err(t.getKeyNode(), "unknown key '" + k + "' " + (what.equals("the top level") ? "at " : "in ") + what + hint);
                }
                out.put(k, t);
            }
            return out;
        }

        private String key(NodeTuple t) {
            if (!(t.getKeyNode() instanceof ScalarNode s)) throw err(t.getKeyNode(), "a key must be a plain word");
            return s.getValue();
        }

        private String trainKey(NodeTuple t) {
            String k = key(t);
            if (!TrainConfig.KEYS.contains(k))
                throw err(t.getKeyNode(), "unknown key '" + k + "'"
                        + (ALIASES.containsKey(k) ? " (did you mean '" + ALIASES.get(k) + "'?)" : TrainConfig.suggest(k)));
            return k;
        }

        /** The base with one key set, checked: a wrong type or impossible value points at the node. */
        private TrainConfig set(TrainConfig base, String key, Object v, Node node) {
            String loc = position(node);
            Map<String, Object> m = new HashMap<>();
            m.put(key, v);
            return base.with(m, loc).validate(loc);
        }

        /** A value of {@code key} as the configuration holds it (Integer, Long, Double or String), checked. */
        private Object coerce(TrainConfig base, String key, Object v, Node node) {
            return set(base, key, v, node).toMap().get(key);
        }

        private long integer(Node n, String what) {
            Object v = value(n);
            if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
            throw err(n, what + " = " + v + " has the wrong type: expected an integer");
        }

        private Object value(Node n) {
            return new StandardConstructor(settings).constructSingleDocument(Optional.of(n));
        }

        private static boolean isNull(Node n) {
            return n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
        }

        private String position(Node n) {
            return position(n == null ? null : n.getStartMark().orElse(null));
        }

        private String position(Mark m) {
            return m == null ? where : where + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
        }

        private UserError err(Node n, String message) {
            return new UserError(position(n) + ": " + message);
        }
    }

    /** {@code key=value} of every swept key, joined by commas; characters unsafe in a folder name become '_'. */
    static String id(Map<String, Object> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(e.getKey()).append('=').append(Values.format(e.getValue()));
        }
        return sb.toString().replaceAll("[^A-Za-z0-9._+=,-]", "_");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
