package cvae.harness.cli;

import cvae.harness.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * bin/harness caps a training run's Java heap (768 MiB, so that the process stays under 1 GiB
 * resident). A run too large for the heap it gets must say so and how to give it more, with
 * exit code 2 and no stack trace.
 */
class OutOfHeapTest {
    @Test void aRunTooLargeForItsHeapSaysHowToGiveItMore(@TempDir Path tmp) throws Exception {
        TestData.mnist();
        Path data = TestData.repoRoot().resolve("data/mnist");
        // an encoder layer of 794 x 200,000 weights (635 MB): more than the whole heap of 512 MiB
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dcvae.home=" + TestData.repoRoot(), "-cp", System.getProperty("java.class.path"), "cvae.harness.Main",
                "train", "--epochs", "1", "--encoder-hidden", "200000", "--no-quality",
                "--data", data.toString(), "--out", tmp.resolve("run").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run took too long");
        String log = Files.readString(tmp.resolve("log"));
        assertEquals(2, p.exitValue(), log);
        assertTrue(log.contains("error: out of Java heap (512 MiB)"), log);
        assertTrue(log.contains("CVAE_JAVA_OPTS=-Xmx"), log);
        assertFalse(log.contains("\tat "), "no stack trace: " + log);
    }
}
