package cvae.bindings;

import static cvae.bindings.cuda.cuda_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CUDA driver API (libcuda.so.1, which only a machine with an NVIDIA driver has).
 * The project uses it for what the runtime cannot do from Java: loading its own fatbin
 * ({@link CudaModule}) and launching kernels from it. It works in the runtime's primary
 * context: the runtime creates and makes it current (cudaSetDevice plus any call), and
 * {@link #currentContext()} / {@link #setCurrent} carry it to other threads.
 */
public final class CudaDriver {
    private CudaDriver() {}

    public static final String LIBRARY = "CUDA driver";

    /** Loads libcuda.so.1 (once). @throws NativeLibraryNotFoundException if there is no driver */
    public static NativeLibraries.Loaded load() { return NativeLibraries.cudaDriver(); }

    /** Throws a {@link CudaException} with the driver's own text unless {@code status} is CUDA_SUCCESS. */
    public static void check(int status, String call) {
        if (status != CUDA_SUCCESS()) throw new CudaException(LIBRARY, call, status, describe(status));
    }

    /** "CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected". */
    public static String describe(int status) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            String name = cuGetErrorName(status, p) == CUDA_SUCCESS() ? str(p) : "CUresult " + status;
            String text = cuGetErrorString(status, p) == CUDA_SUCCESS() ? str(p) : "unknown error";
            return name + ": " + text;
        }
    }

    private static String str(MemorySegment pointerToString) {
        return pointerToString.get(ValueLayout.ADDRESS, 0).reinterpret(1024).getString(0);
    }

    /** cuInit(0): required once per process before any other driver call. */
    public static void init() {
        load();
        check(cuInit(0), "cuInit");
    }

    /** The newest CUDA version the driver supports (1000·major + 10·minor). */
    public static int driverVersion() {
        load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            check(cuDriverGetVersion(v), "cuDriverGetVersion");
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** The marketing name of device {@code ordinal} ("NVIDIA H100 80GB HBM3"). */
    public static String deviceName(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dev = a.allocate(ValueLayout.JAVA_INT);
            check(cuDeviceGet(dev, ordinal), "cuDeviceGet");
            MemorySegment name = a.allocate(256);
            check(cuDeviceGetName(name, 256, dev.get(ValueLayout.JAVA_INT, 0)), "cuDeviceGetName");
            return name.getString(0);
        }
    }

    /** The context current on this thread (NULL if none). */
    public static MemorySegment currentContext() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            check(cuCtxGetCurrent(p), "cuCtxGetCurrent");
            return p.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** Makes {@code context} current on this thread. */
    public static void setCurrent(MemorySegment context) {
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }
}
