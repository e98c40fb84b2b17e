package cvae.bindings;

import static cvae.bindings.cudnn.cvae_cudnn_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * cuDNN 9 (libcudnn.so.9): status checks, the version, and the objects the project uses:
 * {@link Handle}, {@link TensorDescriptor} and {@link ActivationDescriptor}. The
 * operations themselves are called through the generated
 * {@code cvae.bindings.cudnn.cvae_cudnn_h}.
 */
public final class Cudnn {
    private Cudnn() {}

    public static final String LIBRARY = "cuDNN";

    /** Loads libcudnn.so.9 (once). @throws NativeLibraryNotFoundException if absent */
    public static NativeLibraries.Loaded load() { return NativeLibraries.cudnn(); }

    /** Throws a {@link CudaException} with cuDNN's own text unless {@code status} is CUDNN_STATUS_SUCCESS. */
    public static void check(int status, String call) {
        if (status != CUDNN_STATUS_SUCCESS()) throw new CudaException(LIBRARY, call, status, describe(status));
    }

    /** cudnnGetErrorString: "CUDNN_STATUS_NOT_INITIALIZED". */
    public static String describe(int status) {
        return cudnnGetErrorString(status).reinterpret(1024).getString(0);
    }

    /** cudnnGetVersion: 10000·major + 100·minor + patch for cuDNN 9 (90500 is 9.5.0). */
    public static long versionNumber() {
        load();
        return cudnnGetVersion();
    }

    /** The version as "major.minor.patch". */
    public static String version() {
        long v = versionNumber();
        return (v / 10000) + "." + (v % 10000) / 100 + "." + (v % 100);
    }

    /** A cuDNN context on the current device; needs a GPU. */
    public static final class Handle extends NativeHandle {
        private Handle(MemorySegment h, Arena arena) { super(h, arena); }

        /** @throws CudaException CUDNN_STATUS_NOT_INITIALIZED where there is no driver or GPU */
        public static Handle create(Arena arena) {
            load();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = a.allocate(ValueLayout.ADDRESS);
                check(cudnnCreate(p), "cudnnCreate");
                return new Handle(p.get(ValueLayout.ADDRESS, 0), arena);
            }
        }

        public void setStream(CudaStream stream) {
            check(cudnnSetStream(handle(), stream.handle()), "cudnnSetStream");
        }

        @Override
        protected void destroy(MemorySegment h) {
            check(cudnnDestroy(h), "cudnnDestroy");
        }
    }

    /** A tensor descriptor (shape and layout only, no data); works without a GPU. */
    public static final class TensorDescriptor extends NativeHandle {
        private TensorDescriptor(MemorySegment d, Arena arena) { super(d, arena); }

        public static TensorDescriptor create(Arena arena) {
            load();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = a.allocate(ValueLayout.ADDRESS);
                check(cudnnCreateTensorDescriptor(p), "cudnnCreateTensorDescriptor");
                return new TensorDescriptor(p.get(ValueLayout.ADDRESS, 0), arena);
            }
        }

        /**
         * A row-major {@code rows × cols} float matrix as cuDNN sees it: NCHW with
         * N = rows, C = cols, H = W = 1 (so a 1 × cols bias broadcasts over the rows).
         */
        public static TensorDescriptor matrix(int rows, int cols, Arena arena) {
            TensorDescriptor d = create(arena);
            d.set4d(CUDNN_TENSOR_NCHW(), CUDNN_DATA_FLOAT(), rows, cols, 1, 1);
            return d;
        }

        public void set4d(int format, int dataType, int n, int c, int h, int w) {
            check(cudnnSetTensor4dDescriptor(handle(), format, dataType, n, c, h, w), "cudnnSetTensor4dDescriptor");
        }

        @Override
        protected void destroy(MemorySegment d) {
            check(cudnnDestroyTensorDescriptor(d), "cudnnDestroyTensorDescriptor");
        }
    }

    /** An activation descriptor (which function, NaN handling); works without a GPU. */
    public static final class ActivationDescriptor extends NativeHandle {
        private ActivationDescriptor(MemorySegment d, Arena arena) { super(d, arena); }

        /** {@code mode} is a CUDNN_ACTIVATION_* constant; NaNs propagate, coef 0. */
        public static ActivationDescriptor create(int mode, Arena arena) {
            load();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = a.allocate(ValueLayout.ADDRESS);
                check(cudnnCreateActivationDescriptor(p), "cudnnCreateActivationDescriptor");
                ActivationDescriptor d = new ActivationDescriptor(p.get(ValueLayout.ADDRESS, 0), arena);
                check(cudnnSetActivationDescriptor(d.handle(), mode, CUDNN_PROPAGATE_NAN(), 0.0),
                        "cudnnSetActivationDescriptor");
                return d;
            }
        }

        @Override
        protected void destroy(MemorySegment d) {
            check(cudnnDestroyActivationDescriptor(d), "cudnnDestroyActivationDescriptor");
        }
    }
}
