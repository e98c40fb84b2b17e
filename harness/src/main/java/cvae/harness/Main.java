package cvae.harness;

import cvae.harness.cli.ClassifierCommand;
import cvae.harness.cli.CompareCommand;
import cvae.harness.cli.DataCommand;
import cvae.harness.cli.EvalCommand;
import cvae.harness.cli.FindingsCommand;
import cvae.harness.cli.InfoCommand;
import cvae.harness.cli.ReportCommand;
import cvae.harness.cli.SweepCommand;
import cvae.harness.cli.TrainCommand;
import cvae.kernels.BackendUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code ./harness} command line. */
@Command(name = "harness", mixinStandardHelpOptions = true, version = "cvae-harness 0.1",
        description = "Train, sweep and compare conditional VAEs on MNIST.",
        subcommands = {TrainCommand.class, SweepCommand.class, ReportCommand.class, CompareCommand.class, EvalCommand.class,
                InfoCommand.class, DataCommand.class, ClassifierCommand.class, FindingsCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the CLI with picocli's output and error streams given (tests read them). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // A user's mistake or a missing backend: the message alone, no stack trace.
            if (ex instanceof UserError || ex instanceof BackendUnavailableException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // bin/harness caps a training run's heap (see there): a run much larger than the
            // default model at batch 1024 can need more
            err.println("error: out of Java heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): this run needs more; "
                    + "give it more with CVAE_JAVA_OPTS=-Xmx<size> (e.g. CVAE_JAVA_OPTS=-Xmx4g bin/harness " + String.join(" ", args) + ")");
            return 2;
        }
    }

    @Override public void run() {
        new CommandLine(this).usage(new PrintWriter(System.out, true));
    }
}
