package cvae.harness.cli;

import cvae.harness.UserError;
import cvae.harness.sweep.Compare;
import cvae.harness.sweep.Csv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code harness compare A B}: two results tables side by side; exit code 1 when they differ beyond the tolerance. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two results: results folders or summary.csv files (rows matched by trial), or run directories "
                + "or metrics.csv files (rows matched by epoch). Prints every metric of A and B with the difference and marks "
                + "with '!' those outside the tolerance.",
                "Exit code 0 when all are within the tolerance, 1 when any is outside or a row is missing on one side, 2 on a usage error."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A") Path a;
    @Parameters(index = "1", paramLabel = "B") Path b;
    @Option(names = "--tolerance", paramLabel = "X", description = "Relative tolerance: |B - A| <= X * max(|A|, |B|) (default ${DEFAULT-VALUE}).")
    double tolerance = 1e-6;
    @Option(names = "--abs", paramLabel = "X", description = "Absolute tolerance, for values near zero such as gap (default ${DEFAULT-VALUE}).")
    double absolute = 0;
    @Option(names = "--metrics", split = ",", paramLabel = "COL", description = "Compare only these columns (timing columns such as seconds are compared only when named).")
    List<String> metrics;
    @Option(names = "--only-outside", description = "Print only the values outside the tolerance.")
    boolean onlyOutside;
    @Option(names = "--plot", paramLabel = "PNG", description = "Also draw A's and B's test loss curves per trial into PNG "
            + "(needs results folders or run directories, not bare CSV files).")
    Path plot;

    @Spec CommandSpec spec;

    @Override public Integer call() {
        java.io.PrintWriter con = spec.commandLine().getOut();
        if (!(tolerance >= 0) || !(absolute >= 0)) throw new UserError("--tolerance and --abs must be >= 0");
        Csv.Table ta = Compare.load(a), tb = Compare.load(b);
        Compare.Result r = Compare.compare(ta, tb, tolerance, absolute, metrics);
        con.print(Compare.format(r, ta.source(), tb.source(), tolerance, absolute, onlyOutside));
        if (plot != null) {
            java.util.List<cvae.harness.sweep.Results.Trial> ta2 = Compare.trials(a), tb2 = Compare.trials(b);
            if (ta2 == null || tb2 == null) throw new UserError("--plot needs results folders or run directories (the curves are in their metrics.csv files)");
            try {
                cvae.harness.plot.Png.write(plot, cvae.harness.sweep.Plots.comparison(ta2, tb2, a.toString(), b.toString()));
            } catch (java.io.IOException e) {
                throw new UserError("cannot write " + plot + ": " + e.getMessage());
            }
            con.println("wrote " + plot);
        }
        con.flush();
        return r.ok() ? 0 : 1;
    }
}
