package cvae.bindings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads each native library at most once per process, from the file {@link LibraryFinder}
 * chose. The generated bindings are made without jextract's {@code --library}, so they
 * resolve symbols through their class loader's lookup: whatever {@link System#load} put
 * there. Call the loader for a library before the first call into its bindings (the
 * hand-written classes {@link Cuda}, {@link CudaDriver}, {@link Cublas}, {@link Cudnn}
 * do so).
 */
public final class NativeLibraries {
    private NativeLibraries() {}

    /** A library that is loaded: its file and why that file was chosen. */
    public record Loaded(LibrarySpec spec, Path file, String origin) {
        @Override
        public String toString() { return file + " (" + origin + ")"; }
    }

    /** Per library: a {@link Loaded} or the {@link NativeLibraryNotFoundException} it ended with. */
    private static final Map<LibrarySpec, Object> STATE = new ConcurrentHashMap<>();

    public static Loaded cudart() { return load(LibrarySpec.CUDART); }
    public static Loaded cudaDriver() { return load(LibrarySpec.CUDA_DRIVER); }
    public static Loaded cublas() { return load(LibrarySpec.CUBLAS); }
    public static Loaded cudnn() { return load(LibrarySpec.CUDNN); }
    public static Loaded openblas() { return load(LibrarySpec.OPENBLAS); }

    /**
     * Finds and loads {@code spec} (once; later calls return the first outcome).
     *
     * @throws NativeLibraryNotFoundException if it is not found or does not load
     */
    public static Loaded load(LibrarySpec spec) {
        Object s = STATE.get(spec);
        if (s == null) {
            synchronized (NativeLibraries.class) {
                s = STATE.computeIfAbsent(spec, NativeLibraries::findAndLoad);
            }
        }
        if (s instanceof NativeLibraryNotFoundException e) throw e;
        return (Loaded) s;
    }

    /** Whether {@code spec} is loaded (or loads now); never throws. */
    public static boolean available(LibrarySpec spec) {
        try {
            load(spec);
            return true;
        } catch (NativeLibraryNotFoundException e) {
            return false;
        }
    }

    private static Object findAndLoad(LibrarySpec spec) {
        LibraryFinder.Found found;
        try {
            found = LibraryFinder.system().find(spec);
        } catch (NativeLibraryNotFoundException e) {
            return e;
        }
        List<Path> files = new ArrayList<>(companionsOf(spec, found.file()));
        files.add(found.file());
        for (Path f : files) {
            try {
                System.load(f.toAbsolutePath().toString());
            } catch (UnsatisfiedLinkError e) {
                return new NativeLibraryNotFoundException(spec,
                        List.of(found.file() + " (" + found.origin() + ")"),
                        "found but " + f.getFileName() + " could not be loaded: " + e.getMessage());
            }
        }
        return new Loaded(spec, found.file(), found.origin());
    }

    /**
     * Libraries to load before {@code file}, from the same folder: libcublas needs
     * libcublasLt of the same version, and loading it from beside libcublas first makes
     * the dependency resolve to that copy even when the folder is on no search path.
     */
    static List<Path> companionsOf(LibrarySpec spec, Path file) {
        if (spec.equals(LibrarySpec.CUBLAS)) {
            Path lt = file.resolveSibling(file.getFileName().toString().replace("libcublas", "libcublasLt"));
            if (Files.isRegularFile(lt)) return List.of(lt);
        }
        return List.of();
    }
}
