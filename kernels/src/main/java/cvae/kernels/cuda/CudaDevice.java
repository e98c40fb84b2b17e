package cvae.kernels.cuda;

import static cvae.bindings.cudart.cuda_runtime_api_h.*;

import cvae.bindings.Cublas;
import cvae.bindings.Cuda;
import cvae.bindings.CudaDriver;
import cvae.bindings.CudaException;
import cvae.bindings.Cudnn;
import cvae.bindings.NativeLibraries;
import cvae.bindings.NativeLibraryNotFoundException;
import cvae.kernels.BackendUnavailableException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the CUDA backend runs on, and the checks that say why it cannot: the four
 * libraries, the driver, its CUDA version against the runtime's, and a device. Each check
 * fails with a {@link BackendUnavailableException} naming what is missing and how to fix
 * it; {@link #info()} reports the same facts without failing.
 *
 * @param name         the GPU's name
 * @param ccMajor      compute capability, major
 * @param ccMinor      compute capability, minor
 * @param sms          streaming multiprocessors
 * @param memoryBytes  total device memory
 * @param driver       the newest CUDA version the driver supports (CUDA encoding, 13000)
 * @param runtime      the CUDA runtime's version (CUDA encoding)
 * @param context      the runtime's primary context of device 0, current on the probing thread
 */
record CudaDevice(String name, int ccMajor, int ccMinor, int sms, long memoryBytes,
                  int driver, int runtime, MemorySegment context) {

    /** The device the backend uses: 0 (choose another with CUDA_VISIBLE_DEVICES). */
    static final int ORDINAL = 0;

    /**
     * Runs every check and makes device 0's primary context current on this thread.
     *
     * @throws BackendUnavailableException saying exactly what is missing
     */
    static CudaDevice probe() {
        List<String> missing = new ArrayList<>();
        for (Supplier<NativeLibraries.Loaded> lib : List.<Supplier<NativeLibraries.Loaded>>of(
                Cuda::load, CudaDriver::load, Cublas::load, Cudnn::load)) {
            try {
                lib.get();
            } catch (NativeLibraryNotFoundException e) {
                missing.add(e.getMessage());
            }
        }
        if (!missing.isEmpty())
            throw new BackendUnavailableException("cuda: cannot run on this machine:\n- " + String.join("\n- ", missing));
        try {
            int driver = Cuda.driverVersion();
            int runtime = Cuda.runtimeVersion();
            if (driver == 0)
                throw new BackendUnavailableException("cuda: libcuda.so.1 was found ("
                        + NativeLibraries.cudaDriver() + ") but no NVIDIA driver answers: is the kernel module loaded (nvidia-smi)?");
            if (driver < runtime)
                throw new BackendUnavailableException("cuda: the driver supports CUDA " + Cuda.formatVersion(driver)
                        + ", older than the CUDA runtime " + Cuda.formatVersion(runtime) + " in " + NativeLibraries.cudart()
                        + ": update the NVIDIA driver, or point CUDART_PATH at a libcudart of CUDA "
                        + Cuda.formatVersion(driver) + " or older (with a cuBLAS of the same major version: CUBLAS_PATH)");
            int count;
            try {
                count = Cuda.deviceCount();
            } catch (CudaException e) {
                throw new BackendUnavailableException("cuda: no usable CUDA device: " + e.getMessage()
                        + " (check nvidia-smi and CUDA_VISIBLE_DEVICES)", e);
            }
            if (count == 0)
                throw new BackendUnavailableException("cuda: the driver reports no CUDA device (check nvidia-smi and CUDA_VISIBLE_DEVICES)");
            Cuda.setDevice(ORDINAL);
            // cudaFree(NULL) is the customary way to make the runtime create its primary
            // context now, so that the driver API below sees it as current.
            Cuda.check(cudaFree(MemorySegment.NULL), "cudaFree(NULL)");
            CudaDriver.init();
            MemorySegment context = CudaDriver.currentContext();
            if (context.address() == 0)
                throw new BackendUnavailableException("cuda: the CUDA runtime made no context current on device " + ORDINAL);
            return new CudaDevice(CudaDriver.deviceName(ORDINAL),
                    Cuda.deviceAttribute(cudaDevAttrComputeCapabilityMajor(), ORDINAL),
                    Cuda.deviceAttribute(cudaDevAttrComputeCapabilityMinor(), ORDINAL),
                    Cuda.deviceAttribute(cudaDevAttrMultiProcessorCount(), ORDINAL),
                    Cuda.memoryInfo()[1], driver, runtime, context);
        } catch (CudaException e) {
            throw new BackendUnavailableException("cuda: " + e.getMessage(), e);
        }
    }

    /** "NVIDIA H100 80GB HBM3 (sm_90, 132 SMs, 79.2 GiB)". */
    String summary() {
        return String.format("%s (sm_%d%d, %d SMs, %.1f GiB)", name, ccMajor, ccMinor, sms, memoryBytes / (double) (1L << 30));
    }

    /**
     * For {@code harness info}: the GPU, driver, CUDA runtime, cuBLAS and cuDNN found (with
     * the file each came from), or why not, one per line. Never throws.
     */
    static String info() {
        List<String> lines = new ArrayList<>();
        String runtime = library("CUDA runtime", Cuda::load, () -> "CUDA " + Cuda.formatVersion(Cuda.runtimeVersion()));
        String driver = library("driver", CudaDriver::load, () -> {
            int v = Cuda.driverVersion();
            return v == 0 ? "installed but not answering" : "supports CUDA " + Cuda.formatVersion(v);
        });
        String gpu;
        try {
            CudaDevice d = probe();
            gpu = "GPU " + ORDINAL + ": " + d.summary();
        } catch (BackendUnavailableException e) {
            gpu = "GPU: none usable" + (e.getMessage().contains("cannot run on this machine")
                    ? " (libraries missing, see below)" : ": " + e.getMessage().replaceFirst("^cuda: ", ""));
        } catch (RuntimeException | LinkageError e) {
            gpu = "GPU: none usable: " + e;
        }
        lines.add(gpu);
        lines.add(driver);
        lines.add(runtime);
        lines.add(library("cuBLAS", Cublas::load, Cublas::version));
        lines.add(library("cuDNN", Cudnn::load, Cudnn::version));
        return String.join("\n", lines);
    }

    private static String library(String what, Supplier<NativeLibraries.Loaded> load, Supplier<String> version) {
        NativeLibraries.Loaded lib;
        try {
            lib = load.get();
        } catch (NativeLibraryNotFoundException e) {
            return what + ": " + e.summary();
        }
        String v;
        try {
            v = version.get();
        } catch (RuntimeException | LinkageError e) {
            v = "version unknown (" + e.getMessage() + ")";
        }
        return what + ": " + v + " — " + lib;
    }
}
