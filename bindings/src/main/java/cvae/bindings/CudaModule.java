package cvae.bindings;

import static cvae.bindings.cuda.cuda_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A module of device code loaded from an image in memory (a fatbin, cubin or PTX) into
 * the current context; the driver picks the SASS for the device or JIT-compiles the PTX.
 */
public final class CudaModule extends NativeHandle {

    private CudaModule(MemorySegment module, Arena arena) { super(module, arena); }

    /** Loads {@code image} into the context current on this thread. */
    public static CudaModule load(byte[] image, Arena arena) {
        CudaDriver.load();
        try (Arena a = Arena.ofConfined()) {
            // PTX images must end with a NUL; one more byte is harmless for a fatbin.
            MemorySegment img = a.allocate(image.length + 1L, 16);
            MemorySegment.copy(image, 0, img, ValueLayout.JAVA_BYTE, 0, image.length);
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            CudaDriver.check(cuModuleLoadData(p, img), "cuModuleLoadData");
            return new CudaModule(p.get(ValueLayout.ADDRESS, 0), arena);
        }
    }

    /** The kernel {@code name} (an {@code extern "C"} name) as a CUfunction. */
    public MemorySegment function(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            CudaDriver.check(cuModuleGetFunction(p, handle(), a.allocateFrom(name)),
                    "cuModuleGetFunction(" + name + ")");
            return p.get(ValueLayout.ADDRESS, 0);
        }
    }

    @Override
    protected void destroy(MemorySegment handle) {
        CudaDriver.check(cuModuleUnload(handle), "cuModuleUnload");
    }
}
