package cvae.harness.cli;

import cvae.harness.sweep.Plots;
import cvae.harness.sweep.Results;
import cvae.harness.sweep.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code harness report DIR}: the tables and plots of a results folder, rebuilt from its run directories. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Rebuild summary.csv, summary.md, curves.png and samples.png of a results folder from its run directories "
                + "(config.yaml, metrics.csv, run.json, samples/) and its sweep.json when present. Trains nothing.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "A results folder, e.g. results/lr-batch.")
    Path dir;

    @Spec CommandSpec spec;

    @Override public Integer call() throws Exception {
        java.io.PrintWriter con = spec.commandLine().getOut();
        Results.Sweep s = Results.collect(dir);
        Summary.write(s);
        Plots.write(s);
        con.print(Summary.markdown(s));
        if (!s.ignored().isEmpty())
            con.println("\nnot in sweep.json, left out: " + String.join(", ", s.ignored()));
        con.println("\nwrote " + dir.resolve(Summary.CSV) + ", " + Summary.MD + ", " + Plots.CURVES + ", " + Plots.SAMPLES);
        return 0;
    }
}
