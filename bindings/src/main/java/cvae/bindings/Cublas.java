package cvae.bindings;

import static cvae.bindings.cublas.cvae_cublas_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * cuBLAS (libcublas.so.13 or .12): status checks, the version, and {@link Handle}.
 * GEMMs are called through the generated {@code cvae.bindings.cublas.cvae_cublas_h}.
 */
public final class Cublas {
    private Cublas() {}

    public static final String LIBRARY = "cuBLAS";

    /** Loads libcublas and libcublasLt (once). @throws NativeLibraryNotFoundException if absent */
    public static NativeLibraries.Loaded load() { return NativeLibraries.cublas(); }

    /** Throws a {@link CudaException} with cuBLAS's own text unless {@code status} is CUBLAS_STATUS_SUCCESS. */
    public static void check(int status, String call) {
        if (status != CUBLAS_STATUS_SUCCESS()) throw new CudaException(LIBRARY, call, status, describe(status));
    }

    /** cublasGetStatusString: "CUBLAS_STATUS_NOT_INITIALIZED". */
    public static String describe(int status) {
        return cublasGetStatusString(status).reinterpret(1024).getString(0);
    }

    /** The library's version "major.minor.patch", read without a handle (so without a GPU). */
    public static String version() {
        load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            int[] parts = new int[3];
            int[] kinds = {MAJOR_VERSION(), MINOR_VERSION(), PATCH_LEVEL()};
            for (int i = 0; i < 3; i++) {
                check(cublasGetProperty(kinds[i], v), "cublasGetProperty");
                parts[i] = v.get(ValueLayout.JAVA_INT, 0);
            }
            return parts[0] + "." + parts[1] + "." + parts[2];
        }
    }

    /** A cuBLAS context, bound to the current device; needs a GPU. */
    public static final class Handle extends NativeHandle {
        private Handle(MemorySegment h, Arena arena) { super(h, arena); }

        /** @throws CudaException CUBLAS_STATUS_NOT_INITIALIZED where there is no driver or GPU */
        public static Handle create(Arena arena) {
            load();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = a.allocate(ValueLayout.ADDRESS);
                check(cublasCreate_v2(p), "cublasCreate_v2");
                return new Handle(p.get(ValueLayout.ADDRESS, 0), arena);
            }
        }

        /** cublasGetVersion_v2: 1000·major + 100·minor + patch (e.g. 120604). */
        public int version() {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
                check(cublasGetVersion_v2(handle(), v), "cublasGetVersion_v2");
                return v.get(ValueLayout.JAVA_INT, 0);
            }
        }

        public void setStream(CudaStream stream) {
            check(cublasSetStream_v2(handle(), stream.handle()), "cublasSetStream_v2");
        }

        /**
         * Gives cuBLAS a workspace of its own. With one set, cuBLAS allocates nothing while a
         * stream is being captured into a graph, which NVIDIA recommends for graph capture.
         * Call after {@link #setStream}: setting the stream resets the workspace.
         */
        public void setWorkspace(DeviceMemory workspace) {
            check(cublasSetWorkspace_v2(handle(), workspace.handle(), workspace.bytes()), "cublasSetWorkspace_v2");
        }

        public void setMathMode(int mode) {
            check(cublasSetMathMode(handle(), mode), "cublasSetMathMode");
        }

        @Override
        protected void destroy(MemorySegment h) {
            check(cublasDestroy_v2(h), "cublasDestroy_v2");
        }
    }
}
