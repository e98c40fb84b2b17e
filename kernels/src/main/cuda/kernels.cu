// The CUDA backend's own kernels (everything cuBLAS and cuDNN do not do), mirroring
// cvae.kernels.reference.ReferenceBackend op by op. Compiled by build.sh into
// src/main/resources/cvae/kernels/cuda/kernels.fatbin and loaded at run time with
// cuModuleLoadData, so a GPU machine needs no nvcc.
//
// Conventions (as in the Java backends): output pointers first, then inputs, then sizes;
// all tensors row-major float32. Kernels are extern "C" so that the Java side finds
// them by their plain names.
//
// Numerics: built with --fmad=false, so a*b+c is never fused and element-wise float
// ops round exactly as Java's do; wherever the reference computes in double, so do these
// kernels. Reductions are deterministic: each thread sums a fixed set of elements in a
// fixed order, blocks reduce in shared memory along a fixed tree, and the per-block
// partial sums are added by one block, again along a fixed tree (no atomics).

#include <cstdint>

#define BLOCK 256           // threads per block of the 1-D kernels
#define MAX_PARTIALS 1024   // blocks of a reduction = threads of finish_sum

// ---- element math shared with the host-side test (kernels_host_test.cu) -------------

namespace cvae {

// Philox 4x32-10 (see cvae.kernels.Philox): four words from a counter under a key.
__host__ __device__ inline void philox4x32_10(uint32_t c[4], uint32_t k0, uint32_t k1) {
    const uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    const uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t) M0 * c[0];
        uint64_t p1 = (uint64_t) M1 * c[2];
        uint32_t hi0 = (uint32_t) (p0 >> 32), lo0 = (uint32_t) p0;
        uint32_t hi1 = (uint32_t) (p1 >> 32), lo1 = (uint32_t) p1;
        uint32_t n0 = hi1 ^ c[1] ^ k0;
        uint32_t n2 = hi0 ^ c[3] ^ k1;
        c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
        k0 += W0; k1 += W1;
    }
}

// The four normals of Philox block b of (seed, stream): Box-Muller in double on the
// pairs (w0, w1) and (w2, w3), even lanes cos, odd lanes sin, rounded once to float.
__host__ __device__ inline void philox_normals(float out[4], uint64_t seed, uint64_t stream, uint64_t b) {
    uint32_t w[4] = {(uint32_t) b, (uint32_t) (b >> 32), (uint32_t) stream, (uint32_t) (stream >> 32)};
    philox4x32_10(w, (uint32_t) seed, (uint32_t) (seed >> 32));
    const double TWO_POW_M32 = 1.0 / 4294967296.0;
    const double PI = 3.141592653589793;
    for (int p = 0; p < 2; p++) {
        double u1 = ((double) w[2 * p] + 1.0) * TWO_POW_M32;
        double u2 = (double) w[2 * p + 1] * TWO_POW_M32;
        double r = sqrt(-2.0 * log(u1));
        double theta = 2.0 * PI * u2;
        out[2 * p] = (float) (r * cos(theta));
        out[2 * p + 1] = (float) (r * sin(theta));
    }
}

// One latent element of the KL term between q = N(mu, sigma^2) and the prior
// N(pmu, psigma^2), with its gradients scaled by `scale` (= weight / B), exactly as
// ReferenceBackend.klForwardBackward writes it. Returns the element's KL.
__host__ __device__ inline double kl_element(float* dq_mu, float* dq_ls, float* dp_mu, float* dp_ls,
                                             float mu_f, float ls_f, float pm_f, float pls_f, double scale) {
    double mu = mu_f, ls = ls_f, pm = pm_f, pls = pls_f;
    double var = exp(2 * ls), pvar = exp(2 * pls), diff = mu - pm;
    *dq_mu += (float) (scale * diff / pvar);
    *dq_ls += (float) (scale * (var / pvar - 1));
    *dp_mu = (float) (-scale * diff / pvar);
    *dp_ls = (float) (scale * (1 - (var + diff * diff) / pvar));
    return pls - ls + (var + diff * diff) / (2 * pvar) - 0.5;
}

// One Adam update (PyTorch's formulation, float arithmetic as in the reference).
__host__ __device__ inline void adam_element(float* p, float g, float* m, float* v,
                                             float lr, float b1, float b2, float eps, float bc1, float bc2) {
    float mi = b1 * *m + (1 - b1) * g;
    float vi = b2 * *v + (1 - b2) * g * g;
    // Subnormal moments are flushed to zero, as on the CPU (see Backend.adamStep).
    if (fabsf(mi) < 1.17549435e-38f) mi = 0.0f;
    if (vi < 1.17549435e-38f) vi = 0.0f;
    *m = mi;
    *v = vi;
    *p -= lr * (mi / bc1) / (sqrtf(vi / bc2) + eps);
}

__host__ __device__ inline float relu(float x) {
    // Java's Math.max(x, 0f): NaN stays NaN (fmaxf would return 0).
    return (x > 0.0f || x != x) ? x : 0.0f;
}

__host__ __device__ inline float sigmoid(float x) {
    return (float) (1.0 / (1.0 + exp(-(double) x)));
}

}  // namespace cvae

// ---- helpers -----------------------------------------------------------------------------

// Sums v over the block along a fixed tree; the result is valid in thread 0.
// blockDim.x must be a power of two and at most the size of `shared`.
__device__ inline double block_sum(double v, double* shared) {
    unsigned t = threadIdx.x;
    shared[t] = v;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) shared[t] += shared[t + s];
        __syncthreads();
    }
    return shared[0];
}

#define GRID_STRIDE(i, n) for (int64_t i = (int64_t) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
                               i += (int64_t) gridDim.x * blockDim.x)

// ---- memory ------------------------------------------------------------------------------

// out[i] = value for i < n.
extern "C" __global__ void fill_f32(float* out, int n, float value) {
    GRID_STRIDE(i, n) out[i] = value;
}

// ---- data movement -----------------------------------------------------------------------

// out (rows x cols)[r, :] = src[idx[offset + r], :]; one block per output row.
extern "C" __global__ void gather_rows(float* out, const float* src, const int* idx, int offset, int rows, int cols) {
    int r = blockIdx.x;
    if (r >= rows) return;
    const float* from = src + (int64_t) idx[offset + r] * cols;
    float* to = out + (int64_t) r * cols;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) to[c] = from[c];
}

// gather_rows with its offset read from device memory (a recorded step's per-step scalar,
// see CudaBackend.recordedStep): the same copy.
extern "C" __global__ void gather_rows_slots(float* out, const float* src, const int* idx, const int* offset,
                                             int rows, int cols) {
    int r = blockIdx.x;
    if (r >= rows) return;
    const float* from = src + (int64_t) idx[*offset + r] * cols;
    float* to = out + (int64_t) r * cols;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) to[c] = from[c];
}

// out (rows x (ca+cb)) = [a (rows x ca) | b (rows x cb)].
extern "C" __global__ void concat_columns(float* out, const float* a, const float* b, int rows, int ca, int cb) {
    int co = ca + cb;
    GRID_STRIDE(k, (int64_t) rows * co) {
        int64_t r = k / co;
        int j = (int) (k - r * co);
        out[k] = j < ca ? a[r * ca + j] : b[r * cb + (j - ca)];
    }
}

// out (rows x co) = in (rows x ci)[:, col0 .. col0+co).
extern "C" __global__ void slice_columns(float* out, const float* in, int rows, int ci, int co, int col0) {
    GRID_STRIDE(k, (int64_t) rows * co) {
        int64_t r = k / co;
        int j = (int) (k - r * co);
        out[k] = in[r * ci + col0 + j];
    }
}

// ---- bias and activations (used when cuDNN is switched off; see CudaBackend) ---------------

// y (rows x cols)[r, j] += bias[j].
extern "C" __global__ void add_bias(float* y, const float* bias, int rows, int cols) {
    GRID_STRIDE(k, (int64_t) rows * cols) y[k] += bias[k % cols];
}

extern "C" __global__ void relu_forward(float* y, const float* x, int n) {
    GRID_STRIDE(i, n) y[i] = cvae::relu(x[i]);
}

extern "C" __global__ void relu_backward(float* dX, const float* dY, const float* y, int n) {
    GRID_STRIDE(i, n) dX[i] = y[i] > 0.0f ? dY[i] : 0.0f;
}

extern "C" __global__ void sigmoid_forward(float* y, const float* x, int n) {
    GRID_STRIDE(i, n) y[i] = cvae::sigmoid(x[i]);
}

// Results below the smallest normal float are written as 0, as on the CPU (see Backend.sigmoidBackward).
extern "C" __global__ void sigmoid_backward(float* dX, const float* dY, const float* y, int n) {
    GRID_STRIDE(i, n) {
        float s = y[i];
        float v = dY[i] * s * (1.0f - s);
        dX[i] = fabsf(v) < 1.17549435e-38f ? 0.0f : v;
    }
}

// dBias[j] = sum_r dY (rows x cols)[r, j]. Block (32, 8): 32 columns; each of the 8 row
// lanes sums rows ty, ty+8, … in order (in double), then the 8 are added along a fixed tree.
extern "C" __global__ void bias_backward(float* dBias, const float* dY, int rows, int cols) {
    __shared__ double part[8][32];
    int tx = threadIdx.x, ty = threadIdx.y;
    int j = blockIdx.x * 32 + tx;
    double s = 0;
    if (j < cols)
        for (int r = ty; r < rows; r += 8) s += dY[(int64_t) r * cols + j];
    part[ty][tx] = s;
    __syncthreads();
    for (int h = 4; h > 0; h >>= 1) {
        if (ty < h) part[ty][tx] += part[ty + h][tx];
        __syncthreads();
    }
    if (ty == 0 && j < cols) dBias[j] = (float) part[0][tx];
}

// ---- the CVAE's own ops --------------------------------------------------------------------

// z (rows x L) = mu + exp(log_sigma) * eps, h (rows x 2L) = [mu | log_sigma].
extern "C" __global__ void reparam_forward(float* z, const float* h, const float* eps, int rows, int latent) {
    GRID_STRIDE(k, (int64_t) rows * latent) {
        int64_t r = k / latent;
        int j = (int) (k - r * latent);
        float mu = h[r * 2 * latent + j], ls = h[r * 2 * latent + latent + j];
        z[k] = (float) (mu + exp((double) ls) * eps[k]);
    }
}

// dH (rows x 2L) = [dZ | dZ * exp(log_sigma) * eps].
extern "C" __global__ void reparam_backward(float* dH, const float* dZ, const float* h, const float* eps,
                                            int rows, int latent) {
    GRID_STRIDE(k, (int64_t) rows * latent) {
        int64_t r = k / latent;
        int j = (int) (k - r * latent);
        float g = dZ[k];
        float ls = h[r * 2 * latent + latent + j];
        dH[r * 2 * latent + j] = g;
        dH[r * 2 * latent + latent + j] = (float) ((double) g * exp((double) ls) * eps[k]);
    }
}

// dXhat = 2 (xhat - x) / n over n elements; partial[blockIdx] = this block's sum of
// (xhat - x)^2. Launch with a grid that depends on n only, at most MAX_PARTIALS blocks.
extern "C" __global__ void mse_forward_backward(float* dXhat, double* partial, const float* xhat, const float* x, int n) {
    __shared__ double shared[BLOCK];
    double s = 0;
    GRID_STRIDE(i, n) {
        double e = (double) xhat[i] - (double) x[i];
        s += e * e;
        dXhat[i] = (float) (2.0 * e / (double) n);
    }
    double total = block_sum(s, shared);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// KL between q (hq = [mu | log_sigma], rows x 2L) and the prior (hp), with gradients:
// dHq += (accumulates), dHp = (overwrites); partial[blockIdx] = this block's KL sum.
extern "C" __global__ void kl_forward_backward(float* dHq, float* dHp, double* partial,
                                               const float* hq, const float* hp, int rows, int latent, double scale) {
    __shared__ double shared[BLOCK];
    double s = 0;
    GRID_STRIDE(k, (int64_t) rows * latent) {
        int64_t r = k / latent;
        int j = (int) (k - r * latent);
        int64_t im = r * 2 * latent + j, is = im + latent;
        s += cvae::kl_element(&dHq[im], &dHq[is], &dHp[im], &dHp[is], hq[im], hq[is], hp[im], hp[is], scale);
    }
    double total = block_sum(s, shared);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// acc[accIndex] += (float) (sum(partial[0 .. count)) / divisor). One block of MAX_PARTIALS threads.
extern "C" __global__ void finish_sum(float* acc, int accIndex, const double* partial, int count, double divisor) {
    __shared__ double shared[MAX_PARTIALS];
    double v = threadIdx.x < (unsigned) count ? partial[threadIdx.x] : 0.0;
    double total = block_sum(v, shared);
    if (threadIdx.x == 0) acc[accIndex] += (float) (total / divisor);
}

extern "C" __global__ void adam_step(float* p, const float* g, float* m, float* v, int n,
                                     float lr, float b1, float b2, float eps, float bc1, float bc2) {
    GRID_STRIDE(i, n) cvae::adam_element(&p[i], g[i], &m[i], &v[i], lr, b1, b2, eps, bc1, bc2);
}

// adam_step with its scalars read from device memory, h = {lr, b1, b2, eps, bc1, bc2} (a
// recorded step's per-step scalars, see CudaBackend.recordedStep): the same arithmetic.
extern "C" __global__ void adam_step_slots(float* p, const float* g, float* m, float* v, int n, const float* h) {
    float lr = h[0], b1 = h[1], b2 = h[2], eps = h[3], bc1 = h[4], bc2 = h[5];
    GRID_STRIDE(i, n) cvae::adam_element(&p[i], g[i], &m[i], &v[i], lr, b1, b2, eps, bc1, bc2);
}

// out[i] = normal(seed, stream, i) for i < n; each thread makes one Philox block (4 values).
extern "C" __global__ void random_normal(float* out, int n, unsigned long long seed, unsigned long long stream) {
    int64_t blocks = ((int64_t) n + 3) / 4;
    GRID_STRIDE(b, blocks) {
        float v[4];
        cvae::philox_normals(v, seed, stream, (uint64_t) b);
        for (int l = 0; l < 4; l++) {
            int64_t i = b * 4 + l;
            if (i < n) out[i] = v[l];
        }
    }
}

// random_normal with seed and stream read from device memory, s = {seed, stream} (see
// CudaBackend.recordedStep): the same numbers.
extern "C" __global__ void random_normal_slots(float* out, int n, const unsigned long long* s) {
    unsigned long long seed = s[0], stream = s[1];
    int64_t blocks = ((int64_t) n + 3) / 4;
    GRID_STRIDE(b, blocks) {
        float v[4];
        cvae::philox_normals(v, seed, stream, (uint64_t) b);
        for (int l = 0; l < 4; l++) {
            int64_t i = b * 4 + l;
            if (i < n) out[i] = v[l];
        }
    }
}
