package cvae.harness.cli;

import cvae.harness.Main;
import cvae.harness.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A user's mistakes: a clear message naming the value or file, exit code 2, no stack trace. */
class CliTest {
    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    static void userError(Outcome o, String... mustContain) {
        assertEquals(2, o.code(), "exit code; stderr was: " + o.err());
        for (String s : mustContain) assertTrue(o.err().contains(s), "stderr should name '" + s + "': " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test void impossibleValuesAreRefusedBeforeAnythingRuns(@TempDir Path tmp) {
        userError(run("train", "--batch-size", "0", "--out", tmp.resolve("a").toString()), "batch_size", "0", "positive");
        userError(run("train", "--lr", "-1", "--out", tmp.resolve("a").toString()), "lr", "-1.0");
        userError(run("train", "--kl-weight", "-0.5", "--out", tmp.resolve("a").toString()), "kl_weight");
        userError(run("train", "--epochs", "0", "--out", tmp.resolve("a").toString()), "epochs");
        userError(run("train", "--backend", "tpu", "--out", tmp.resolve("a").toString()), "backend", "tpu", "cpu, reference, cuda");
        userError(run("train", "--normalize", "zscore", "--out", tmp.resolve("a").toString()), "normalize", "zscore", "none, standard");
        userError(run("train", "--quality-samples", "0", "--out", tmp.resolve("a").toString()), "--quality-samples", "0");
        // a named classifier that is not there is a typo: refused, not trained at that path
        userError(run("train", "--classifier", tmp.resolve("typo.safetensors").toString(), "--out", tmp.resolve("a").toString()),
                "typo.safetensors", "no such file");
        assertFalse(Files.exists(tmp.resolve("typo.safetensors")));
        assertFalse(Files.exists(tmp.resolve("a")), "nothing written for a refused run");
    }

    @Test void aMissingDataFolderIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-mnist");
        userError(run("train", "--epochs", "1", "--data", missing.toString(), "--out", tmp.resolve("r").toString()), missing.toString());
    }

    @Test void aMissingCheckpointIsNamed(@TempDir Path tmp) {
        Path ckpt = tmp.resolve("nothing.safetensors");
        userError(run("eval", "--checkpoint", ckpt.toString()), ckpt.toString());
        userError(run("eval", "--checkpoint", ckpt.toString(), "--z", "median"), "--z", "median");
    }

    @Test void anExistingRunIsNotOverwrittenWithoutResume(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("run"));
        Files.writeString(tmp.resolve("run/metrics.csv"), "epoch\n");
        userError(run("train", "--out", tmp.resolve("run").toString()), "already holds a run", "--resume");
        assertEquals("epoch\n", Files.readString(tmp.resolve("run/metrics.csv")));
    }

    @Test void cudaWithoutAGpuSaysWhatIsMissing(@TempDir Path tmp) {
        Outcome o = run("train", "--backend", "cuda", "--epochs", "1", "--out", tmp.resolve("c").toString());
        org.junit.jupiter.api.Assumptions.assumeTrue(o.code() != 0, "a GPU is present here: the cuda backend ran");
        userError(o, "cuda", "To fix");
    }

    @Test void trainThenEvalOnTheRealData(@TempDir Path tmp) {
        TestData.mnist();                                  // skips with a reason when MNIST is absent
        Path data = TestData.repoRoot().resolve("data/mnist");
        Outcome t = run("train", "--epochs", "1", "--train-limit", "640", "--test-limit", "200", "--data", data.toString(),
                "--out", tmp.resolve("r").toString());
        assertEquals(0, t.code(), t.err());
        Outcome e = run("eval", "--checkpoint", tmp.resolve("r/checkpoint.safetensors").toString(), "--z", "mean",
                "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        Outcome i = run("info");
        assertEquals(0, i.code(), i.err());
    }
}
