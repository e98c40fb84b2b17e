package cvae.harness.sweep;

import cvae.harness.Main;
import cvae.harness.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Short real sweeps in this JVM: divergence, skipping what is done, report, changed experiments, the lock. */
class SweepTest {
    /** Small and quick: a subset of MNIST, a narrow model, 2 epochs. */
    static final String BASE = "base:\n  epochs: 2\n  train_limit: 512\n  test_limit: 200\n  eval_batch: 200\n"
            + "  latent: 8\n  encoder_hidden: 64\n  prior_hidden: 16\n  decoder_hidden: 64\n";

    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    static Outcome sweep(Path file, Path out, String... more) {
        TestData.mnist();
        List<String> args = new ArrayList<>(List.of("sweep", file.toString(), "--out", out.toString(),
                "--data", TestData.repoRoot().resolve("data/mnist").toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    static Path write(Path dir, String name, String yaml) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, "name: " + name + "\n" + yaml);
        return f;
    }

    @Test void aDivergedTrialIsMarkedWithItsEpochAndTheSweepGoesOn(@TempDir Path tmp) throws Exception {
        Path f = write(tmp, "div", BASE + "grid:\n  lr: [1.0e-3, 1.0e6]\n");
        Path out = tmp.resolve("out");
        Outcome o = sweep(f, out, "--jobs", "1");
        assertEquals(0, o.code(), "a divergence is a result, not a failure: " + o.out() + o.err());
        assertTrue(o.out().contains("DIVERGED lr=1e+06  at epoch 0"), o.out());
        assertTrue(o.out().contains("done    lr=0.001"), o.out());

        assertTrue(Files.readString(out.resolve("lr=1e+06/run.json")).contains("\"status\":\"diverged at epoch 0\""));
        assertTrue(Files.readString(out.resolve("lr=0.001/run.json")).contains("\"status\":\"finished\""));
        Csv.Table s = Csv.read(out.resolve("summary.csv"));
        List<String> div = s.rows().get(1), ok = s.rows().get(0);
        assertEquals("lr=1e+06", div.get(s.column("trial")));
        assertEquals("diverged", div.get(s.column("status")));
        assertEquals("0", div.get(s.column("diverged_at")));
        assertEquals("NaN", div.get(s.column("final_test_loss")));
        assertEquals("finished", ok.get(s.column("status")));
        assertEquals("2", ok.get(s.column("epochs_done")));
        assertEquals("", ok.get(s.column("diverged_at")));
        assertTrue(Files.readString(out.resolve("summary.md")).contains("diverged at epoch 0"));

        // run again: both are done, nothing is retrained
        String before = Files.readString(out.resolve("lr=1e+06/metrics.csv"));
        Outcome again = sweep(f, out);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("skipping 2 of 2 trials already done (1 finished, 1 diverged)"), again.out());
        assertFalse(again.out().contains("start "), again.out());
        assertEquals(before, Files.readString(out.resolve("lr=1e+06/metrics.csv")));
    }

    @Test void reportRebuildsTheTablesAndPlotsFromTheRunDirectories(@TempDir Path tmp) throws Exception {
        Path f = write(tmp, "rep", BASE + "grid:\n  batch_size: [32, 64]\n  lr: [1.0e-3, 3.0e-3]\n");
        Path out = tmp.resolve("out");
        assertEquals(0, sweep(f, out).code());
        List<String> files = List.of("summary.csv", "summary.md", "curves.png", "samples.png");
        List<byte[]> written = new ArrayList<>();
        for (String n : files) written.add(Files.readAllBytes(out.resolve(n)));
        String csv = Files.readString(out.resolve("summary.csv"));
        assertEquals(5, csv.lines().count(), csv);
        assertTrue(csv.startsWith("trial,batch_size,lr,final_test_loss,best_test_loss,best_epoch,final_train_loss,gap,"
                + "final_test_mse,final_test_kl,final_cond_acc,status,epochs_done,diverged_at,seconds,samples_per_s\n"), csv);
        assertTrue(csv.contains("\n\"batch_size=32,lr=0.001\",32,0.001,"), csv);

        for (String n : files) Files.delete(out.resolve(n));
        Outcome o = run("report", out.toString());
        assertEquals(0, o.code(), o.err());
        for (int i = 0; i < files.size(); i++)
            assertArrayEquals(written.get(i), Files.readAllBytes(out.resolve(files.get(i))), files.get(i) + " rebuilt identically");

        // without the manifest too: the swept keys are those that differ, rows sorted by them
        Files.delete(out.resolve("sweep.json"));
        Files.delete(out.resolve("summary.csv"));
        assertEquals(0, run("report", out.toString()).code());
        assertEquals(csv, Files.readString(out.resolve("summary.csv")));

        assertEquals(2, run("report", tmp.resolve("nothing").toString()).code());

        // compare a sweep with itself: all within, and --plot draws both sides' curves
        Outcome c = run("compare", out.toString(), out.toString(), "--tolerance", "0", "--plot", tmp.resolve("cmp.png").toString());
        assertEquals(0, c.code(), c.out() + c.err());
        assertTrue(c.out().contains("OK: 0 of 44 values outside"), c.out());   // 4 trials × 11 metrics
        assertTrue(Files.size(tmp.resolve("cmp.png")) > 1000);
    }

    @Test void aChangedExperimentIsRefusedUnlessNew(@TempDir Path tmp) throws Exception {
        Path f = write(tmp, "chg", BASE + "grid:\n  lr: [1.0e-3, 3.0e-3]\n");
        Path out = tmp.resolve("out");
        assertEquals(0, sweep(f, out).code());
        String metrics = Files.readString(out.resolve("lr=0.001/metrics.csv"));

        // comments and spelling change nothing: accepted, nothing to do
        Files.writeString(f, "# a comment\n" + Files.readString(f).replace("1.0e-3", "0.001"));
        Outcome same = sweep(f, out);
        assertEquals(0, same.code(), same.err());
        assertTrue(same.out().contains("all 2 trials of chg are done"), same.out());

        // another base and one more trial: refused before anything runs
        Files.writeString(f, "name: chg\n" + BASE.replace("epochs: 2", "epochs: 1") + "grid:\n  lr: [1.0e-3, 3.0e-3, 1.0e-2]\n");
        Outcome refused = sweep(f, out);
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("holds a sweep of a different experiment"), refused.err());
        assertTrue(refused.err().contains("trial lr=0.001 changed: epochs 2 -> 1"), refused.err());
        assertTrue(refused.err().contains("new trial lr=0.01"), refused.err());
        assertTrue(refused.err().contains("--new"), refused.err());
        assertEquals(metrics, Files.readString(out.resolve("lr=0.001/metrics.csv")), "nothing touched");
        assertFalse(Files.exists(out.resolve("lr=0.01")));

        // --new: the changed trials move to _superseded/, the new experiment runs
        Outcome accepted = sweep(f, out, "--new");
        assertEquals(0, accepted.code(), accepted.err());
        try (var s = Files.list(out.resolve("_superseded"))) {
            Path archive = s.findFirst().orElseThrow();
            assertEquals(metrics, Files.readString(archive.resolve("lr=0.001/metrics.csv")));
            assertTrue(Files.exists(archive.resolve("sweep.json")));
        }
        assertEquals(3, Csv.read(out.resolve("summary.csv")).rows().size());
        assertEquals(2, Files.readAllLines(out.resolve("lr=0.001/metrics.csv")).size(), "retrained with 1 epoch");

        // a folder of run directories that is not this sweep's is refused too
        Files.delete(out.resolve("sweep.json"));
        Outcome stray = sweep(f, out);
        assertEquals(2, stray.code());
        assertTrue(stray.err().contains("no sweep.json"), stray.err());
    }

    @Test void errorsAndTheLockComeBeforeAnyTraining(@TempDir Path tmp) throws Exception {
        Path bad = write(tmp, "bad", BASE + "grid:\n  batch_size: [64, 0]\n");
        Outcome o = sweep(bad, tmp.resolve("out"));
        assertEquals(2, o.code());
        assertTrue(o.err().contains(bad + ":12:20: batch_size = 0 is not valid"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");

        Path f = write(tmp, "lock", BASE + "grid:\n  lr: [1.0e-3]\n");
        Path out = tmp.resolve("locked");
        Files.createDirectories(out);
        try (FileChannel ch = FileChannel.open(out.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Outcome l = sweep(f, out);
            assertEquals(2, l.code());
            assertTrue(l.err().contains("another sweep is running"), l.err());
        }
        assertFalse(Files.exists(out.resolve("lr=0.001")));

        Outcome dry = run("sweep", f.toString(), "--dry-run", "--out", out.toString());
        assertEquals(0, dry.code());
        assertTrue(dry.out().contains("lock: 1 trials") && dry.out().contains("  lr=0.001  (2 epochs"), dry.out());
    }
}
