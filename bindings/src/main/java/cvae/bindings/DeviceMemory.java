package cvae.bindings;

import static cvae.bindings.cudart.cuda_runtime_api_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A block of device memory from cudaMalloc. {@link #handle()} is its device address as a
 * zero-length segment: it is passed to CUDA, never dereferenced on the host.
 */
public final class DeviceMemory extends NativeHandle {
    private final long bytes;

    private DeviceMemory(MemorySegment ptr, long bytes, Arena arena) {
        super(ptr, arena);
        this.bytes = bytes;
    }

    /** {@code bytes} of uninitialised device memory, freed when closed or when {@code arena} closes. */
    public static DeviceMemory allocate(long bytes, Arena arena) {
        Cuda.load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            Cuda.check(cudaMalloc(p, Math.max(bytes, 1)), "cudaMalloc(" + bytes + " bytes)");
            return new DeviceMemory(MemorySegment.ofAddress(p.get(ValueLayout.ADDRESS, 0).address()), bytes, arena);
        }
    }

    public long bytes() { return bytes; }

    /** The device address {@code offset} bytes in. */
    public MemorySegment at(long offset) {
        return MemorySegment.ofAddress(handle().address() + offset);
    }

    @Override
    protected void destroy(MemorySegment handle) {
        Cuda.check(cudaFree(handle), "cudaFree");
    }
}
