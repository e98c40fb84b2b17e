package cvae.bindings;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The site-packages folders of the Python environments on this machine: PyTorch's pip
 * wheels bring CUDA, cuBLAS and cuDNN as {@code site-packages/nvidia/<pkg>/lib}, which is
 * often the only copy a GPU machine has. Asked once per process and only when the
 * libraries were not found in the usual places.
 */
final class PythonSitePackages {
    private PythonSitePackages() {}

    /** Typical environments, as glob patterns (one '*' per path segment at most). */
    private static final List<String> PATTERNS = List.of(
            "/opt/*/.venv/lib/python3*/site-packages",
            "/opt/*/venv/lib/python3*/site-packages",
            "/opt/*/lib/python3*/site-packages",
            "/opt/conda/lib/python3*/site-packages",
            "/usr/local/lib/python3*/dist-packages",
            "/usr/local/lib/python3*/site-packages",
            "/usr/lib/python3/dist-packages");

    private static volatile List<Path> cached;

    static List<Path> find() {
        List<Path> c = cached;
        if (c == null) cached = c = scan();
        return c;
    }

    private static List<Path> scan() {
        Set<Path> out = new LinkedHashSet<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String prefix = System.getenv(var);
            if (prefix != null && !prefix.isBlank()) out.addAll(glob(prefix + "/lib/python3*/site-packages"));
        }
        // The python3 on PATH knows its own folders best; a short timeout because a
        // misconfigured interpreter must not stall the backend's start.
        String listed = ProcessOutput.run(List.of("python3", "-c",
                "import site,sys;print('\\n'.join(site.getsitepackages()+[site.getusersitepackages()]+sys.path))"), 5);
        if (listed != null) {
            for (String line : listed.split("\n")) {
                String s = line.trim();
                if (s.endsWith("-packages") && Files.isDirectory(Path.of(s))) out.add(Path.of(s).normalize());
            }
        }
        String home = System.getProperty("user.home");
        List<String> patterns = new ArrayList<>(PATTERNS);
        if (home != null) patterns.add(home + "/.local/lib/python3*/site-packages");
        for (String p : patterns) out.addAll(glob(p));
        return List.copyOf(out);
    }

    /** Expands a pattern whose segments may hold '*' (no "**"); existing folders only. */
    static List<Path> glob(String pattern) {
        List<Path> current = List.of(Path.of("/"));
        for (String seg : pattern.split("/")) {
            if (seg.isEmpty()) continue;
            List<Path> next = new ArrayList<>();
            for (Path base : current) {
                if (!seg.contains("*")) {
                    Path p = base.resolve(seg);
                    if (Files.isDirectory(p)) next.add(p);
                    continue;
                }
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + seg);
                try (var s = Files.list(base)) {
                    s.filter(p -> m.matches(p.getFileName()) && Files.isDirectory(p)).sorted().forEach(next::add);
                } catch (IOException | SecurityException e) {
                    // unreadable folder: nothing there for us
                }
            }
            current = next;
        }
        return current;
    }
}
