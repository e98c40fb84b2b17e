package cvae.harness.cli;

import cvae.kernels.Backends;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;

/** {@code ./harness info}: the backends available here, the vector species, the CPU. */
@Command(name = "info", description = "Show the backends available here, the vector species, the CPU and cores.")
public final class InfoCommand implements Runnable {
    @Override public void run() {
        System.out.println("java:    " + System.getProperty("java.vm.vendor") + " " + Runtime.version());
        System.out.println("cpu:     " + cvae.harness.train.RunInfo.cpuModel() + ", "
                + Runtime.getRuntime().availableProcessors() + " core(s) available");
        System.out.println("vector:  preferred species " + FloatVector.SPECIES_PREFERRED + " ("
                + FloatVector.SPECIES_PREFERRED.length() + " floats)");
        System.out.println("backends:");
        System.out.print(Backends.info());
    }
}
