package cvae.harness.train;

import cvae.harness.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The curve must not depend on when the JIT compiles what: a run in a JVM that only
 * interprets (-Xint, where every Vector API op takes its Java fallback) gives the same
 * bits as a run with the JIT's intrinsics. This once failed: reduceLanes and
 * lanewise(EXP) round differently compiled and interpreted, and a resumed run drifted.
 */
class JitIndependenceTest {
    static final List<String> ARGS = List.of("train", "--epochs", "1", "--batch-size", "16", "--train-limit", "48",
            "--test-limit", "16", "--eval-batch", "16", "--threads", "2", "--latent", "4", "--encoder-hidden", "40",
            "--prior-hidden", "8", "--decoder-hidden", "36", "--no-quality");   // the classifier would take minutes interpreted

    @Test void interpretedAndCompiledRunsGiveTheSameCurve(@TempDir Path tmp) throws Exception {
        TestData.mnist();
        Path data = TestData.repoRoot().resolve("data/mnist");
        List<String> jit = new ArrayList<>(ARGS);
        jit.addAll(List.of("--data", data.toString(), "--out", tmp.resolve("jit").toString()));
        assertEquals(0, cvae.harness.Main.run(jit.toArray(String[]::new)));

        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xint",
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dcvae.home=" + TestData.repoRoot(),
                "-cp", System.getProperty("java.class.path"), "cvae.harness.Main"));
        cmd.addAll(ARGS);
        cmd.addAll(List.of("--data", data.toString(), "--out", tmp.resolve("int").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("int.log").toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the interpreted run took too long");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("int.log")));

        assertEquals(rows(tmp.resolve("jit/metrics.csv")), rows(tmp.resolve("int/metrics.csv")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("jit/samples/epoch0000.png")),
                Files.readAllBytes(tmp.resolve("int/samples/epoch0000.png")), "the same samples, pixel for pixel");
    }

    static List<String> rows(Path metrics) throws Exception {
        return MetricsCsv.read(metrics, 1).stream().map(EpochMetrics::deterministicPart).toList();
    }
}
