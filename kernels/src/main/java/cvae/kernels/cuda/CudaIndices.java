package cvae.kernels.cuda;

import cvae.bindings.DeviceMemory;
import cvae.kernels.IndexBuffer;

/**
 * Row indices in GPU memory. The largest index is remembered on the host, so that
 * gatherRows can reject a source with too few rows before a kernel reads out of bounds.
 */
final class CudaIndices extends IndexBuffer {
    final DeviceMemory memory;
    final int max;

    CudaIndices(int length, int max, DeviceMemory memory) {
        super(length);
        this.max = max;
        this.memory = memory;
    }

    long address() { return memory.handle().address(); }
}
