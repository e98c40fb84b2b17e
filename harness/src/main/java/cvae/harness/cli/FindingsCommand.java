package cvae.harness.cli;

import cvae.harness.sweep.Findings;
import cvae.harness.sweep.Results;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bin/harness findings DIR...}: per-epoch means over seeds of every metric, the numbers behind results/findings.md. */
@Command(name = "findings", mixinStandardHelpOptions = true,
        description = "For each results folder, group its trials by their swept values other than the seed and write "
                + "findings.md (per epoch: mean over seeds and range of the losses and sample-quality metrics) and "
                + "findings.png into it. Trains nothing.")
public final class FindingsCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Results folders, e.g. results/findings.")
    List<Path> dirs;

    @Spec CommandSpec spec;

    @Override public Integer call() throws Exception {
        java.io.PrintWriter con = spec.commandLine().getOut();
        for (Path d : dirs) {
            Results.Sweep s = Results.collect(d);
            con.print(Findings.write(s));
            con.println("\nwrote " + d.resolve(Findings.MD) + (java.nio.file.Files.exists(d.resolve(Findings.PNG)) ? " and " + d.resolve(Findings.PNG) : ""));
        }
        return 0;
    }
}
