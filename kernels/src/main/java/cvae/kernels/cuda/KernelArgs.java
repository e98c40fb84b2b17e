package cvae.kernels.cuda;

import static cvae.bindings.cuda.cuda_h.cuLaunchKernel;

import cvae.bindings.CudaDriver;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The argument block of a kernel launch, reused for every launch: cuLaunchKernel takes
 * an array of pointers to the argument values and copies the values before it returns
 * (also while a stream is being captured into a graph), so one block of slots and one
 * fixed pointer array serve all launches with no allocation.
 *
 * <p>Usage: {@code args.start().ptr(out).i32(n).f32(v).launch(fn, "name", grid, 1, BLOCK, 1, stream)};
 * values go in the kernel's parameter order. Not thread-safe: one backend, one caller.
 */
final class KernelArgs {
    private static final int MAX_ARGS = 16;
    private static final long SLOT = 8;

    private final MemorySegment values;
    private final MemorySegment pointers;
    private int count;

    KernelArgs(Arena arena) {
        values = arena.allocate(MAX_ARGS * SLOT, SLOT);
        pointers = arena.allocate(ValueLayout.ADDRESS, MAX_ARGS);
        for (int i = 0; i < MAX_ARGS; i++)
            pointers.setAtIndex(ValueLayout.ADDRESS, i, values.asSlice(i * SLOT, SLOT));
    }

    KernelArgs start() {
        count = 0;
        return this;
    }

    private long next() {
        if (count == MAX_ARGS) throw new IllegalStateException("more than " + MAX_ARGS + " kernel arguments");
        return count++ * SLOT;
    }

    KernelArgs ptr(CudaTensor t) { return u64(t.address()); }

    KernelArgs ptr(long deviceAddress) { return u64(deviceAddress); }

    KernelArgs i32(int v) { values.set(ValueLayout.JAVA_INT, next(), v); return this; }

    KernelArgs f32(float v) { values.set(ValueLayout.JAVA_FLOAT, next(), v); return this; }

    KernelArgs f64(double v) { values.set(ValueLayout.JAVA_DOUBLE, next(), v); return this; }

    KernelArgs u64(long v) { values.set(ValueLayout.JAVA_LONG, next(), v); return this; }

    /** Queues the kernel on {@code stream} with the arguments given since {@link #start()}. */
    void launch(MemorySegment function, String name, int gridX, int gridY, int blockX, int blockY,
                MemorySegment stream) {
        int status = cuLaunchKernel(function, gridX, gridY, 1, blockX, blockY, 1, 0, stream, pointers, MemorySegment.NULL);
        CudaDriver.check(status, "cuLaunchKernel(" + name + ")");
    }
}
