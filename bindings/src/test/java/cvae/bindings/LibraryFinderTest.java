package cvae.bindings;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search logic of {@link LibraryFinder} on fake folder trees: runs on any machine. */
class LibraryFinderTest {

    @TempDir Path tmp;

    private final Map<String, String> env = new HashMap<>();
    private final AtomicInteger pythonAsked = new AtomicInteger();

    private LibraryFinder finder(List<Path> systemDirs, List<Path> sites, Map<String, Path> ldCache) {
        // CUDA_HOME is pinned into the temp tree so the real /usr/local/cuda never leaks in.
        env.putIfAbsent("CUDA_HOME", tmp.resolve("no-cuda").toString());
        return new LibraryFinder(env::get, systemDirs,
                () -> { pythonAsked.incrementAndGet(); return sites; },
                () -> ldCache);
    }

    private Path touch(String relative) throws IOException {
        Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "not really a library");
        return p;
    }

    @Test
    void envVarNamingAFileWins() throws IOException {
        Path file = touch("custom/anything.so");
        touch("sys/libcudnn.so.9");
        env.put("CUDNN_PATH", file.toString());
        var found = finder(List.of(tmp.resolve("sys")), List.of(), Map.of()).find(LibrarySpec.CUDNN);
        assertEquals(file, found.file());
        assertEquals("CUDNN_PATH", found.origin());
    }

    @Test
    void envVarNamingAnInstallFolderIsSearchedWithLibSubfolders() throws IOException {
        Path lib = touch("cudnn-9/lib/libcudnn.so.9");
        env.put("CUDNN_PATH", tmp.resolve("cudnn-9").toString());
        var found = finder(List.of(), List.of(), Map.of()).find(LibrarySpec.CUDNN);
        assertEquals(lib, found.file());
        assertTrue(found.origin().startsWith("CUDNN_PATH="), found.origin());
    }

    @Test
    void ldLibraryPathComesBeforeCudaHomeAndSystemFolders() throws IOException {
        Path viaLd = touch("ld/libcublas.so.12");
        touch("cuda/lib64/libcublas.so.13");
        touch("sys/libcublas.so.13");
        env.put("LD_LIBRARY_PATH", "/nonexistent:" + tmp.resolve("ld"));
        env.put("CUDA_HOME", tmp.resolve("cuda").toString());
        var found = finder(List.of(tmp.resolve("sys")), List.of(), Map.of()).find(LibrarySpec.CUBLAS);
        assertEquals(viaLd, found.file());
        assertEquals("LD_LIBRARY_PATH", found.origin());
    }

    @Test
    void newestSonameFirstWithinAFolder() throws IOException {
        touch("cuda/lib64/libcudart.so.12");
        Path v13 = touch("cuda/lib64/libcudart.so.13");
        env.put("CUDA_HOME", tmp.resolve("cuda").toString());
        assertEquals(v13, finder(List.of(), List.of(), Map.of()).find(LibrarySpec.CUDART).file());
    }

    @Test
    void cudaHomeIsNotUsedForTheDriver() throws IOException {
        touch("cuda/lib64/libcuda.so.1");
        env.put("CUDA_HOME", tmp.resolve("cuda").toString());
        var f = finder(List.of(), List.of(), Map.of());
        assertThrows(NativeLibraryNotFoundException.class, () -> f.find(LibrarySpec.CUDA_DRIVER));
    }

    @Test
    void pythonSitePackagesNvidiaFoldersAreSearchedOnlyWhenNeeded() throws IOException {
        Path site = tmp.resolve("venv/lib/python3.12/site-packages");
        touch("venv/lib/python3.12/site-packages/nvidia/cublas/lib/libcublas.so.12");
        Path cudnn = touch("venv/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9");
        Path sys = touch("sys/libcublas.so.12");
        var f = finder(List.of(tmp.resolve("sys")), List.of(site), Map.of());

        assertEquals(sys, f.find(LibrarySpec.CUBLAS).file());
        assertEquals(0, pythonAsked.get(), "Python must not be asked when a cheaper place has the library");

        var found = f.find(LibrarySpec.CUDNN);
        assertEquals(cudnn, found.file());
        assertTrue(found.origin().contains("Python"), found.origin());
    }

    @Test
    void loaderCacheIsTheLastResortAndStubsAreSkipped() throws IOException {
        Path stub = touch("cuda/lib64/stubs/libcuda.so.1");
        env.put("LD_LIBRARY_PATH", stub.getParent().toString());
        var none = finder(List.of(), List.of(), Map.of("libcuda.so.1", stub));
        var e = assertThrows(NativeLibraryNotFoundException.class, () -> none.find(LibrarySpec.CUDA_DRIVER));
        assertTrue(e.getMessage().contains("skipped: stub libraries"), e.getMessage());

        Path real = touch("driver/libcuda.so.1");
        var found = finder(List.of(), List.of(), Map.of("libcuda.so.1", real)).find(LibrarySpec.CUDA_DRIVER);
        assertEquals(real, found.file());
        assertEquals("ldconfig cache", found.origin());
    }

    @Test
    void notFoundMessageListsEveryPlaceAndTheFix() {
        env.put("CUDNN_PATH", tmp.resolve("missing-cudnn").toString());
        env.put("LD_LIBRARY_PATH", tmp.resolve("ld").toString());
        Path site = tmp.resolve("site-packages");
        var f = finder(List.of(tmp.resolve("sys")), List.of(site), Map.of());
        var e = assertThrows(NativeLibraryNotFoundException.class, () -> f.find(LibrarySpec.CUDNN));
        String m = e.getMessage();
        assertTrue(m.startsWith("cuDNN library not found (libcudnn.so.9)"), m);
        assertTrue(m.contains(tmp.resolve("missing-cudnn") + " (CUDNN_PATH="), m);
        assertTrue(m.contains(tmp.resolve("missing-cudnn/lib") + " (CUDNN_PATH="), m);
        assertTrue(m.contains(tmp.resolve("ld") + " (LD_LIBRARY_PATH; no such folder)"), m);
        assertTrue(m.contains(tmp.resolve("no-cuda/lib64") + " (CUDA_HOME"), m);
        assertTrue(m.contains(tmp.resolve("sys") + " (system folder"), m);
        assertTrue(m.contains(site.resolve("nvidia") + "/*/lib (Python " + site + ")"), m);
        assertTrue(m.contains("ldconfig -p"), m);
        assertTrue(m.contains("To fix: ") && m.contains("CUDNN_PATH") && m.contains("nvidia-cudnn-cu12"), m);
        assertEquals(LibrarySpec.CUDNN, e.spec());
        assertFalse(e.searched().isEmpty());
    }

    @Test
    void eachFolderIsListedOnce() {
        env.put("LD_LIBRARY_PATH", tmp + ":" + tmp);
        var f = finder(List.of(tmp), List.of(), Map.of());
        var e = assertThrows(NativeLibraryNotFoundException.class, () -> f.find(LibrarySpec.CUBLAS));
        long count = e.searched().stream().filter(s -> s.startsWith(tmp + " (")).count();
        assertEquals(1, count, e.getMessage());
    }

    @Test
    void companionLibcublasLtIsLoadedFromBesideLibcublas() throws IOException {
        Path cublas = touch("c/libcublas.so.12");
        assertEquals(List.of(), NativeLibraries.companionsOf(LibrarySpec.CUBLAS, cublas));
        Path lt = touch("c/libcublasLt.so.12");
        assertEquals(List.of(lt), NativeLibraries.companionsOf(LibrarySpec.CUBLAS, cublas));
        assertEquals(List.of(), NativeLibraries.companionsOf(LibrarySpec.CUDNN, cublas));
    }

    @Test
    void parsesTheLoaderCache() {
        String out = """
                1234 libs found in cache `/etc/ld.so.cache'
                \tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1
                \tlibcuda.so.1 (libc6) => /usr/lib/i386-linux-gnu/libcuda.so.1
                \tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1
                Cache generated by: ldconfig (GNU libc) stable release version 2.36
                """;
        var m = LoaderCache.parse(out);
        assertEquals(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"), m.get("libcuda.so.1"));
        assertEquals(2, m.size());
    }

    @Test
    void globExpandsOneStarPerSegment() throws IOException {
        Files.createDirectories(tmp.resolve("opt/a/.venv/lib/python3.11/site-packages"));
        Files.createDirectories(tmp.resolve("opt/b/.venv/lib/python3.12/site-packages"));
        Files.createDirectories(tmp.resolve("opt/c/.venv/lib/perl5"));
        var found = PythonSitePackages.glob(tmp + "/opt/*/.venv/lib/python3*/site-packages");
        assertEquals(List.of(tmp.resolve("opt/a/.venv/lib/python3.11/site-packages"),
                tmp.resolve("opt/b/.venv/lib/python3.12/site-packages")), found);
    }
}
