package cvae.bindings;

import static cvae.bindings.cudart.cuda_runtime_api_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CUDA runtime (libcudart): status checks and the few queries the project makes.
 * Objects with a lifetime are {@link CudaStream}, {@link CudaEvent}, {@link CudaGraph}
 * and {@link DeviceMemory}; everything else is called through the generated
 * {@code cvae.bindings.cudart.cuda_runtime_api_h} after {@link #load()}.
 */
public final class Cuda {
    private Cuda() {}

    public static final String LIBRARY = "CUDA runtime";

    /** Loads libcudart (once). @throws NativeLibraryNotFoundException if there is none */
    public static NativeLibraries.Loaded load() { return NativeLibraries.cudart(); }

    /** Throws a {@link CudaException} with the runtime's own text unless {@code status} is cudaSuccess. */
    public static void check(int status, String call) {
        if (status != cudaSuccess()) throw new CudaException(LIBRARY, call, status, describe(status));
    }

    /** "cudaErrorNoDevice: no CUDA-capable device is detected". */
    public static String describe(int status) {
        return cudaGetErrorName(status).reinterpret(256).getString(0) + ": "
                + cudaGetErrorString(status).reinterpret(1024).getString(0);
    }

    /** The runtime's version as CUDA encodes it (1000·major + 10·minor), e.g. 13000. */
    public static int runtimeVersion() {
        load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            check(cudaRuntimeGetVersion(v), "cudaRuntimeGetVersion");
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** The newest CUDA version the installed driver supports, or 0 when there is no driver. */
    public static int driverVersion() {
        load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            check(cudaDriverGetVersion(v), "cudaDriverGetVersion");
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** The number of CUDA devices. @throws CudaException when there is no driver or device */
    public static int deviceCount() {
        load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(ValueLayout.JAVA_INT);
            check(cudaGetDeviceCount(n), "cudaGetDeviceCount");
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** An integer device attribute (a {@code cudaDevAttr*} constant). */
    public static int deviceAttribute(int attribute, int device) {
        load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            check(cudaDeviceGetAttribute(v, attribute, device), "cudaDeviceGetAttribute");
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Free and total device memory in bytes, {@code [free, total]}. */
    public static long[] memoryInfo() {
        load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = a.allocate(ValueLayout.JAVA_LONG);
            check(cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[] {free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0)};
        }
    }

    public static void setDevice(int device) {
        load();
        check(cudaSetDevice(device), "cudaSetDevice");
    }

    public static void deviceSynchronize() {
        check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    /** Formats a CUDA-encoded version (12060 → "12.6"; cuDNN uses its own, see {@link Cudnn}). */
    public static String formatVersion(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }
}
