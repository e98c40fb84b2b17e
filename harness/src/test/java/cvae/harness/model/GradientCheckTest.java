package cvae.harness.model;

import cvae.kernels.Backend;
import cvae.kernels.Philox;
import cvae.kernels.Tensor;
import cvae.kernels.cpu.CpuBackend;
import cvae.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The backward pass of the whole model against central finite differences of the loss
 * computed in double precision by an independent scalar forward written here.
 */
class GradientCheckTest {
    static final int B = 5;
    static final ModelConfig SMALL = new ModelConfig(3, 7, 5, 6);
    static final float W_KL = 0.37f;
    static final long SEED = 11, STREAM = 99;

    @Test void referenceBackwardMatchesFiniteDifferences() { check(new ReferenceBackend()); }

    @Test void cpuBackwardMatchesFiniteDifferences() {
        try (CpuBackend cpu = new CpuBackend(2)) { check(cpu); }
    }

    void check(Backend be) {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[B * ModelConfig.PIXELS], y = new float[B * ModelConfig.CLASSES];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        for (int b = 0; b < B; b++) y[b * 10 + r.nextInt(10)] = 1f;
        Cvae model = new Cvae(be, SMALL, B);
        model.initialise(3);
        Tensor tx = be.tensor(B, ModelConfig.PIXELS), ty = be.tensor(B, ModelConfig.CLASSES);
        be.upload(tx, x);
        be.upload(ty, y);
        model.forwardBackward(tx, ty, W_KL, SEED, STREAM);

        Map<String, double[]> params = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.namedTensors(false).entrySet()) {
            float[] v = new float[(int) e.getValue().size()];
            be.download(v, e.getValue());
            double[] dv = new double[v.length];
            for (int i = 0; i < v.length; i++) dv[i] = v[i];
            params.put(e.getKey(), dv);
            shapes.put(e.getKey(), new int[]{e.getValue().rows(), e.getValue().cols()});
        }
        float[] eps = new float[B * SMALL.latent()];
        Philox.normals(eps, 0, eps.length, SEED, STREAM);
        double[] xd = toDouble(x), yd = toDouble(y), epsd = toDouble(eps);

        int checked = 0;
        for (Map.Entry<String, Tensor> e : model.namedGradients().entrySet()) {
            float[] g = new float[(int) e.getValue().size()];
            be.download(g, e.getValue());
            double[] p = params.get(e.getKey());
            for (int t = 0; t < 12; t++) {
                int i = r.nextInt(p.length);
                double h = 1e-5, keep = p[i];
                p[i] = keep + h;
                double up = loss(params, xd, yd, epsd);
                p[i] = keep - h;
                double down = loss(params, xd, yd, epsd);
                p[i] = keep;
                double fd = (up - down) / (2 * h);
                double tol = 2e-3 * Math.abs(fd) + 2e-6;
                assertEquals(fd, g[i], tol, be.name() + ": d loss / d " + e.getKey() + "[" + i + "]");
                checked++;
            }
        }
        assertEquals(12 * 12, checked);
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /** y = x·Wᵀ + b for one row; the model's weight tensor is Wt = Wᵀ (in×out). */
    static double[] linear(Map<String, double[]> p, String name, double[] in, int outDim) {
        double[] wt = p.get(name + ".weight"), b = p.get(name + ".bias");
        double[] o = new double[outDim];
        for (int j = 0; j < outDim; j++) {
            double s = b[j];
            for (int k = 0; k < in.length; k++) s += wt[k * outDim + j] * in[k];
            o[j] = s;
        }
        return o;
    }

    static double[] relu(double[] v) {
        for (int i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]);
        return v;
    }

    static double[] concat(double[] a, double[] b) {
        double[] o = new double[a.length + b.length];
        System.arraycopy(a, 0, o, 0, a.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    /** The CVAE loss of SPEC.md, in double: mean MSE + w_KL · Σ KL / B. */
    static double loss(Map<String, double[]> p, double[] x, double[] y, double[] eps) {
        int l = SMALL.latent();
        double mse = 0, kl = 0;
        for (int b = 0; b < B; b++) {
            double[] xb = java.util.Arrays.copyOfRange(x, b * 784, (b + 1) * 784);
            double[] yb = java.util.Arrays.copyOfRange(y, b * 10, (b + 1) * 10);
            double[] hq = linear(p, "encoder.fc2", relu(linear(p, "encoder.fc1", concat(xb, yb), SMALL.encoderHidden())), 2 * l);
            double[] hp = linear(p, "prior.fc2", relu(linear(p, "prior.fc1", yb, SMALL.priorHidden())), 2 * l);
            double[] z = new double[l];
            for (int j = 0; j < l; j++) {
                double mu = hq[j], sigma = Math.exp(hq[l + j]), pm = hp[j], ps = Math.exp(hp[l + j]);
                z[j] = mu + sigma * eps[b * l + j];
                kl += Math.log(ps / sigma) + (sigma * sigma + (mu - pm) * (mu - pm)) / (2 * ps * ps) - 0.5;
            }
            double[] logits = linear(p, "decoder.fc2", relu(linear(p, "decoder.fc1", concat(z, yb), SMALL.decoderHidden())), 784);
            for (int i = 0; i < 784; i++) {
                double xh = 1 / (1 + Math.exp(-logits[i])), e = xh - xb[i];
                mse += e * e;
            }
        }
        return mse / (B * 784.0) + W_KL * kl / B;
    }
}
