package cvae.kernels.reference;

import cvae.kernels.Backend;
import cvae.kernels.IndexBuffer;
import cvae.kernels.Philox;
import cvae.kernels.Tensor;

/**
 * Plain scalar Java, one thread, every op written as the formula reads: the oracle
 * the other backends are tested against. Sums are accumulated in double so that the
 * oracle is more accurate than the backends it judges.
 */
public final class ReferenceBackend implements Backend {

    /** Heap storage shared by the reference and the cpu backends. */
    public static final class HeapTensor extends Tensor {
        public final float[] data;

        public HeapTensor(int rows, int cols) { this(rows, cols, new float[Math.multiplyExact(rows, cols)]); }

        HeapTensor(int rows, int cols, float[] data) {
            super(rows, cols);
            this.data = data;
        }

        /** A tensor over {@code data} itself (exactly rows·cols values), not a copy. */
        public static HeapTensor wrap(float[] data, int rows, int cols) {
            if (data.length != (long) rows * cols) throw new IllegalArgumentException(data.length + " values for a " + rows + "×" + cols + " tensor");
            return new HeapTensor(rows, cols, data);
        }

        @Override
        public HeapTensor rows(int n) {
            if (n < 0 || n > rows) throw new IllegalArgumentException("view of " + n + " rows of " + this);
            return n == rows ? this : new HeapTensor(n, cols, data);
        }
    }

    /** Heap index list. */
    public static final class HeapIndices extends IndexBuffer {
        public final int[] values;

        public HeapIndices(int[] values) {
            super(values.length);
            this.values = values.clone();
        }
    }

    @Override public String name() { return "reference"; }

    @Override public String describe() { return "reference: scalar Java, 1 thread (test oracle)"; }

    @Override public HeapTensor tensor(int rows, int cols) { return new HeapTensor(rows, cols); }

    /** Keeps {@code data} itself: the dataset is then held once, not twice (about 220 MB for MNIST). */
    @Override public HeapTensor tensorOf(float[] data, int rows, int cols) {
        return HeapTensor.wrap(data, rows, cols);
    }

    static float[] d(Tensor t) { return ((HeapTensor) t).data; }

    static void sameShape(Tensor a, Tensor b) {
        if (a.rows() != b.rows() || a.cols() != b.cols())
            throw new IllegalArgumentException("shape mismatch: " + a + " vs " + b);
    }

    @Override public void upload(Tensor dst, float[] src) { System.arraycopy(src, 0, d(dst), 0, (int) dst.size()); }

    @Override public void download(float[] dst, Tensor src) { System.arraycopy(d(src), 0, dst, 0, (int) src.size()); }

    @Override public void fill(Tensor t, float value) {
        float[] a = d(t);
        for (int i = 0; i < t.size(); i++) a[i] = value;
    }

    @Override public IndexBuffer indices(int[] values) { return new HeapIndices(values); }

    @Override public void gatherRows(Tensor out, Tensor src, IndexBuffer idx, int offset) {
        int c = out.cols();
        if (src.cols() != c) throw new IllegalArgumentException("gather " + src + " into " + out);
        int[] ix = ((HeapIndices) idx).values;
        for (int r = 0; r < out.rows(); r++)
            System.arraycopy(d(src), ix[offset + r] * c, d(out), r * c, c);
    }

    @Override public void concatColumns(Tensor out, Tensor a, Tensor b) {
        int ca = a.cols(), cb = b.cols(), co = out.cols();
        if (ca + cb != co || a.rows() != out.rows() || b.rows() != out.rows())
            throw new IllegalArgumentException("concat " + a + " + " + b + " into " + out);
        for (int r = 0; r < out.rows(); r++) {
            for (int j = 0; j < ca; j++) d(out)[r * co + j] = d(a)[r * ca + j];
            for (int j = 0; j < cb; j++) d(out)[r * co + ca + j] = d(b)[r * cb + j];
        }
    }

    @Override public void sliceColumns(Tensor out, Tensor in, int col0) {
        int ci = in.cols(), co = out.cols();
        if (col0 + co > ci || in.rows() != out.rows()) throw new IllegalArgumentException("slice " + in + " to " + out);
        for (int r = 0; r < out.rows(); r++)
            for (int j = 0; j < co; j++) d(out)[r * co + j] = d(in)[r * ci + col0 + j];
    }

    @Override public void gemm(Tensor c, boolean transA, Tensor a, boolean transB, Tensor b, float alpha, float beta) {
        int m = c.rows(), n = c.cols();
        int k = transA ? a.rows() : a.cols();
        int am = transA ? a.cols() : a.rows();
        int bk = transB ? b.cols() : b.rows();
        int bn = transB ? b.rows() : b.cols();
        if (am != m || bn != n || bk != k)
            throw new IllegalArgumentException("gemm shapes: C " + c + ", A " + a + (transA ? "ᵀ" : "") + ", B " + b + (transB ? "ᵀ" : ""));
        float[] A = d(a), B = d(b), C = d(c);
        int lda = a.cols(), ldb = b.cols();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float x = transA ? A[p * lda + i] : A[i * lda + p];
                    float y = transB ? B[j * ldb + p] : B[p * ldb + j];
                    s += (double) x * y;
                }
                float prev = beta == 0f ? 0f : beta * C[i * n + j];
                C[i * n + j] = (float) (alpha * s + prev);
            }
        }
    }

    @Override public void addBias(Tensor y, Tensor bias) {
        int c = y.cols();
        if (bias.size() != c) throw new IllegalArgumentException("bias " + bias + " for " + y);
        for (int r = 0; r < y.rows(); r++)
            for (int j = 0; j < c; j++) d(y)[r * c + j] += d(bias)[j];
    }

    @Override public void biasBackward(Tensor dBias, Tensor dY) {
        int c = dY.cols();
        for (int j = 0; j < c; j++) {
            double s = 0;
            for (int r = 0; r < dY.rows(); r++) s += d(dY)[r * c + j];
            d(dBias)[j] = (float) s;
        }
    }

    @Override public void reluForward(Tensor y, Tensor x) {
        sameShape(y, x);
        for (int i = 0; i < x.size(); i++) d(y)[i] = Math.max(d(x)[i], 0f);
    }

    @Override public void reluBackward(Tensor dX, Tensor dY, Tensor y) {
        sameShape(dX, dY);
        for (int i = 0; i < dY.size(); i++) d(dX)[i] = d(y)[i] > 0f ? d(dY)[i] : 0f;
    }

    @Override public void sigmoidForward(Tensor y, Tensor x) {
        sameShape(y, x);
        for (int i = 0; i < x.size(); i++) d(y)[i] = (float) (1.0 / (1.0 + Math.exp(-d(x)[i])));
    }

    @Override public void sigmoidBackward(Tensor dX, Tensor dY, Tensor y) {
        sameShape(dX, dY);
        for (int i = 0; i < dY.size(); i++) {
            float s = d(y)[i];
            float v = d(dY)[i] * s * (1f - s);
            d(dX)[i] = Math.abs(v) < Float.MIN_NORMAL ? 0f : v;     // no subnormals (see Backend)
        }
    }

    @Override public void reparamForward(Tensor z, Tensor h, Tensor eps) {
        int l = z.cols();
        checkLatent(z, h, eps);
        for (int r = 0; r < z.rows(); r++)
            for (int j = 0; j < l; j++) {
                float mu = d(h)[r * 2 * l + j], ls = d(h)[r * 2 * l + l + j];
                d(z)[r * l + j] = (float) (mu + Math.exp(ls) * d(eps)[r * l + j]);
            }
    }

    @Override public void reparamBackward(Tensor dH, Tensor dZ, Tensor h, Tensor eps) {
        int l = dZ.cols();
        checkLatent(dZ, h, eps);
        sameShape(dH, h);
        for (int r = 0; r < dZ.rows(); r++)
            for (int j = 0; j < l; j++) {
                float g = d(dZ)[r * l + j];
                float ls = d(h)[r * 2 * l + l + j];
                d(dH)[r * 2 * l + j] = g;
                d(dH)[r * 2 * l + l + j] = (float) (g * Math.exp(ls) * d(eps)[r * l + j]);
            }
    }

    private static void checkLatent(Tensor z, Tensor h, Tensor eps) {
        sameShape(z, eps);
        if (h.cols() != 2 * z.cols() || h.rows() != z.rows())
            throw new IllegalArgumentException("latent shapes: z " + z + ", h " + h);
    }

    @Override public void mseForwardBackward(Tensor dXhat, Tensor xhat, Tensor x, Tensor acc, int accIndex) {
        sameShape(xhat, x);
        sameShape(dXhat, x);
        long n = x.size();
        double s = 0;
        for (int i = 0; i < n; i++) {
            double e = (double) d(xhat)[i] - d(x)[i];
            s += e * e;
            d(dXhat)[i] = (float) (2.0 * e / n);
        }
        d(acc)[accIndex] += (float) (s / x.cols());
    }

    @Override public void klForwardBackward(Tensor dHq, Tensor dHp, Tensor hq, Tensor hp, float weight, Tensor acc, int accIndex) {
        sameShape(hq, hp);
        sameShape(dHq, hq);
        sameShape(dHp, hp);
        int l = hq.cols() / 2, b = hq.rows();
        double scale = (double) weight / b, total = 0;
        for (int r = 0; r < b; r++)
            for (int j = 0; j < l; j++) {
                int im = r * 2 * l + j, is = im + l;
                double mu = d(hq)[im], ls = d(hq)[is], pm = d(hp)[im], pls = d(hp)[is];
                double var = Math.exp(2 * ls), pvar = Math.exp(2 * pls), diff = mu - pm;
                total += pls - ls + (var + diff * diff) / (2 * pvar) - 0.5;
                d(dHq)[im] += (float) (scale * diff / pvar);
                d(dHq)[is] += (float) (scale * (var / pvar - 1));
                d(dHp)[im] = (float) (-scale * diff / pvar);
                d(dHp)[is] = (float) (scale * (1 - (var + diff * diff) / pvar));
            }
        d(acc)[accIndex] += (float) total;
    }

    @Override public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float bc1, float bc2) {
        sameShape(param, grad);
        float[] p = d(param), g = d(grad), M = d(m), V = d(v);
        for (int i = 0; i < param.size(); i++) {
            M[i] = flush(beta1 * M[i] + (1 - beta1) * g[i]);
            V[i] = flush(beta2 * V[i] + (1 - beta2) * g[i] * g[i]);
            p[i] -= lr * (M[i] / bc1) / ((float) Math.sqrt(V[i] / bc2) + eps);
        }
    }

    /** Subnormal to zero (see {@link Backend#adamStep}). */
    static float flush(float x) { return Math.abs(x) < Float.MIN_NORMAL ? 0f : x; }

    @Override public void randomNormal(Tensor out, long seed, long stream) {
        Philox.normals(d(out), 0, (int) out.size(), seed, stream);
    }

    @Override public void close() {}
}
