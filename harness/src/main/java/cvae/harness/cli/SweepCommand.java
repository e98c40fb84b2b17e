package cvae.harness.cli;

import cvae.harness.UserError;
import cvae.harness.sweep.Experiment;
import cvae.harness.sweep.SweepRunner;
import cvae.harness.train.RunInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code harness sweep FILE}: every trial of an experiment file, resumable, in parallel. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run the trials of an experiment file (YAML) into results/<name>/<trial-id>/ and write summary.csv, "
                + "summary.md, curves.png and samples.png there.",
                "Rerunning the same command skips finished trials and resumes interrupted ones from their last checkpoint. "
                + "Exit code 0 when every trial finished or diverged, 1 when a trial failed, 2 for a mistake in the file or options."})
public final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The experiment file, e.g. experiments/lr-batch.yaml.")
    Path file;
    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Trials run at once (default: one per core; 1 on cuda).")
    int jobs;
    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: results/<name> in the repository).")
    Path out;
    @Option(names = "--backend", description = "cpu, reference or cuda for every trial (default: the file's, else cpu).")
    String backend;
    @Option(names = "--threads", paramLabel = "N", description = "cpu threads per trial (default: cores / jobs; results do not depend on it).")
    Integer threads;
    @Option(names = "--new", description = "Accept a changed experiment: unchanged trials are kept, changed or removed ones are moved to _superseded/.")
    boolean acceptChanged;
    @Option(names = "--dry-run", description = "List the trials and where they go, train nothing.")
    boolean dryRun;
    @Option(names = {"-v", "--verbose"}, description = "Print every epoch of every trial.")
    boolean verbose;
    @Mixin DataOptions data;

    @Spec CommandSpec spec;

    @Override public Integer call() throws Exception {
        java.io.PrintWriter con = spec.commandLine().getOut();
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (backend != null) overrides.put("backend", backend);
        if (jobs < 0) throw new UserError("--jobs " + jobs + ": expected a positive count (or 0 for one per core)");
        if (threads != null && threads < 1) throw new UserError("--threads " + threads + ": expected a positive count");
        Experiment exp = Experiment.load(file, overrides);
        Path dir = out != null ? out : RunInfo.home().resolve("results").resolve(exp.name());
        if (dryRun) {
            con.println(exp.name() + ": " + exp.trials().size() + " trials -> " + dir);
            for (Experiment.Trial t : exp.trials())
                con.println("  " + t.id() + "  (" + t.config().epochs() + " epochs, batch " + t.config().batchSize() + ", lr "
                        + cvae.harness.sweep.Values.format(t.config().lr()) + ", w_KL " + cvae.harness.sweep.Values.format(t.config().klWeight())
                        + ", seed " + t.config().seed() + ")");
            return 0;
        }
        // A backend that cannot run here (cuda without a GPU) fails once, at once, not once per trial.
        for (String b : exp.trials().stream().map(t -> t.config().backend()).distinct().toList())
            if (!b.equals("cpu") && !b.equals("reference")) cvae.kernels.Backends.open(b, 1).close();
        return new SweepRunner(exp, dir, new SweepRunner.Options(jobs, threads, acceptChanged, verbose), con).run(data::load);
    }
}
