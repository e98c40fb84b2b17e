package cvae.kernels.cuda;

import cvae.bindings.CudaException;
import cvae.bindings.CudaModule;
import cvae.bindings.cuda.cuda_h;
import cvae.kernels.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The kernels of {@code src/main/cuda/kernels.cu}: the fatbin resource loaded into the
 * current context, and each kernel's CUfunction, looked up once.
 */
final class KernelModule {
    static final String RESOURCE = "/cvae/kernels/cuda/kernels.fatbin";

    /** Threads per block of the 1-D kernels, and the partial-sum count; as in kernels.cu. */
    static final int BLOCK = 256;
    static final int MAX_PARTIALS = 1024;

    final MemorySegment fill, gatherRows, concatColumns, sliceColumns;
    final MemorySegment addBias, biasBackward, reluForward, reluBackward, sigmoidForward, sigmoidBackward;
    final MemorySegment reparamForward, reparamBackward, mse, kl, finishSum, adam, randomNormal;
    /** The variants that read a recorded step's per-step scalars from device memory. */
    final MemorySegment gatherRowsSlots, adamSlots, randomNormalSlots;

    /**
     * @param ccMajor the device's compute capability (major), for the error message
     * @param ccMinor its minor part
     * @throws BackendUnavailableException if the resource is missing or has no code for this GPU
     */
    KernelModule(Arena arena, int ccMajor, int ccMinor) {
        CudaModule module;
        try {
            module = CudaModule.load(image(), arena);
        } catch (CudaException e) {
            if (e.status() == cuda_h.CUDA_ERROR_NO_BINARY_FOR_GPU())
                throw new BackendUnavailableException("cuda: kernels.fatbin has no code for this GPU (sm_"
                        + ccMajor + ccMinor + "): add its architecture to kernels/src/main/cuda/build.sh and rebuild ("
                        + e.getMessage() + ")", e);
            throw new BackendUnavailableException("cuda: could not load kernels.fatbin: " + e.getMessage()
                    + " (a fatbin from a newer CUDA than the driver supports needs a driver update,"
                    + " or a rebuild with an older toolkit: CUDA_HOME=... kernels/src/main/cuda/build.sh)", e);
        }
        fill = module.function("fill_f32");
        gatherRows = module.function("gather_rows");
        concatColumns = module.function("concat_columns");
        sliceColumns = module.function("slice_columns");
        addBias = module.function("add_bias");
        biasBackward = module.function("bias_backward");
        reluForward = module.function("relu_forward");
        reluBackward = module.function("relu_backward");
        sigmoidForward = module.function("sigmoid_forward");
        sigmoidBackward = module.function("sigmoid_backward");
        reparamForward = module.function("reparam_forward");
        reparamBackward = module.function("reparam_backward");
        mse = module.function("mse_forward_backward");
        kl = module.function("kl_forward_backward");
        finishSum = module.function("finish_sum");
        adam = module.function("adam_step");
        randomNormal = module.function("random_normal");
        gatherRowsSlots = module.function("gather_rows_slots");
        adamSlots = module.function("adam_step_slots");
        randomNormalSlots = module.function("random_normal_slots");
    }

    /** The fatbin's bytes from the class path. */
    static byte[] image() {
        try (InputStream in = KernelModule.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new BackendUnavailableException("cuda: this build has no " + RESOURCE
                        + "; run kernels/src/main/cuda/build.sh (needs nvcc) and rebuild");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BackendUnavailableException("cuda: cannot read " + RESOURCE + ": " + e, e);
        }
    }

    /** Blocks for a grid-stride kernel over n elements: enough to fill the GPU, never 0 for n > 0. */
    static int grid(long n) {
        return (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, 65_536));
    }

    /** Blocks of a reduction over n elements: depends on n only, so the sum's order does too. */
    static int reductionGrid(long n) {
        return (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, MAX_PARTIALS));
    }
}
