package cvae.bindings;

import static cvae.bindings.cudart.cuda_runtime_api_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A CUDA graph recorded by stream capture; {@link #instantiate} makes it launchable. */
public final class CudaGraph extends NativeHandle {

    CudaGraph(MemorySegment graph, Arena arena) { super(graph, arena); }

    /** An executable copy of this graph (the graph itself may be closed afterwards). */
    public Exec instantiate(Arena arena) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            Cuda.check(cudaGraphInstantiate(p, handle(), 0L), "cudaGraphInstantiate");
            return new Exec(p.get(ValueLayout.ADDRESS, 0), arena);
        }
    }

    @Override
    protected void destroy(MemorySegment handle) {
        Cuda.check(cudaGraphDestroy(handle), "cudaGraphDestroy");
    }

    /** An instantiated graph: the whole recorded sequence runs with one launch. */
    public static final class Exec extends NativeHandle {
        Exec(MemorySegment exec, Arena arena) { super(exec, arena); }

        public void launch(CudaStream stream) {
            Cuda.check(cudaGraphLaunch(handle(), stream.handle()), "cudaGraphLaunch");
        }

        @Override
        protected void destroy(MemorySegment handle) {
            Cuda.check(cudaGraphExecDestroy(handle), "cudaGraphExecDestroy");
        }
    }
}
