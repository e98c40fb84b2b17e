package cvae.harness.train;

import cvae.harness.data.Mnist;
import cvae.harness.io.AtomicFiles;
import cvae.harness.io.Json;
import cvae.kernels.Backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * run.json: what is needed to trust and rerun a result: the code (git commit and dirty
 * flag), the JVM, the machine, the backend and its threads, the seed, the dataset's
 * checksums, and when the run started and ended.
 */
public final class RunInfo {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public RunInfo(TrainConfig cfg, Backend be, Mnist.Dataset data, Instant started) {
        Path home = home();
        fields.put("git_commit", git(home, "rev-parse", "HEAD"));
        String status = git(home, "status", "--porcelain", "--untracked-files=no");
        fields.put("git_dirty", status == null ? null : !status.isBlank());
        fields.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        fields.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        fields.put("cpu", cpuModel());
        fields.put("cores", Runtime.getRuntime().availableProcessors());
        fields.put("vector_bits", jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        fields.put("backend", be.name());
        fields.put("backend_detail", be.describe());
        fields.put("threads", cfg.backend().equals("cpu") ? cfg.resolvedThreads() : 1);
        fields.put("seed", cfg.seed());
        fields.put("dataset_dir", data.dir() == null ? null : data.dir().toString());
        fields.put("dataset_sha256", new LinkedHashMap<>(data.sha256()));
        fields.put("started", started.toString());
    }

    /** Adds a field (written from the next {@link #write} on). */
    public void put(String key, Object value) { fields.put(key, value); }

    public void write(Path file, String status) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("status", status == null ? "starting" : status);
        m.put("updated", Instant.now().toString());
        if ("finished".equals(status) || (status != null && status.startsWith("diverged"))) m.put("ended", Instant.now().toString());
        AtomicFiles.writeString(file, Json.write(m) + "\n");
    }

    /** The repository root: where ./harness lives (set by the launcher), else the working directory. */
    public static Path home() {
        String h = System.getProperty("cvae.home");
        return Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }

    static String git(Path dir, String... args) {
        try {
            String[] cmd = new String[args.length + 3];
            cmd[0] = "git"; cmd[1] = "-C"; cmd[2] = dir.toString();
            System.arraycopy(args, 0, cmd, 3, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        } catch (Exception e) {
            return null;      // no git, or not a repository: recorded as null
        }
    }

    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        } catch (Exception ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
