package cvae.bindings;

import static cvae.bindings.cudart.cuda_runtime_api_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A CUDA event, used to time work on a stream from the device's own clock. */
public final class CudaEvent extends NativeHandle {

    private CudaEvent(MemorySegment event, Arena arena) { super(event, arena); }

    public static CudaEvent create(Arena arena) {
        Cuda.load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            Cuda.check(cudaEventCreateWithFlags(p, cudaEventDefault()), "cudaEventCreateWithFlags");
            return new CudaEvent(p.get(ValueLayout.ADDRESS, 0), arena);
        }
    }

    /** Marks the point in {@code stream}'s queue that this event stands for. */
    public void record(CudaStream stream) {
        Cuda.check(cudaEventRecord(handle(), stream.handle()), "cudaEventRecord");
    }

    /** Waits until the work before the recorded point has finished. */
    public void synchronize() {
        Cuda.check(cudaEventSynchronize(handle()), "cudaEventSynchronize");
    }

    /** Milliseconds between two recorded events (both must have completed). */
    public static float elapsedMillis(CudaEvent start, CudaEvent end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(ValueLayout.JAVA_FLOAT);
            Cuda.check(cudaEventElapsedTime(ms, start.handle(), end.handle()), "cudaEventElapsedTime");
            return ms.get(ValueLayout.JAVA_FLOAT, 0);
        }
    }

    @Override
    protected void destroy(MemorySegment handle) {
        Cuda.check(cudaEventDestroy(handle), "cudaEventDestroy");
    }
}
