package cvae.kernels;

/**
 * Every operation the CVAE needs, forward and backward side by side.
 *
 * <p>The backend owns its memory: tensors are allocated by {@link #tensor} and live
 * where the backend computes (Java heap for {@code reference} and {@code cpu}, GPU
 * memory for {@code cuda}). Data cross to the host only through {@link #upload} and
 * {@link #download}, so a training step can run with no host round trip.
 *
 * <p>Conventions (as in llm.c): output arguments first, then inputs; all tensors are
 * row-major matrices {@code rows × cols} of float32; a tensor with fewer rows obtained
 * by {@link Tensor#rows(int)} is a view of the first rows of the same storage (used
 * for the last, partial batch). Backward ops that produce parameter gradients
 * overwrite them unless the name says {@code accumulate}.
 *
 * <p>Determinism: for a given backend and thread count every op is a pure function
 * of its inputs, bit for bit (no atomics or order-dependent reductions).
 */
public interface Backend extends AutoCloseable {

    /** Short name used on the command line: {@code reference}, {@code cpu}, {@code cuda}. */
    String name();

    /** One line describing what this backend runs on (threads, vector width, GPU…). */
    String describe();

    // ---- memory -------------------------------------------------------------------

    /** A new zero-filled {@code rows × cols} tensor. */
    Tensor tensor(int rows, int cols);

    /** Copies {@code src[0 .. rows*cols)} into {@code dst}. */
    void upload(Tensor dst, float[] src);

    /**
     * A {@code rows × cols} tensor holding {@code data} (exactly rows·cols values), for
     * data that nothing changes afterwards (the dataset). A backend in host memory may
     * keep the array itself instead of a copy: the caller must not change it afterwards.
     */
    default Tensor tensorOf(float[] data, int rows, int cols) {
        if (data.length != (long) rows * cols) throw new IllegalArgumentException(data.length + " values for a " + rows + "×" + cols + " tensor");
        Tensor t = tensor(rows, cols);
        upload(t, data);
        return t;
    }

    /** Copies {@code src} into {@code dst[0 .. rows*cols)}. */
    void download(float[] dst, Tensor src);

    /** Sets every element to {@code value}. */
    void fill(Tensor t, float value);

    /** A row-index list living on the backend (for {@link #gatherRows}). */
    IndexBuffer indices(int[] values);

    /** Waits until all queued work has finished (no-op on synchronous backends). */
    default void synchronize() {}

    // ---- data movement --------------------------------------------------------------

    /**
     * {@code out[r, :] = src[idx[offset + r], :]} for {@code r < out.rows()}.
     * Builds a minibatch from the dataset resident on the backend.
     */
    void gatherRows(Tensor out, Tensor src, IndexBuffer idx, int offset);

    /** {@code out = [a | b]} column-wise; {@code out.cols() == a.cols() + b.cols()}. */
    void concatColumns(Tensor out, Tensor a, Tensor b);

    /** {@code out = in[:, col0 .. col0 + out.cols())}: the gradient of the left part of a concat. */
    void sliceColumns(Tensor out, Tensor in, int col0);

    // ---- linear algebra ---------------------------------------------------------------

    /**
     * General matrix product {@code C = alpha · op(A) · op(B) + beta · C}, where
     * {@code op(X)} is X or its transpose. Shapes: op(A) is M×K, op(B) is K×N, C is M×N.
     * The model's linear layers hold Wt = Wᵀ (in×out) and use: forward {@code Y = X·Wt}
     * (no transpose), weight gradient {@code dWt = Xᵀ·dY} (transA), input gradient
     * {@code dX = dY·Wtᵀ} (transB).
     */
    void gemm(Tensor c, boolean transA, Tensor a, boolean transB, Tensor b, float alpha, float beta);

    /** The activation a fused {@link #linearForward} applies. */
    enum Activation { NONE, RELU, SIGMOID }

    /**
     * A linear layer's forward pass {@code y = act(x · w + bias)}: the result of
     * {@link #gemm} (no transposes), then {@link #addBias}, then {@link #reluForward} or
     * {@link #sigmoidForward}, to the bit. A backend may fuse them (the cpu one applies the
     * bias and the activation to each block of y as its product finishes).
     */
    default void linearForward(Tensor y, Tensor x, Tensor w, Tensor bias, Activation act) {
        gemm(y, false, x, false, w, 1f, 0f);
        addBias(y, bias);
        switch (act) {
            case NONE -> {}
            case RELU -> reluForward(y, y);
            case SIGMOID -> sigmoidForward(y, y);
        }
    }

    /** {@code y[r, :] += bias[0, :]} for every row. */
    void addBias(Tensor y, Tensor bias);

    /** {@code dBias[0, j] = Σ_r dY[r, j]} (overwrites). */
    void biasBackward(Tensor dBias, Tensor dY);

    // ---- activations ------------------------------------------------------------------

    /** {@code y = max(x, 0)}; y may be x. */
    void reluForward(Tensor y, Tensor x);

    /** {@code dX = dY · [y > 0]}, given the forward output y; dX may be dY. */
    void reluBackward(Tensor dX, Tensor dY, Tensor y);

    /** {@code y = 1 / (1 + exp(-x))}; y may be x. */
    void sigmoidForward(Tensor y, Tensor x);

    /**
     * {@code dX = dY · y · (1 − y)}, given the forward output y; dX may be dY. A result
     * smaller in magnitude than the smallest normal float ({@link Float#MIN_NORMAL}) is
     * written as 0: a saturated sigmoid (a background pixel pushed towards 0, and under
     * {@code normalize: standard} every pixel) otherwise fills dX with subnormals, and x86
     * cores take a microcode assist for every subnormal operand of the two products that
     * read dX: at epoch 16 they ran 7–11× slower under {@code standard} and up to 1.7× under
     * {@code none}. Such gradients are below anything Adam can act on (its ε is 1e-8).
     */
    void sigmoidBackward(Tensor dX, Tensor dY, Tensor y);

    // ---- the CVAE's own ops -------------------------------------------------------------

    /**
     * Reparameterisation. {@code h} is B×2L holding [mu | log_sigma];
     * {@code z = mu + exp(log_sigma) · eps}, z and eps B×L.
     */
    void reparamForward(Tensor z, Tensor h, Tensor eps);

    /**
     * Backward of {@link #reparamForward}: overwrites {@code dH} (B×2L) with
     * {@code [dZ | dZ · exp(log_sigma) · eps]}.
     */
    void reparamBackward(Tensor dH, Tensor dZ, Tensor h, Tensor eps);

    /**
     * Mean squared error over all elements, with its gradient.
     * Writes {@code dXhat = 2 (xhat − x) / n} (n = rows·cols) and adds
     * {@code Σ (xhat − x)² / cols} (the batch's summed per-sample MSE) to
     * {@code acc[0, accIndex]}, so that dividing by the number of samples gives the mean.
     */
    void mseForwardBackward(Tensor dXhat, Tensor xhat, Tensor x, Tensor acc, int accIndex);

    /**
     * {@link #mseForwardBackward} where xhat is a sigmoid's output, followed by
     * {@link #sigmoidBackward} of its gradient: dXhat is the gradient of the sigmoid's input.
     * The same floats as those two ops, which is what this default does; the cpu backend
     * does it in one pass.
     */
    default void mseSigmoidBackward(Tensor dXhat, Tensor xhat, Tensor x, Tensor acc, int accIndex) {
        mseForwardBackward(dXhat, xhat, x, acc, accIndex);
        sigmoidBackward(dXhat, dXhat, xhat);
    }

    /**
     * The KL divergence between q = N(mu, sigma²) (from {@code hq} = [mu | log_sigma])
     * and the learned prior p = N(pmu, psigma²) (from {@code hp}), summed over latent
     * dimensions, with gradients scaled by {@code weight / B}:
     * <pre>KL = log(psigma/sigma) + (sigma² + (mu − pmu)²) / (2 psigma²) − 1/2</pre>
     * {@code dHq} is accumulated into (+=, it already holds the reparameterisation
     * gradient); {@code dHp} is overwritten. Adds the batch's summed KL to
     * {@code acc[0, accIndex]}.
     */
    void klForwardBackward(Tensor dHq, Tensor dHp, Tensor hq, Tensor hp, float weight,
                           Tensor acc, int accIndex);

    /**
     * One Adam step (PyTorch's formulation, no weight decay):
     * {@code m = b1 m + (1−b1) g; v = b2 v + (1−b2) g²;
     * p −= lr · (m / bc1) / (sqrt(v / bc2) + eps)}, where bc1 = 1 − b1^t and bc2 = 1 − b2^t.
     *
     * <p>New m and v whose magnitude is below {@link Float#MIN_NORMAL} are flushed to zero
     * (what FTZ hardware does). Why: the moments of weights whose gradient is always zero
     * (those of MNIST's empty border pixels) decay into subnormal numbers, and x86 then
     * takes a microcode assist on every multiply: Adam became 40% of a CPU step. The
     * effect on a parameter is below 1e-30 per step.
     */
    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v,
                  float lr, float beta1, float beta2, float eps, float bc1, float bc2);

    /**
     * A layer's weight gradient {@code dW = xᵀ·dY} (overwritten), then {@link #adamStep} of
     * its weights {@code w} with it: the same result as those two ops, which is what this
     * default does. A backend may overlap them (the cpu backend updates each block of w as
     * soon as its gradient is summed). {@code w} must not be an operand of the product.
     */
    default void weightGradAdam(Tensor dW, Tensor x, Tensor dY, Tensor w, Tensor m, Tensor v,
                                float lr, float beta1, float beta2, float eps, float bc1, float bc2) {
        gemm(dW, true, x, false, dY, 1f, 0f);
        adamStep(w, dW, m, v, lr, beta1, beta2, eps, bc1, bc2);
    }

    /**
     * Runs {@code first} and {@code second}, each a sequence of ops on the backend it is
     * handed, possibly at the same time; returns when both are done. Neither may read what
     * the other writes. Each op computes what it would alone, so the results do not depend
     * on whether they overlapped. This default runs them one after the other on this
     * backend; the cpu backend runs each on one of its threads, and the thread that
     * finishes first takes a share of the other's products (a weight gradient with its
     * Adam step above all, {@link #weightGradAdam}).
     */
    default void concurrently(java.util.function.Consumer<Backend> first, java.util.function.Consumer<Backend> second) {
        first.accept(this);
        second.accept(this);
    }

    /** Whether {@link #recordedStep} records and replays (the cuda backend, as CUDA graphs); false by default. */
    default boolean recordsSteps() { return false; }

    /**
     * Runs {@code step}, a training step's ops on this backend. A backend that
     * {@link #recordsSteps records} captures the ops of the first call with a key and
     * replays the capture for later calls with that key (the cuda backend: one CUDA graph
     * launch instead of one launch per op). The caller promises that every call with a key
     * queues the same ops on the same tensors with the same shapes and constants; only
     * gather offsets, the random numbers' seed and stream, and Adam's scalars may differ
     * (they are taken from each call), so the results are the bits that running
     * {@code step} gives. This default runs {@code step}.
     */
    default void recordedStep(int key, Runnable step) { step.run(); }

    /** Drops every recording of {@link #recordedStep}: call it when a recorded step's tensors change. */
    default void forgetRecordedSteps() {}

    /**
     * Standard normal numbers from Philox 4x32-10: element {@code i} of {@code out}
     * depends only on (seed, stream, i), never on the backend or the thread count
     * (see {@link Philox}).
     */
    void randomNormal(Tensor out, long seed, long stream);

    @Override
    void close();
}
