package cvae.harness.model;

import cvae.kernels.Backend;
import cvae.kernels.Backend.Activation;
import cvae.kernels.Tensor;

import java.util.SplittableRandom;

/**
 * A fully connected layer {@code Y = X·Wᵀ + b} with its gradients and Adam state.
 *
 * <p>The backend holds the weight transposed, {@code Wt} = Wᵀ (in×out), so that the
 * forward product {@code Y = X·Wt} and the weight gradient {@code dWt = Xᵀ·dY} read
 * both large operands along their rows, and every row of Wt starts on a vector boundary
 * (in = 794 does not; out = 512, 784 do): on the CPU this made the encoder's forward
 * product 1.7× faster. Checkpoints store W out×in, as PyTorch's {@code nn.Linear} does
 * (see {@code Checkpoints}).
 */
public final class Linear {
    public final String name;
    public final int in, out;
    public final Tensor weight, bias;          // Wt: in×out (W transposed), b: 1×out
    final Tensor dWeight, dBias;
    final Tensor mWeight, vWeight, mBias, vBias;

    Linear(Backend be, String name, int in, int out) {
        this.name = name;
        this.in = in;
        this.out = out;
        weight = be.tensor(in, out);
        bias = be.tensor(1, out);
        dWeight = be.tensor(in, out);
        dBias = be.tensor(1, out);
        mWeight = be.tensor(in, out);
        vWeight = be.tensor(in, out);
        mBias = be.tensor(1, out);
        vBias = be.tensor(1, out);
    }

    /** PyTorch's default initialisation: W and b uniform in ±1/sqrt(in), drawn in W's out×in order. */
    void initialise(Backend be, SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(in);
        float[] w = new float[in * out], b = new float[out];
        for (int j = 0; j < out; j++)
            for (int k = 0; k < in; k++) w[k * out + j] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        for (int i = 0; i < b.length; i++) b[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        be.upload(weight, w);
        be.upload(bias, b);
    }

    /** y (B×out) = x (B×in) · Wt + b. */
    void forward(Backend be, Tensor y, Tensor x) { forward(be, y, x, Activation.NONE); }

    /** y (B×out) = act(x (B×in) · Wt + b), in one backend op. */
    void forward(Backend be, Tensor y, Tensor x, Activation act) { be.linearForward(y, x, weight, bias, act); }

    /**
     * Given dY (B×out) and the forward input x (B×in): dWt = xᵀ·dY, db = Σ dY, and,
     * when dX is not null, dX = dY·Wtᵀ (see {@link #inputGradient}).
     */
    void backward(Backend be, Tensor dX, Tensor dY, Tensor x) {
        weightGradients(be, dY, x, false, 0f, 0f, 0f, 0f, 1f, 1f);
        inputGradient(be, dX, dY);
    }

    /**
     * dX = dY·Wtᵀ: B×in, or B×n for the gradient of the first n inputs only (the decoder's
     * z, not the label); nothing when dX is null.
     */
    void inputGradient(Backend be, Tensor dX, Tensor dY) {
        if (dX == null) return;
        if (dX.cols() > in) throw new IllegalArgumentException(name + ": input gradient " + dX + " for " + in + " inputs");
        int n = dX.cols();
        if (n < in && (firstInputs == null || firstInputs.rows() != n))
            firstInputs = weight.rows(n);             // the first n rows of Wt: the weights of the first n inputs
        be.gemm(dX, false, dY, true, n == in ? weight : firstInputs, 1f, 0f);
    }

    /** A view of Wt's first rows, made once (a view made every step would be garbage every step). */
    private Tensor firstInputs;

    /**
     * dWt = xᵀ·dY and db = Σ dY; with {@code update}, then Adam's step of the weights and
     * the bias, the weights' in one backend op with their gradient (see
     * {@link Backend#weightGradAdam}): the same floats as {@link #adam} after it. With an
     * update it must come after {@link #inputGradient}, which reads the weights.
     */
    void weightGradients(Backend be, Tensor dY, Tensor x, boolean update, float lr, float b1, float b2, float eps, float bc1, float bc2) {
        if (!update) {
            be.gemm(dWeight, true, x, false, dY, 1f, 0f);
            be.biasBackward(dBias, dY);
            return;
        }
        be.weightGradAdam(dWeight, x, dY, weight, mWeight, vWeight, lr, b1, b2, eps, bc1, bc2);
        be.biasBackward(dBias, dY);
        be.adamStep(bias, dBias, mBias, vBias, lr, b1, b2, eps, bc1, bc2);
    }

    void adam(Backend be, float lr, float b1, float b2, float eps, float bc1, float bc2) {
        be.adamStep(weight, dWeight, mWeight, vWeight, lr, b1, b2, eps, bc1, bc2);
        be.adamStep(bias, dBias, mBias, vBias, lr, b1, b2, eps, bc1, bc2);
    }
}
