package cvae.harness.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar with rate and ETA on stderr while an epoch trains, redrawn at most
 * ten times a second; only when stderr is a terminal (in CI logs the per-epoch line
 * printed by the trainer is enough).
 */
final class Progress {
    private final PrintStream out;
    private final boolean enabled;
    private int epoch, epochs, steps;
    private long t0, lastDraw;

    Progress(PrintStream log) {
        this.out = System.err;
        java.io.Console c = System.console();
        this.enabled = c != null && c.isTerminal() && !"false".equals(System.getProperty("cvae.progress"));
    }

    void start(int epoch, int epochs, int steps) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.steps = steps;
        this.t0 = System.nanoTime();
        this.lastDraw = 0;
    }

    void step(int done) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < steps) return;
        lastDraw = now;
        double s = (now - t0) / 1e9, rate = done / Math.max(s, 1e-9), eta = (steps - done) / Math.max(rate, 1e-9);
        int width = 30, filled = (int) ((long) width * done / steps);
        out.print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d steps  %.0f steps/s  ETA %.1f s ",
                epoch, epochs - 1, "#".repeat(filled), ".".repeat(width - filled), done, steps, rate, eta));
        out.flush();
    }

    void end() {
        if (enabled) { out.print("\r" + " ".repeat(100) + "\r"); out.flush(); }
    }
}
