package cvae.harness.model;

import cvae.kernels.Backend;
import cvae.kernels.Tensor;

import java.util.SplittableRandom;

/**
 * A fully connected layer {@code Y = X·Wᵀ + b} with its gradients and Adam state.
 * W is stored out×in, as PyTorch's {@code nn.Linear} does, so that checkpoints carry
 * the same shapes as a PyTorch state dict.
 */
public final class Linear {
    public final String name;
    public final int in, out;
    public final Tensor weight, bias;          // out×in, 1×out
    final Tensor dWeight, dBias;
    final Tensor mWeight, vWeight, mBias, vBias;

    Linear(Backend be, String name, int in, int out) {
        this.name = name;
        this.in = in;
        this.out = out;
        weight = be.tensor(out, in);
        bias = be.tensor(1, out);
        dWeight = be.tensor(out, in);
        dBias = be.tensor(1, out);
        mWeight = be.tensor(out, in);
        vWeight = be.tensor(out, in);
        mBias = be.tensor(1, out);
        vBias = be.tensor(1, out);
    }

    /** PyTorch's default initialisation: W and b uniform in ±1/sqrt(in). */
    void initialise(Backend be, SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(in);
        float[] w = new float[in * out], b = new float[out];
        for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        for (int i = 0; i < b.length; i++) b[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        be.upload(weight, w);
        be.upload(bias, b);
    }

    /** y (B×out) = x (B×in) · Wᵀ + b. */
    void forward(Backend be, Tensor y, Tensor x) {
        be.gemm(y, false, x, true, weight, 1f, 0f);
        be.addBias(y, bias);
    }

    /**
     * Given dY (B×out) and the forward input x (B×in): dW = dYᵀ·x, db = Σ dY, and,
     * when dX is not null, dX (B×in) = dY·W.
     */
    void backward(Backend be, Tensor dX, Tensor dY, Tensor x) {
        be.gemm(dWeight, true, dY, false, x, 1f, 0f);
        be.biasBackward(dBias, dY);
        if (dX != null) be.gemm(dX, false, dY, false, weight, 1f, 0f);
    }

    void adam(Backend be, float lr, float b1, float b2, float eps, float bc1, float bc2) {
        be.adamStep(weight, dWeight, mWeight, vWeight, lr, b1, b2, eps, bc1, bc2);
        be.adamStep(bias, dBias, mBias, vBias, lr, b1, b2, eps, bc1, bc2);
    }
}
