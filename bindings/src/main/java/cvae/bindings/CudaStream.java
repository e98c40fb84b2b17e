package cvae.bindings;

import static cvae.bindings.cudart.cuda_runtime_api_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A CUDA stream. Created non-blocking so that it never synchronises with the legacy
 * default stream, which is what stream capture into a CUDA graph needs; so copies to and
 * from it must use the async calls on this stream, followed by {@link #synchronize()}.
 */
public final class CudaStream extends NativeHandle {

    private CudaStream(MemorySegment stream, Arena arena) { super(stream, arena); }

    public static CudaStream create(Arena arena) {
        Cuda.load();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            Cuda.check(cudaStreamCreateWithFlags(p, cudaStreamNonBlocking()), "cudaStreamCreateWithFlags");
            return new CudaStream(p.get(ValueLayout.ADDRESS, 0), arena);
        }
    }

    /** Waits until all work queued on this stream has finished. */
    public void synchronize() {
        Cuda.check(cudaStreamSynchronize(handle()), "cudaStreamSynchronize");
    }

    /**
     * Starts recording this stream's work into a graph instead of running it
     * (thread-local mode: other threads' CUDA calls are not affected).
     */
    public void beginCapture() {
        Cuda.check(cudaStreamBeginCapture(handle(), cudaStreamCaptureModeThreadLocal()), "cudaStreamBeginCapture");
    }

    /** Ends the capture begun by {@link #beginCapture()} and returns the recorded graph. */
    public CudaGraph endCapture(Arena arena) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            Cuda.check(cudaStreamEndCapture(handle(), p), "cudaStreamEndCapture");
            return new CudaGraph(p.get(ValueLayout.ADDRESS, 0), arena);
        }
    }

    @Override
    protected void destroy(MemorySegment handle) {
        Cuda.check(cudaStreamDestroy(handle), "cudaStreamDestroy");
    }
}
