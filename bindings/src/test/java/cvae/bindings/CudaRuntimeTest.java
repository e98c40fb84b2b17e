package cvae.bindings;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cvae.bindings.cudart.cuda_runtime_api_h;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated CUDA runtime bindings against a real libcudart. A toolkit's libcudart
 * loads without a driver, so this runs on the CPU machines too (where a toolkit is
 * installed) and checks that errors come through {@link Cuda#check} with the runtime's
 * own text; on a GPU machine it checks the success paths instead.
 */
class CudaRuntimeTest {

    @BeforeEach
    void needsLibcudart() {
        String why = "";
        try {
            Cuda.load();
        } catch (NativeLibraryNotFoundException e) {
            why = e.getMessage();
        }
        assumeTrue(why.isEmpty(), "no libcudart on this machine: " + why);
    }

    @Test
    void everyFunctionOfTheIncludeListIsInTheLibrary() {
        assertEquals(java.util.List.of(), IncludeLists.missing("cudart.txt"));
    }

    @Test
    void runtimeVersionIsCuda12OrNewer() {
        int v = Cuda.runtimeVersion();
        assertTrue(v >= 12000, "runtime version " + v);
        assertEquals(v / 1000 + "." + (v % 1000) / 10, Cuda.formatVersion(v));
    }

    @Test
    void errorTextComesFromTheRuntime() {
        String d = Cuda.describe(cuda_runtime_api_h.cudaErrorNoDevice());
        assertTrue(d.startsWith("cudaErrorNoDevice: "), d);
        assertTrue(d.toLowerCase().contains("no cuda-capable device"), d);

        var e = assertThrows(CudaException.class,
                () -> Cuda.check(cuda_runtime_api_h.cudaErrorMemoryAllocation(), "cudaMalloc"));
        assertEquals("cudaMalloc", e.call());
        assertEquals(Cuda.LIBRARY, e.library());
        assertTrue(e.getMessage().startsWith("cudaMalloc failed: cudaErrorMemoryAllocation: out of memory"), e.getMessage());
        assertDoesNotThrow(() -> Cuda.check(cuda_runtime_api_h.cudaSuccess(), "anything"));
    }

    @Test
    void deviceCountFailsThroughCheckWithoutADriverAndCountsWithOne() {
        int driver = Cuda.driverVersion();
        if (driver == 0) {
            var e = assertThrows(CudaException.class, Cuda::deviceCount);
            assertEquals("cudaGetDeviceCount", e.call());
            // No driver: cudaErrorInsufficientDriver (35) or cudaErrorNoDevice (100).
            assertTrue(e.status() == cuda_runtime_api_h.cudaErrorInsufficientDriver()
                    || e.status() == cuda_runtime_api_h.cudaErrorNoDevice(), e.getMessage());
            assertTrue(e.getMessage().contains(Cuda.describe(e.status())), e.getMessage());
        } else {
            try {
                assertTrue(Cuda.deviceCount() >= 0);
            } catch (CudaException e) {
                // A driver without a usable device: still an error with the runtime's text.
                assertTrue(e.getMessage().contains(Cuda.describe(e.status())), e.getMessage());
            }
        }
    }
}
