package cvae.harness.sweep;

import cvae.harness.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** compare: matching rows, tolerance, marks and exit codes (0 same, 1 different, 2 usage error). */
class CompareTest {
    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    static final String HEADER = "trial,batch_size,lr,final_test_loss,best_test_loss,best_epoch,final_train_loss,gap,final_test_mse,"
            + "final_test_kl,status,epochs_done,diverged_at,seconds,samples_per_s\n";

    static Path summary(Path dir, String name, String... rows) throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("summary.csv"), HEADER + String.join("\n", rows) + "\n");
        return d;
    }

    static final String R1 = "\"batch_size=64,lr=0.001\",64,0.001,0.0300000000,0.0290000000,14,0.0280000000,0.00200000000,0.0290000000,40.0,finished,16,,100.0,5000.0";
    static final String R2 = "\"batch_size=64,lr=1e+06\",64,1e+06,NaN,,,NaN,NaN,NaN,NaN,diverged,1,0,3.0,4000.0";

    @Test void identicalResultsExitZeroEvenWithOtherTimings(@TempDir Path tmp) throws Exception {
        Path a = summary(tmp, "a", R1, R2);
        Path b = summary(tmp, "b", R1.replace("100.0,5000.0", "90.0,5500.0"), R2);
        Outcome o = run("compare", a.toString(), b.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("OK: 0 of 20 values outside"), o.out());
        assertTrue(o.out().contains("final_test_loss") && o.out().contains("batch_size=64,lr=0.001"), o.out());
        assertFalse(o.out().contains("seconds"), "timing columns are left out by default");
        // a summary.csv file works as well as its folder; naming a timing column compares it
        assertEquals(1, run("compare", a.resolve("summary.csv").toString(), b.toString(), "--metrics", "seconds").code());
    }

    @Test void aDifferenceOutsideTheToleranceIsMarkedAndExitsOne(@TempDir Path tmp) throws Exception {
        Path a = summary(tmp, "a", R1, R2);
        Path b = summary(tmp, "b", R1.replace("0.0300000000,", "0.0300003000,"), R2);   // 1e-5 relative
        Outcome o = run("compare", a.toString(), b.toString());
        assertEquals(1, o.code());
        String line = o.out().lines().filter(l -> l.contains("final_test_loss") && l.contains("lr=0.001")).findFirst().orElseThrow();
        assertTrue(line.startsWith("!"), "marked: " + line);
        assertTrue(line.contains("0.0300000000") && line.contains("0.0300003000") && line.contains("3.00e-07"), line);
        assertTrue(o.out().contains("DIFFERENT: 1 of 20"), o.out());
        assertEquals(0, run("compare", a.toString(), b.toString(), "--tolerance", "1e-4").code(), "within a looser tolerance");
        assertEquals(0, run("compare", a.toString(), b.toString(), "--tolerance", "0", "--abs", "1e-6").code(), "absolute tolerance");
    }

    @Test void statusAndMissingTrialsAreDifferences(@TempDir Path tmp) throws Exception {
        Path a = summary(tmp, "a", R1, R2);
        Path b = summary(tmp, "b", R1.replace(",finished,", ",incomplete,"));
        Outcome o = run("compare", a.toString(), b.toString());
        assertEquals(1, o.code());
        assertTrue(o.out().contains("! only in A: trial batch_size=64,lr=1e+06"), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.startsWith("!") && l.contains("status") && l.contains("differs")), o.out());
    }

    @Test void runDirectoriesAreComparedByEpoch(@TempDir Path tmp) throws Exception {
        String h = "epoch,train_loss,train_mse,train_kl,test_loss,test_mse,test_kl,seconds,samples_per_s,eval_seconds\n";
        Files.createDirectories(tmp.resolve("r1"));
        Files.createDirectories(tmp.resolve("r2"));
        Files.writeString(tmp.resolve("r1/metrics.csv"), h + "0,0.1,0.09,100,0.08,0.07,90,1.0,100,0.1\n1,0.05,0.04,50,0.04,0.03,40,1.0,100,0.1\n");
        Files.writeString(tmp.resolve("r2/metrics.csv"), h + "0,0.1,0.09,100,0.08,0.07,90,2.0,50,0.2\n1,0.05,0.04,50,0.04,0.03,40.001,2.0,50,0.2\n");
        Outcome o = run("compare", tmp.resolve("r1").toString(), tmp.resolve("r2").toString(), "--only-outside");
        assertEquals(1, o.code());
        assertTrue(o.out().contains("epoch") && o.out().contains("test_kl"), o.out());
        assertEquals(List.of("!"), o.out().lines().filter(l -> l.contains("test_kl")).map(l -> l.substring(0, 1)).toList(),
                "only the one value outside, marked: " + o.out());
        Compare.Result r = Compare.compare(Compare.load(tmp.resolve("r1")), Compare.load(tmp.resolve("r2")), 1e-4, 0, null);
        assertTrue(r.ok());
        assertEquals(List.of("train_loss", "train_mse", "train_kl", "test_loss", "test_mse", "test_kl"), r.metrics());
    }

    @Test void usageErrorsExitTwo(@TempDir Path tmp) throws Exception {
        Path a = summary(tmp, "a", R1);
        Outcome o = run("compare", a.toString(), tmp.resolve("nope").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("nope") && o.err().contains("no such file"), o.err());
        Files.createDirectories(tmp.resolve("empty"));
        assertEquals(2, run("compare", a.toString(), tmp.resolve("empty").toString()).code());
        assertEquals(2, run("compare", a.toString(), a.toString(), "--metrics", "final_tset_loss").code());
        Files.writeString(tmp.resolve("bad.csv"), "trial,x\n\"unterminated,1\n");
        assertEquals(2, run("compare", a.toString(), tmp.resolve("bad.csv").toString()).code());
    }

    @Test void withinTolerance() {
        assertTrue(Compare.within("NaN", "NaN", 0, 0));
        assertTrue(Compare.within("1", "1.0", 0, 0));
        assertTrue(Compare.within("1.0", "1.0000001", 1e-6, 0));
        assertFalse(Compare.within("1.0", "1.000002", 1e-6, 0));
        assertFalse(Compare.within("NaN", "1.0", 1, 1));
        assertFalse(Compare.within("Infinity", "1e308", 1, 0));
        assertTrue(Compare.within("", "", 0, 0));
        assertFalse(Compare.within("finished", "diverged", 1, 1));
    }

    @Test void csvQuotesFieldsWithCommas() {
        String text = Csv.write(List.of("trial", "x"), List.of(List.of("a=1,b=2", "say \"hi\""), List.of("c", "")));
        assertEquals("trial,x\n\"a=1,b=2\",\"say \"\"hi\"\"\"\nc,\n", text);
        Csv.Table t = Csv.parse(text, "t");
        assertEquals(List.of(List.of("a=1,b=2", "say \"hi\""), List.of("c", "")), t.rows());
    }
}
