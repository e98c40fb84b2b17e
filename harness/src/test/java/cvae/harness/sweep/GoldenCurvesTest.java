package cvae.harness.sweep;

import cvae.harness.TestData;
import cvae.harness.cli.TrainConfigYaml;
import cvae.harness.io.AtomicFiles;
import cvae.harness.io.Json;
import cvae.harness.train.EpochMetrics;
import cvae.harness.train.TrainConfig;
import cvae.harness.train.Trainer;
import cvae.kernels.Backend;
import cvae.kernels.Backends;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Regression test on loss curves: short deterministic runs (2 epochs on the first 2000
 * training and 1000 test images, batch 64 and 256) must give the committed golden curves
 * of {@code harness/src/test/resources/golden/<name>/metrics.csv}, compared with
 * {@code compare}'s logic at a relative tolerance of 1e-6 (the cpu backend gives the same
 * bits for any thread count; on a CPU with another vector width, sums group differently and
 * 1e-3 applies).
 *
 * <p>When a change is meant to move the curve, re-bless: {@code bin/harness bless-golden}
 * (which runs this test with {@code -Dcvae.bless=true}: it writes the golden files instead
 * of comparing), then review and commit the diff of {@code golden/}.
 */
class GoldenCurvesTest {
    static final double TOLERANCE = 1e-6, OTHER_WIDTH_TOLERANCE = 1e-3;

    /** The golden runs: name and the keys that differ from the defaults. */
    static final Map<String, Map<String, Object>> RUNS = new LinkedHashMap<>();

    static {
        Map<String, Object> common = Map.of("epochs", 2, "train_limit", 2000, "test_limit", 1000, "eval_batch", 500, "threads", 2);
        Map<String, Object> b64 = new LinkedHashMap<>(common);
        b64.put("batch_size", 64);
        Map<String, Object> b256 = new LinkedHashMap<>(common);
        b256.put("batch_size", 256);
        b256.put("lr", 3e-3);
        b256.put("kl_weight", 1e-3);
        RUNS.put("b64-lr1e-3", b64);
        RUNS.put("b256-lr3e-3-kl1e-3", b256);
    }

    static Path goldenDir() {
        return TestData.repoRoot().resolve("harness/src/test/resources/golden");
    }

    static boolean blessing() {
        return Boolean.getBoolean("cvae.bless");
    }

    @Test void shortRunsReproduceTheGoldenCurves(@TempDir Path tmp) throws Exception {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> run : RUNS.entrySet()) {
            Path golden = goldenDir().resolve(run.getKey());
            TrainConfig cfg;
            if (blessing()) {
                cfg = TrainConfig.defaults().with(run.getValue(), "golden").validate("golden");
            } else {
                assertTrue(Files.exists(golden.resolve("metrics.csv")),
                        golden + " is missing: run `bin/harness bless-golden` to create the golden curves");
                cfg = TrainConfigYaml.parse(Files.readString(golden.resolve("config.yaml")), golden.resolve("config.yaml").toString());
            }
            Path out = tmp.resolve(run.getKey());
            List<EpochMetrics> rows;
            try (Backend be = Backends.open(cfg.backend(), cfg.resolvedThreads())) {
                rows = new Trainer(cfg, be, TestData.mnist(), out, new PrintStream(new ByteArrayOutputStream())).run(false).epochs();
            }
            String csv = "epoch,train_loss,train_mse,train_kl,test_loss,test_mse,test_kl\n"
                    + String.join("\n", rows.stream().map(EpochMetrics::deterministicPart).toList()) + "\n";
            if (blessing()) {
                AtomicFiles.writeString(golden.resolve("config.yaml"), cfg.toYaml());
                AtomicFiles.writeString(golden.resolve("metrics.csv"), csv);
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("vector_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
                info.put("jdk", Runtime.version().toString());
                info.put("blessed", Instant.now().toString().substring(0, 10));
                AtomicFiles.writeString(golden.resolve("blessed.json"), Json.write(info) + "\n");
                System.out.println("blessed " + golden);
                continue;
            }
            Object bits = ((Map<?, ?>) Json.parse(Files.readString(golden.resolve("blessed.json")))).get("vector_bits");
            boolean sameWidth = bits instanceof Number n && n.intValue() == FloatVector.SPECIES_PREFERRED.vectorBitSize();
            double tol = sameWidth ? TOLERANCE : OTHER_WIDTH_TOLERANCE;
            Csv.Table want = Csv.read(golden.resolve("metrics.csv")), got = Csv.parse(csv, out.resolve("metrics.csv").toString());
            Compare.Result r = Compare.compare(want, got, tol, 0, null);
            assertEquals(6, r.metrics().size());
            assertEquals(cfg.epochs() * 6, r.cells().size(), "every epoch compared");
            if (!r.ok()) failures.add(run.getKey() + (sameWidth ? "" : " (golden made with " + bits + "-bit vectors)") + ":\n"
                    + Compare.format(r, "golden " + golden, "this build", tol, 0, false));
        }
        assertTrue(failures.isEmpty(), "the loss curves moved; if that is intended, run `bin/harness bless-golden` and commit "
                + "harness/src/test/resources/golden/\n" + String.join("\n", failures));
    }
}
