package cvae.bindings;

import static cvae.bindings.cudnn.cvae_cudnn_h.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cvae.bindings.cublas.cvae_cublas_h;
import java.lang.foreign.Arena;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated cuBLAS and cuDNN bindings against the real libraries, without a GPU.
 * Runs with {@code mvn -Pcuda-libs test}, which brings libcudnn.so.9 and libcublas.so.12
 * and points CUDNN_PATH/CUBLAS_PATH at them; skipped (with the reason) otherwise.
 *
 * <p>Besides the calls, this checks the project's own headers: every status value
 * declared in include/cvae_cublas.h and include/cvae_cudnn.h must be the one the library
 * itself describes that way.
 */
class CudaLibsTest {

    @BeforeEach
    void needsTheProfile() {
        assumeTrue(System.getProperty("cvae.test.cudaLibs") != null,
                "cuBLAS/cuDNN tests need the libraries: run `mvn -Pcuda-libs test` (downloads them once)");
    }

    /** Whether this machine has a GPU the libraries could initialise on. */
    private static boolean gpu() {
        try {
            return Cuda.driverVersion() > 0 && Cuda.deviceCount() > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void librariesAreLoadedFromTheProfileFolder() {
        String dir = System.getProperty("cvae.test.cudaLibs");
        assertTrue(Cudnn.load().file().startsWith(dir), Cudnn.load().toString());
        assertTrue(Cublas.load().file().startsWith(dir), Cublas.load().toString());
    }

    @Test
    void everyFunctionOfTheIncludeListsIsInTheLibraries() {
        Cudnn.load();
        Cublas.load();
        assertEquals(java.util.List.of(), IncludeLists.missing("cudnn.txt"));
        assertEquals(java.util.List.of(), IncludeLists.missing("cublas.txt"));
    }

    @Test
    void cudnnVersionIs9() {
        long v = Cudnn.versionNumber();
        assertTrue(v >= 90000 && v < 100000, "cudnnGetVersion " + v);
        assertTrue(Cudnn.version().startsWith("9."), Cudnn.version());
    }

    @Test
    void cudnnStatusValuesOfOurHeaderMatchTheLibrary() {
        Map<Integer, String> declared = Map.of(
                CUDNN_STATUS_SUCCESS(), "CUDNN_STATUS_SUCCESS",
                CUDNN_STATUS_NOT_INITIALIZED(), "CUDNN_STATUS_NOT_INITIALIZED",
                CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH(), "CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH",
                CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED(), "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED",
                CUDNN_STATUS_BAD_PARAM(), "CUDNN_STATUS_BAD_PARAM",
                CUDNN_STATUS_NOT_SUPPORTED(), "CUDNN_STATUS_NOT_SUPPORTED",
                CUDNN_STATUS_INTERNAL_ERROR(), "CUDNN_STATUS_INTERNAL_ERROR",
                CUDNN_STATUS_EXECUTION_FAILED(), "CUDNN_STATUS_EXECUTION_FAILED");
        Cudnn.load();
        declared.forEach((code, name) -> assertEquals(name, Cudnn.describe(code), "status " + code));
    }

    @Test
    void cudnnDescriptorsWorkWithoutAGpu() {
        try (Arena arena = Arena.ofConfined()) {
            var x = Cudnn.TensorDescriptor.matrix(7, 513, arena);
            var bias = Cudnn.TensorDescriptor.matrix(1, 513, arena);
            var relu = Cudnn.ActivationDescriptor.create(CUDNN_ACTIVATION_RELU(), arena);
            var sigmoid = Cudnn.ActivationDescriptor.create(CUDNN_ACTIVATION_SIGMOID(), arena);
            x.close();  // early close, then the arena closes the rest
            assertTrue(x.isClosed());
            assertFalse(bias.isClosed() || relu.isClosed() || sigmoid.isClosed());
            // A bad shape is reported through check with cuDNN's own text.
            var d = Cudnn.TensorDescriptor.create(arena);
            var e = assertThrows(CudaException.class,
                    () -> d.set4d(CUDNN_TENSOR_NCHW(), CUDNN_DATA_FLOAT(), -1, 3, 1, 1));
            assertEquals("cudnnSetTensor4dDescriptor", e.call());
            assertTrue(e.getMessage().contains("CUDNN_STATUS_BAD_PARAM"), e.getMessage());
        }
    }

    @Test
    void cudnnCreateNeedsAGpu() {
        assumeTrue(!gpu(), "this machine has a GPU: cudnnCreate would succeed");
        try (Arena arena = Arena.ofConfined()) {
            var e = assertThrows(CudaException.class, () -> Cudnn.Handle.create(arena));
            assertEquals("cudnnCreate", e.call());
            assertEquals(CUDNN_STATUS_NOT_INITIALIZED(), e.status());
            assertTrue(e.getMessage().contains("CUDNN_STATUS_NOT_INITIALIZED"), e.getMessage());
        }
    }

    @Test
    void cublasVersionWithoutAHandle() {
        String v = Cublas.version();
        assertTrue(v.matches("1[2-9]\\.\\d+\\.\\d+"), v);
    }

    @Test
    void cublasStatusValuesOfOurHeaderMatchTheLibrary() {
        // cublasGetStatusString gives a description, not the name: check each declared
        // value against the words of its description, and that a gap in the numbering
        // is one the library does not know either.
        Map<Integer, String> declared = Map.of(
                cvae_cublas_h.CUBLAS_STATUS_SUCCESS(), "success",
                cvae_cublas_h.CUBLAS_STATUS_NOT_INITIALIZED(), "not initialized",
                cvae_cublas_h.CUBLAS_STATUS_ALLOC_FAILED(), "allocation failed",
                cvae_cublas_h.CUBLAS_STATUS_INVALID_VALUE(), "unsupported value",
                cvae_cublas_h.CUBLAS_STATUS_ARCH_MISMATCH(), "architectural feature",
                cvae_cublas_h.CUBLAS_STATUS_MAPPING_ERROR(), "access to GPU memory",
                cvae_cublas_h.CUBLAS_STATUS_EXECUTION_FAILED(), "failed to launch",
                cvae_cublas_h.CUBLAS_STATUS_INTERNAL_ERROR(), "internal operation",
                cvae_cublas_h.CUBLAS_STATUS_NOT_SUPPORTED(), "not supported",
                cvae_cublas_h.CUBLAS_STATUS_LICENSE_ERROR(), "license");
        Cublas.load();
        declared.forEach((code, words) -> assertTrue(Cublas.describe(code).contains(words),
                "status " + code + " is '" + Cublas.describe(code) + "', expected '" + words + "'"));
        assertEquals("unrecognized status", Cublas.describe(2));
    }

    @Test
    void cublasCreateNeedsAGpu() {
        assumeTrue(!gpu(), "this machine has a GPU: cublasCreate_v2 would succeed");
        try (Arena arena = Arena.ofConfined()) {
            var e = assertThrows(CudaException.class, () -> Cublas.Handle.create(arena));
            assertEquals("cublasCreate_v2", e.call());
            assertEquals(cvae_cublas_h.CUBLAS_STATUS_NOT_INITIALIZED(), e.status());
            assertTrue(e.getMessage().contains("the library was not initialized"), e.getMessage());
        }
    }
}
