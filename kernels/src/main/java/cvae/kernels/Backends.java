package cvae.kernels;

import cvae.kernels.cpu.CpuBackend;
import cvae.kernels.cuda.CudaBackend;
import cvae.kernels.reference.ReferenceBackend;

import java.util.List;

/** Opens a backend by the name given on the command line. */
public final class Backends {
    public static final List<String> NAMES = List.of("cpu", "reference", "cuda");

    private Backends() {}

    /**
     * @param threads threads for the cpu backend (0: every core)
     * @throws BackendUnavailableException when the backend cannot run here, saying why
     */
    public static Backend open(String name, int threads) {
        Backend b = openPlain(name, threads);
        // -Dcvae.profile=true: time every op and print the table when the backend closes
        return Boolean.getBoolean("cvae.profile") ? new ProfilingBackend(b) : b;
    }

    private static Backend openPlain(String name, int threads) {
        return switch (name) {
            case "cpu" -> new CpuBackend(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
            case "reference" -> new ReferenceBackend();
            case "cuda" -> CudaBackend.open();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "': expected one of " + NAMES);
        };
    }

    /** One line per backend: whether it runs here and on what. */
    public static String info() {
        StringBuilder sb = new StringBuilder();
        try (Backend b = open("cpu", 0)) { sb.append("  ").append(b.describe()).append('\n'); }
        sb.append("  reference: scalar Java, 1 thread (test oracle)\n");
        sb.append("  cuda: ").append(CudaBackend.info().replace("\n", "\n        ")).append('\n');
        return sb.toString();
    }
}
