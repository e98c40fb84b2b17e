package cvae.harness.sweep;

import cvae.harness.TestData;
import cvae.harness.UserError;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Experiment files: the shipped ones, every error case, grid product, random sampling, trial ids. */
class ExperimentTest {
    static Experiment parse(String yaml) {
        return Experiment.parse(yaml, "x.yaml", "x", Map.of());
    }

    static String error(String yaml) {
        UserError e = assertThrows(UserError.class, () -> parse(yaml));
        return e.getMessage();
    }

    static void errorContains(String yaml, String... parts) {
        String m = error(yaml);
        for (String p : parts) assertTrue(m.contains(p), "message should contain '" + p + "': " + m);
    }

    static List<String> ids(Experiment e) {
        return e.trials().stream().map(Experiment.Trial::id).toList();
    }

    // ---------------------------------------------------------------------- shipped files

    @Test void lrBatchIsTheArticlesGrid() {
        Experiment e = Experiment.load(TestData.repoRoot().resolve("experiments/lr-batch.yaml"), Map.of());
        assertEquals("lr-batch", e.name());
        assertEquals(List.of("batch_size", "lr"), e.swept());
        assertEquals(24, e.trials().size());
        // ids are pinned: results folders of earlier runs must keep matching
        assertEquals("batch_size=16,lr=0.0001", e.trials().getFirst().id());
        assertEquals("batch_size=16,lr=0.0003", e.trials().get(1).id());
        assertEquals("batch_size=64,lr=0.001", e.trials().get(10).id());
        assertEquals("batch_size=1024,lr=0.003", e.trials().getLast().id());
        for (Experiment.Trial t : e.trials()) {
            assertEquals(16, t.config().epochs());
            assertEquals(1e-5, t.config().klWeight());
            assertEquals(0, t.config().trainLimit(), "all of MNIST");
        }
        Set<String> pairs = new HashSet<>();
        for (Experiment.Trial t : e.trials()) pairs.add(t.config().batchSize() + "/" + t.config().lr());
        assertEquals(24, pairs.size());
        assertTrue(pairs.contains("1024/1.0E-4") && pairs.contains("16/0.003"));
    }

    @Test void klWeightAndQuickParse() {
        Experiment kl = Experiment.load(TestData.repoRoot().resolve("experiments/kl-weight.yaml"), Map.of());
        assertEquals(List.of("kl_weight=0", "kl_weight=1e-05", "kl_weight=0.0001", "kl_weight=0.001", "kl_weight=0.01", "kl_weight=0.1"), ids(kl));
        for (Experiment.Trial t : kl.trials()) {
            assertEquals(64, t.config().batchSize());
            assertEquals(1e-3, t.config().lr());
            assertEquals(16, t.config().epochs());
        }
        Experiment q = Experiment.load(TestData.repoRoot().resolve("experiments/quick.yaml"), Map.of());
        assertEquals("quick", q.name());
        assertTrue(q.trials().size() >= 4);
        assertTrue(q.trials().stream().allMatch(t -> t.config().trainLimit() > 0), "quick runs on a subset");
    }

    // ---------------------------------------------------------------------- errors

    @Test void aSyntaxErrorNamesLineAndColumn() {
        String m = error("name: x\ngrid:\n  lr: [1.0e-3, 3.0e-3\n  batch_size: [64]\n");
        assertTrue(m.startsWith("x.yaml:4:"), m);
        assertTrue(m.contains("YAML syntax error"), m);
        assertTrue(m.contains("line 3, column 7"), "the context's position too: " + m);
        errorContains("grid:\n  lr: [1e-3]\n   bad: 1\n", "x.yaml:3:", "YAML syntax error");
        errorContains("grid:\n  lr: [1e-3]\n  lr: [3e-3]\n", "x.yaml:3:3", "duplicate key lr");
        errorContains("", "x.yaml", "empty");
    }

    @Test void unknownKeysNameTheNearestValidOne() {
        errorContains("base:\n  batchsize: 64\ngrid:\n  lr: [1e-3]\n", "x.yaml:2:3", "unknown key 'batchsize'", "did you mean 'batch_size'?");
        errorContains("grid:\n  learning_rate: [1e-3]\n", "x.yaml:2:3", "unknown key 'learning_rate' (did you mean 'lr'?)");
        errorContains("grid:\n  kl_wieght: [0, 1e-5]\n", "x.yaml:2:3", "unknown key 'kl_wieght'", "'kl_weight'");
        errorContains("grid:\n  lr: [1e-3]\nseed: [0, 1]\n", "x.yaml:3:1", "unknown key 'seed' at the top level", "did you mean 'seeds'?", "under base:");
        errorContains("grdi:\n  lr: [1e-3]\n", "x.yaml:1:1", "'grid'");
        errorContains("epochs: 3\ngrid:\n  lr: [1e-3]\n", "x.yaml:1:1", "train settings go under base:");
        errorContains("grid:\n  lr: [1e-3]\nrandom: {count: 1, sed: 3}\n", "x.yaml:3:", "unknown key 'sed'", "'seed'");
        errorContains("grid:\n  lr: {min: 1e-4, maxx: 1e-2}\nrandom: {count: 2}\n", "x.yaml:2:", "unknown key 'maxx'", "'max'");
    }

    @Test void wrongTypesAreNamedWithWhatWasExpected() {
        errorContains("grid:\n  batch_size: [64, big]\n", "x.yaml:2:20", "batch_size = big", "wrong type", "integer");
        errorContains("grid:\n  batch_size: [64, 32.5]\n", "x.yaml:2:20", "wrong type");
        errorContains("base:\n  lr: fast\ngrid:\n  batch_size: [64]\n", "x.yaml:2:7", "lr = fast", "a number");
        errorContains("base:\n  lr: [1e-3, 3e-3]\ngrid:\n  batch_size: [64]\n", "x.yaml:2:7", "single value", "grid:");
        errorContains("grid:\n  lr: 1e-3\n", "x.yaml:2:7", "a list of values");
        errorContains("grid:\n  lr: [1e-3]\nrandom: {count: many}\n", "x.yaml:3:17", "random.count", "integer");
        errorContains("grid:\n  lr: [1e-3]\nseeds: 3\n", "x.yaml:3:8", "seeds must be a list");
        errorContains("grid:\n  lr: [1e-3]\nseeds: [0, x]\n", "x.yaml:3:12", "integer");
        errorContains("name: 5\ngrid:\n  lr: [1e-3]\n", "x.yaml:1:7", "name must be");
        errorContains("name: a/b\ngrid:\n  lr: [1e-3]\n", "x.yaml:1:7", "name must be");
    }

    @Test void impossibleValuesAreRefused() {
        errorContains("grid:\n  batch_size: [64, 0]\n", "x.yaml:2:20", "batch_size = 0 is not valid", "positive");
        errorContains("grid:\n  batch_size: [-8]\n", "x.yaml:2:16", "batch_size = -8");
        errorContains("grid:\n  lr: [1e-3, 0]\n", "x.yaml:2:14", "lr = 0.0 is not valid", "positive");
        errorContains("grid:\n  lr: [-1e-3]\n", "lr = -0.001 is not valid");
        errorContains("grid:\n  kl_weight: [0, -1e-5]\n", "x.yaml:2:18", "kl_weight = -1.0E-5 is not valid", ">= 0");
        errorContains("base:\n  epochs: 0\ngrid:\n  lr: [1e-3]\n", "x.yaml:2:11", "epochs = 0 is not valid");
        errorContains("grid:\n  epochs: [2, -1]\n", "x.yaml:2:15", "epochs = -1");
        errorContains("grid:\n  backend: [cpu, tpu]\n", "x.yaml:2:18", "backend = tpu", "cpu, reference, cuda");
        errorContains("grid:\n  lr: {min: 0, max: 1e-2}\nrandom: {count: 3}\n", "x.yaml:2:13", "lr = 0.0 is not valid");
        errorContains("grid:\n  lr: {min: 1e-2, max: 1e-4}\nrandom: {count: 3}\n", "x.yaml:2:7", "min > max");
        errorContains("grid:\n  kl_weight: {min: 0, max: 1e-2}\nrandom: {count: 3}\n", "x.yaml:2:20", "log-uniform range needs min > 0");
        errorContains("grid:\n  lr: [1e-3]\nrandom: {count: 0}\n", "x.yaml:3:17", "random.count = 0");
    }

    @Test void anEmptyGridIsRefused() {
        errorContains("name: x\nbase:\n  epochs: 2\n", "x.yaml", "no grid");
        errorContains("grid: {}\n", "x.yaml:1:7", "the grid is empty");
        errorContains("grid:\n", "x.yaml:", "the grid is empty");
        errorContains("grid:\n  lr: []\n", "x.yaml:2:7", "grid.lr is an empty list");
        errorContains("grid:\n  lr: [1e-3]\nseeds: []\n", "x.yaml:3:8", "seeds is an empty list");
    }

    @Test void otherMistakes() {
        errorContains("grid:\n  lr: [1e-3, 0.001]\n", "x.yaml:2:14", "0.001 is listed twice");
        errorContains("grid:\n  lr: {min: 1e-4, max: 1e-2}\n", "x.yaml:2:7", "is a range", "random:");
        errorContains("grid:\n  lr: [1e-3, 3e-3]\n  batch_size: [32, 64]\nrandom: {count: 5, seed: 1}\n", "x.yaml:4:17",
                "random.count = 5", "only 4 points");
        errorContains("grid:\n  threads: [1, 2]\n", "x.yaml:2:3", "threads cannot be swept");
        errorContains("grid:\n  seed: [0, 1]\nseeds: [2, 3]\n", "x.yaml:3:8", "seed is swept");
        errorContains("grid:\n  lr: [1e-3]\nseeds: [1, 1]\n", "seed 1 is listed twice");
    }

    @Test void theCommandLineBackendOverridesTheBaseButNotTheGrid() {
        Experiment e = Experiment.parse("base:\n  backend: cpu\ngrid:\n  lr: [1e-3]\n", "x.yaml", "x", Map.of("backend", "reference"));
        assertEquals("reference", e.trials().getFirst().config().backend());
        UserError err = assertThrows(UserError.class,
                () -> Experiment.parse("grid:\n  backend: [cpu, reference]\n", "x.yaml", "x", Map.of("backend", "cuda")));
        assertTrue(err.getMessage().contains("x.yaml:2:3") && err.getMessage().contains("command line"), err.getMessage());
    }

    // ---------------------------------------------------------------------- grid and sampling

    @Test void theGridIsTheProductFirstKeySlowest() {
        Experiment e = parse("name: g\nbase:\n  epochs: 2\ngrid:\n  batch_size: [128, 32]\n  lr: [1e-3, 3e-3]\n  kl_weight: [0, 1e-3]\n");
        assertEquals(8, e.trials().size());
        assertEquals(List.of("batch_size=128,lr=0.001,kl_weight=0", "batch_size=128,lr=0.001,kl_weight=0.001",
                "batch_size=128,lr=0.003,kl_weight=0", "batch_size=128,lr=0.003,kl_weight=0.001",
                "batch_size=32,lr=0.001,kl_weight=0", "batch_size=32,lr=0.001,kl_weight=0.001",
                "batch_size=32,lr=0.003,kl_weight=0", "batch_size=32,lr=0.003,kl_weight=0.001"), ids(e));
        Experiment.Trial t = e.trials().get(5);
        assertEquals(32, t.config().batchSize());
        assertEquals(1e-3, t.config().lr());
        assertEquals(1e-3, t.config().klWeight());
        assertEquals(2, t.config().epochs(), "base applies to every trial");
        assertEquals(Map.of("batch_size", 32, "lr", 1e-3, "kl_weight", 1e-3), t.params());
    }

    @Test void seedsRepeatEveryTrial() {
        Experiment e = parse("grid:\n  lr: [1e-3, 3e-3]\nseeds: [0, 7]\n");
        assertEquals(List.of("lr=0.001,seed=0", "lr=0.001,seed=7", "lr=0.003,seed=0", "lr=0.003,seed=7"), ids(e));
        assertEquals(7, e.trials().get(1).config().seed());
        assertEquals(List.of("lr", "seed"), e.swept());
    }

    @Test void randomSamplingOfTheGridIsDeterministicAndWithoutRepetition() {
        String grid = "grid:\n  batch_size: [16, 32, 64, 128, 256, 1024]\n  lr: [1e-4, 3e-4, 1e-3, 3e-3]\n  kl_weight: [0, 1e-5, 1e-3]\n";
        Experiment all = parse(grid);
        Experiment a = parse(grid + "random: {count: 20, seed: 1}\n"), b = parse(grid + "random: {count: 20, seed: 1}\n");
        Experiment c = parse(grid + "random: {count: 20, seed: 2}\n");
        assertEquals(ids(a), ids(b), "the same seed draws the same trials");
        assertNotEquals(ids(a), ids(c), "another seed draws others");
        assertEquals(20, new HashSet<>(ids(a)).size(), "no trial twice");
        List<String> allIds = ids(all);
        assertTrue(allIds.containsAll(ids(a)), "points of the grid");
        List<String> inGridOrder = allIds.stream().filter(ids(a)::contains).toList();
        assertEquals(inGridOrder, ids(a), "kept in grid order");
        // the whole grid, shuffled and drawn without repetition, is the grid
        assertEquals(new HashSet<>(allIds), new HashSet<>(ids(parse(grid + "random: {count: 72, seed: 5}\n"))));
    }

    @Test void rangesAreLogUniformForLrAndKlWeightAndUniformOtherwise() {
        Experiment e = parse("grid:\n  lr: {min: 1.0e-5, max: 1.0e-1}\n  batch_size: {min: 16, max: 47}\nrandom: {count: 400, seed: 3}\n");
        assertEquals(400, e.trials().size());
        assertEquals(400, new HashSet<>(ids(e)).size());
        int[] decades = new int[4];
        int[] halves = new int[2];
        for (Experiment.Trial t : e.trials()) {
            double lr = t.config().lr();
            assertTrue(lr >= 1e-5 && lr <= 1e-1, "in range: " + lr);
            assertEquals(lr, new java.math.BigDecimal(lr).round(new java.math.MathContext(3)).doubleValue(), 0.0,
                    "rounded to 3 significant digits: " + lr);
            decades[Math.min(3, (int) Math.floor(Math.log10(lr) + 5))]++;
            int bs = t.config().batchSize();
            assertTrue(bs >= 16 && bs <= 47, "in range: " + bs);
            halves[bs < 32 ? 0 : 1]++;
        }
        for (int d : decades) assertTrue(d > 60 && d < 140, "about 100 per decade (log-uniform): " + java.util.Arrays.toString(decades));
        for (int h : halves) assertTrue(h > 150 && h < 250, "uniform integers: " + java.util.Arrays.toString(halves));
        assertEquals(ids(e), ids(parse("grid:\n  lr: {min: 1.0e-5, max: 1.0e-1}\n  batch_size: {min: 16, max: 47}\nrandom: {count: 400, seed: 3}\n")));

        Experiment lin = parse("grid:\n  lr: {min: 1.0e-5, max: 1.0e-1, log: false}\nrandom: {count: 100, seed: 3}\n");
        long small = lin.trials().stream().filter(t -> t.config().lr() < 1e-2).count();
        assertTrue(small < 25, "uniform: few values below a tenth of the range: " + small);
        errorContains("grid:\n  batch_size: {min: 16, max: 18}\nrandom: {count: 5}\n", "x.yaml:3:17", "only 3 distinct trials");
    }

    // ---------------------------------------------------------------------- ids

    @Test void trialIdsAreStableAndReadable() {
        String a = parse("grid:\n  batch_size: [64]\n  lr: [1e-3]\n").trials().getFirst().id();
        assertEquals("batch_size=64,lr=0.001", a);
        assertEquals(a, parse("grid:\n  batch_size: [64]\n  lr: [0.001]\n").trials().getFirst().id(), "spelling of a number");
        assertEquals(a, parse("grid:\n  batch_size: [64.0]\n  lr: [1.0e-3]\n").trials().getFirst().id());
        assertEquals(a, parse("base:\n  threads: 1\n  epochs: 3\ngrid:\n  batch_size: [64]\n  lr: [1e-3]\n").trials().getFirst().id(),
                "base keys and threads are not in the id");
        assertEquals(List.of("batch_size=64,lr=0.001", "batch_size=64,lr=0.0003"),
                ids(parse("grid:\n  batch_size: [64]\n  lr: [1e-3, 3e-4]\n")));
        assertEquals(List.of("batch_size=64,lr=0.0003", "batch_size=64,lr=0.001"),
                ids(parse("grid:\n  batch_size: [64]\n  lr: [3e-4, 1e-3]\n")), "reordering values keeps each trial's id");
        assertEquals(List.of("kl_weight=0", "kl_weight=1e-05", "kl_weight=2.5e-07", "kl_weight=0.5", "kl_weight=1"),
                ids(parse("grid:\n  kl_weight: [0, 1e-5, 2.5e-7, 0.5, 1]\n")));
        assertEquals(List.of("backend=cpu", "backend=reference"), ids(parse("grid:\n  backend: [cpu, reference]\n")));
        assertEquals(List.of("lr=1e+06"), ids(parse("grid:\n  lr: [1e6]\n")));
    }

    @Test void valuesFormatShortly() {
        assertEquals("0.0001", Values.format(1e-4));
        assertEquals("3e-05", Values.format(3e-5));
        assertEquals("1.5e-07", Values.format(1.5e-7));
        assertEquals("0.001", Values.format(0.001));
        assertEquals("2", Values.format(2.0));
        assertEquals("64", Values.format(64));
        assertEquals("0", Values.format(0.0));
        assertEquals("123456.5", Values.format(123456.5));
        assertEquals("1e+06", Values.format(1e6));
    }
}
