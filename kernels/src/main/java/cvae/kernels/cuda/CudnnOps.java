package cvae.kernels.cuda;

import static cvae.bindings.cudnn.cvae_cudnn_h.*;

import cvae.bindings.CudaStream;
import cvae.bindings.Cudnn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * Bias add and the ReLU/sigmoid activations, forward and backward, through cuDNN's
 * legacy API. A row-major rows × cols matrix is the NCHW tensor rows × cols × 1 × 1, so a
 * 1 × cols bias broadcasts over the rows in cudnnAddTensor. Descriptors are made once
 * per shape and kept until the backend closes (a step uses a handful of shapes).
 *
 * <p>The backward calls pass the forward output y also as cuDNN's x: for ReLU, y > 0
 * exactly where x > 0; for the sigmoid, the derivative y(1 − y) needs only y.
 */
final class CudnnOps {
    private final Arena arena;
    private final Cudnn.Handle handle;
    private final Cudnn.ActivationDescriptor relu, sigmoid;
    private final Map<Long, Cudnn.TensorDescriptor> shapes = new HashMap<>();
    /** Host scalars 1 and 0 (cuDNN reads alpha/beta from host memory during the call). */
    private final MemorySegment one, zero;

    CudnnOps(Arena arena, CudaStream stream) {
        this.arena = arena;
        handle = Cudnn.Handle.create(arena);
        handle.setStream(stream);
        relu = Cudnn.ActivationDescriptor.create(CUDNN_ACTIVATION_RELU(), arena);
        sigmoid = Cudnn.ActivationDescriptor.create(CUDNN_ACTIVATION_SIGMOID(), arena);
        one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
        zero = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
    }

    private Cudnn.TensorDescriptor shape(int rows, int cols) {
        return shapes.computeIfAbsent(((long) rows << 32) | cols,
                k -> Cudnn.TensorDescriptor.matrix(rows, cols, arena));
    }

    /** y += bias (1 × cols) on every row. */
    void addBias(CudaTensor y, CudaTensor bias) {
        Cudnn.check(cudnnAddTensor(handle.handle(), one, shape(1, y.cols()).handle(), bias.pointer(),
                one, shape(y.rows(), y.cols()).handle(), y.pointer()), "cudnnAddTensor");
    }

    void reluForward(CudaTensor y, CudaTensor x) { forward(relu, y, x); }

    void sigmoidForward(CudaTensor y, CudaTensor x) { forward(sigmoid, y, x); }

    void reluBackward(CudaTensor dX, CudaTensor dY, CudaTensor y) { backward(relu, dX, dY, y); }

    private void forward(Cudnn.ActivationDescriptor act, CudaTensor y, CudaTensor x) {
        MemorySegment d = shape(x.rows(), x.cols()).handle();
        Cudnn.check(cudnnActivationForward(handle.handle(), act.handle(), one, d, x.pointer(), zero, d, y.pointer()),
                "cudnnActivationForward");
    }

    private void backward(Cudnn.ActivationDescriptor act, CudaTensor dX, CudaTensor dY, CudaTensor y) {
        // One descriptor for all four tensors: in-place (dX == dY) requires identical ones.
        MemorySegment d = shape(dY.rows(), dY.cols()).handle();
        Cudnn.check(cudnnActivationBackward(handle.handle(), act.handle(), one, d, y.pointer(), d, dY.pointer(),
                d, y.pointer(), zero, d, dX.pointer()), "cudnnActivationBackward");
    }
}
