package cvae.harness.sweep;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The sweep's console output: one line per trial start and end (on stdout) and an overall bar
 * with the fraction of the work done and an ETA. On a terminal the bar is redrawn in place on
 * stderr (at most four times a second); otherwise (CI logs, files) the same figures close every
 * trial's end line.
 *
 * <p>Work is counted in training images (epochs × images per epoch, summed over trials); the
 * ETA divides what is left by the rate of this invocation (work done before a resume counts as
 * done but not towards the rate).
 */
final class SweepProgress {
    private final PrintWriter out;
    private final PrintStream err;
    private final boolean bar;
    private final long t0 = System.nanoTime();
    private final int trials;
    private long total, done, session, lastDraw;
    private int ended;
    private boolean drawn;

    SweepProgress(PrintWriter out, int trials, boolean bar) {
        this.out = out;
        this.err = System.err;
        this.trials = trials;
        this.bar = bar;
    }

    /** Whether stderr is a terminal that can show a live bar (and -Dcvae.progress=false does not forbid it). */
    static boolean terminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() && !"false".equals(System.getProperty("cvae.progress"));
    }

    synchronized void addTotal(long work) { total += work; }

    /** Work done earlier (finished trials, resumed epochs): counts as done, not towards the rate. */
    synchronized void addDoneBefore(long work) { done += work; }

    synchronized void addWork(long work) {
        done += work;
        session += work;
        long now = System.nanoTime();
        if (bar && now - lastDraw > 250_000_000L) draw();
    }

    synchronized void trialEnded() { ended++; }

    synchronized int ended() { return ended; }

    /** Prints a line above the bar. */
    synchronized void line(String s) {
        clear();
        out.println(s);
        out.flush();
        if (bar) draw();
    }

    /** "[3/12 trials, 27%, 1m20s, ETA 4m10s]". */
    synchronized String status() {
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return String.format(Locale.ROOT, "[%d/%d trials, %.0f%%, %s, ETA %s]", ended, trials, percent(), duration(elapsed), eta(elapsed));
    }

    synchronized void end() {
        clear();
    }

    private double percent() {
        return total > 0 ? 100.0 * Math.min(done, total) / total : 0;
    }

    private String eta(double elapsed) {
        if (done >= total) return "0s";
        if (session <= 0 || elapsed <= 0) return "?";
        return duration((total - done) * elapsed / session);
    }

    private void draw() {
        double elapsed = (System.nanoTime() - t0) / 1e9;
        int width = 30, filled = (int) Math.round(width * percent() / 100);
        err.print(String.format(Locale.ROOT, "\rsweep [%s%s] %3.0f%%  %d/%d trials  %s elapsed  ETA %s ",
                "#".repeat(filled), ".".repeat(width - filled), percent(), ended, trials, duration(elapsed), eta(elapsed)));
        err.flush();
        drawn = true;
        lastDraw = System.nanoTime();
    }

    private void clear() {
        if (drawn) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
            drawn = false;
        }
    }

    static String duration(double s) {
        if (!Double.isFinite(s)) return "?";
        long t = Math.round(s);
        if (t < 60) return t + "s";
        if (t < 3600) return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
        return String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60);
    }
}
