package cvae.bindings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds the file of a native library. The search is explicit (rather than leaving it to
 * dlopen) so that the project decides which copy is loaded and can say, when none is
 * found, everywhere it looked.
 *
 * <p>Order, first match wins; within one folder the preferred soname first:
 * <ol>
 *   <li>the library's own variables ({@code CUDNN_PATH}, {@code CUBLAS_PATH}, …): a file,
 *       or a folder searched as itself, {@code lib/} and {@code lib64/};</li>
 *   <li>the folders of {@code LD_LIBRARY_PATH};</li>
 *   <li>the CUDA toolkit ({@code CUDA_HOME}, else {@code CUDA_PATH}, else /usr/local/cuda),
 *       for the libraries a toolkit ships;</li>
 *   <li>the usual system folders;</li>
 *   <li>{@code nvidia/*&#47;lib} in the site-packages of Python environments, where
 *       PyTorch's pip wheels put CUDA, cuBLAS and cuDNN;</li>
 *   <li>the dynamic loader's cache ({@code ldconfig -p}), where a driver's libcuda lives.</li>
 * </ol>
 * The Python and loader-cache look-ups run programs, so they are asked only when the
 * cheaper places had nothing. Folders named {@code stubs} are skipped: the toolkit's
 * stub libcuda only reports that no driver is there.
 */
public final class LibraryFinder {

    /** A library file and why it was looked for there. */
    public record Found(Path file, String origin) {}

    /** The default system folders, in search order. */
    public static final List<Path> SYSTEM_DIRS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib64"),
            Path.of("/usr/local/lib"),
            Path.of("/usr/local/nvidia/lib64"),
            Path.of("/usr/lib/wsl/lib"));

    private final Function<String, String> env;
    private final List<Path> systemDirs;
    private final Supplier<List<Path>> pythonSitePackages;
    private final Supplier<Map<String, Path>> loaderCache;

    /**
     * @param env                environment variables (System::getenv in production)
     * @param systemDirs         the usual install folders
     * @param pythonSitePackages site-packages folders of Python environments, asked lazily
     * @param loaderCache        soname → file from the dynamic loader's cache, asked lazily
     */
    public LibraryFinder(Function<String, String> env, List<Path> systemDirs,
                         Supplier<List<Path>> pythonSitePackages,
                         Supplier<Map<String, Path>> loaderCache) {
        this.env = env;
        this.systemDirs = List.copyOf(systemDirs);
        this.pythonSitePackages = pythonSitePackages;
        this.loaderCache = loaderCache;
    }

    /** The finder for this process: its environment, the real system folders and Python. */
    public static LibraryFinder system() {
        return new LibraryFinder(System::getenv, SYSTEM_DIRS,
                PythonSitePackages::find, LoaderCache::entries);
    }

    /**
     * The file to load for {@code spec}.
     *
     * @throws NativeLibraryNotFoundException listing every place searched and how to fix it
     */
    public Found find(LibrarySpec spec) {
        Search search = new Search(spec);
        for (String var : spec.envVars()) {
            String value = env.apply(var);
            if (value == null || value.isBlank()) {
                search.note(var + " (not set)");
                continue;
            }
            Path p = Path.of(value.trim());
            if (Files.isRegularFile(p)) return new Found(p, var);
            String why = var + "=" + value.trim();
            if (search.installDir(p, why) instanceof Found f) return f;
        }
        for (String dir : split(env.apply("LD_LIBRARY_PATH"))) {
            if (search.dir(Path.of(dir), "LD_LIBRARY_PATH") instanceof Found f) return f;
        }
        if (spec.useCudaHome()) {
            String var = firstSet("CUDA_HOME", "CUDA_PATH");
            String why = var != null ? var : "CUDA_HOME default";
            Path root = Path.of(var != null ? env.apply(var).trim() : "/usr/local/cuda");
            for (String sub : List.of("lib64", "lib", "targets/x86_64-linux/lib")) {
                if (search.dir(root.resolve(sub), why) instanceof Found f) return f;
            }
        }
        for (Path dir : systemDirs) {
            if (search.dir(dir, "system folder") instanceof Found f) return f;
        }
        List<Path> sites = pythonSitePackages.get();
        if (sites.isEmpty()) search.note("nvidia/*/lib of Python site-packages (no Python environment found)");
        for (Path site : sites) {
            Path nvidia = site.resolve("nvidia");
            for (Path pkg : listDirs(nvidia)) {
                if (search.dir(pkg.resolve("lib"), "Python " + site) instanceof Found f) return f;
            }
            if (!Files.isDirectory(nvidia)) search.note(nvidia + "/*/lib (Python " + site + ")");
        }
        Map<String, Path> cache = loaderCache.get();
        for (String name : spec.fileNames()) {
            Path p = cache.get(name);
            if (p != null && !isStub(p) && Files.isRegularFile(p)) return new Found(p, "ldconfig cache");
        }
        search.note("the dynamic loader cache (ldconfig -p)");
        throw new NativeLibraryNotFoundException(spec, search.searched(), null);
    }

    /** The first of {@code vars} that is set to something, or null. */
    private String firstSet(String... vars) {
        for (String v : vars) {
            String value = env.apply(v);
            if (value != null && !value.isBlank()) return v;
        }
        return null;
    }

    static List<String> split(String pathList) {
        List<String> out = new ArrayList<>();
        if (pathList == null) return out;
        for (String s : pathList.split(":")) if (!s.isBlank()) out.add(s);
        return out;
    }

    private static List<Path> listDirs(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static boolean isStub(Path p) {
        Path parent = p.getParent();
        return parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals("stubs");
    }

    /** One search: remembers the folders tried (once each) for the error message. */
    private static final class Search {
        private final LibrarySpec spec;
        private final Set<Path> tried = new LinkedHashSet<>();
        private final List<String> searched = new ArrayList<>();

        Search(LibrarySpec spec) { this.spec = spec; }

        Found installDir(Path root, String why) {
            for (Path d : List.of(root, root.resolve("lib"), root.resolve("lib64"))) {
                if (dir(d, why) instanceof Found f) return f;
            }
            return null;
        }

        Found dir(Path dir, String why) {
            Path norm = dir.toAbsolutePath().normalize();
            if (!tried.add(norm)) return null;
            if (isStub(norm.resolve("x"))) {
                searched.add(norm + " (" + why + "; skipped: stub libraries)");
                return null;
            }
            searched.add(norm + " (" + why + (Files.isDirectory(norm) ? ")" : "; no such folder)"));
            for (String name : spec.fileNames()) {
                Path p = norm.resolve(name);
                if (Files.isRegularFile(p)) return new Found(p, why);
            }
            return null;
        }

        void note(String what) { searched.add(what); }

        List<String> searched() { return searched; }
    }
}
