package cvae.kernels.cuda;

import cvae.bindings.DeviceMemory;
import cvae.kernels.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * A tensor in GPU memory. A view of fewer rows ({@link #rows(int)}) shares the block and
 * its start address: rows are contiguous, so the first n rows are a prefix.
 */
final class CudaTensor extends Tensor {
    final DeviceMemory memory;

    CudaTensor(int rows, int cols, DeviceMemory memory) {
        super(rows, cols);
        this.memory = memory;
    }

    /** The device address of element [0, 0]. */
    long address() { return memory.handle().address(); }

    /** The device address as a segment to pass to CUDA (never dereferenced on the host). */
    MemorySegment pointer() { return MemorySegment.ofAddress(address()); }

    long bytes() { return size() * Float.BYTES; }

    @Override
    public CudaTensor rows(int n) {
        if (n < 0 || n > rows) throw new IllegalArgumentException("view of " + n + " rows of " + this);
        return n == rows ? this : new CudaTensor(n, cols, memory);
    }
}
