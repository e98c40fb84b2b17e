package cvae.kernels.cpu;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One product C (M×N) = A (M×K) · W (K×N) through the {@code Backend.gemm} of two or more builds
 * (their harness.jar, each in its own class loader with its own cpu backend of THREADS threads),
 * alternating per round, the order rotating; with {@code -Dact=NONE|RELU|SIGMOID}, through
 * {@code linearForward} with that activation instead. With COLD true, a 32 MB sweep evicts W before
 * each call, cycling through 4 copies of it, as Adam's streams do in a step (session 11 found the
 * step's W far less cold than that: cpu-history.md). Prints each build's median µs a call and the
 * median per-round ratio to the first build.
 * {@code benchmarks/probes/java/run.sh GemmJarsAB THREADS ROUNDS M N K COLD JAR...}
 */
public class GemmJarsAB {
    private static final float[] SWEEP = new float[8 << 20];

    private static void evict() { for (int i = 0; i < SWEEP.length; i += 16) SWEEP[i] += 1f; }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        int m = Integer.parseInt(args[2]), n = Integer.parseInt(args[3]), k = Integer.parseInt(args[4]);
        boolean cold = Boolean.parseBoolean(args[5]);
        String[] jars = Arrays.copyOfRange(args, 6, args.length);
        String act = System.getProperty("act");
        int v = jars.length, reps = cold ? 20 : 50;
        Object[] be = new Object[v], c = new Object[v], a = new Object[v], bias = new Object[v], activation = new Object[v];
        Object[][] w = new Object[v][4];
        Method[] op = new Method[v];
        java.util.Random r = new java.util.Random(1);
        float[] av = new float[m * k], wv = new float[k * n];
        for (int i = 0; i < av.length; i++) av[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < wv.length; i++) wv[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < v; i++) {
            ClassLoader cl = new URLClassLoader(new URL[]{Path.of(jars[i]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> bs = cl.loadClass("cvae.kernels.Backends"), b = cl.loadClass("cvae.kernels.Backend"), t = cl.loadClass("cvae.kernels.Tensor");
            be[i] = bs.getMethod("open", String.class, int.class).invoke(null, "cpu", threads);
            Method tensor = b.getMethod("tensor", int.class, int.class), up = b.getMethod("upload", t, float[].class);
            c[i] = tensor.invoke(be[i], m, n);
            a[i] = tensor.invoke(be[i], m, k);
            up.invoke(be[i], a[i], av);
            for (int q = 0; q < 4; q++) { w[i][q] = tensor.invoke(be[i], k, n); up.invoke(be[i], w[i][q], wv); }
            bias[i] = tensor.invoke(be[i], 1, n);
            if (act != null) {
                Class<?> acts = cl.loadClass("cvae.kernels.Backend$Activation");
                activation[i] = acts.getField(act).get(null);
                op[i] = b.getMethod("linearForward", t, t, t, t, acts);
            } else op[i] = b.getMethod("gemm", t, boolean.class, t, boolean.class, t, float.class, float.class);
        }
        double[][] ts = new double[v][rounds];
        for (int q = -8; q < rounds; q++)                 // eight rounds of warm-up
            for (int jj = 0; jj < v; jj++) {
                int i = (jj + Math.max(q, 0)) % v;
                long total = 0;
                for (int s = 0; s < reps; s++) {
                    if (cold) evict();
                    Object wi = w[i][cold ? s & 3 : 0];
                    long t0 = System.nanoTime();
                    if (act != null) op[i].invoke(be[i], c[i], a[i], wi, bias[i], activation[i]);
                    else op[i].invoke(be[i], c[i], false, a[i], false, wi, 1f, 0f);
                    total += System.nanoTime() - t0;
                }
                if (q >= 0) ts[i][q] = total / 1e3 / reps;
            }
        String what = act != null ? "linear " + act : "gemm";
        for (int i = 0; i < v; i++) {
            double[] s = ts[i].clone();
            Arrays.sort(s);
            System.out.printf("%dx%dx%d %s, W %s, %d thr, %-24s median %7.1f us (p25 %7.1f p75 %7.1f)%n", m, n, k, what,
                    cold ? "cold" : "warm", threads, jars[i], s[rounds / 2], s[rounds / 4], s[3 * rounds / 4]);
        }
        for (int i = 1; i < v; i++) {
            double[] ratio = new double[rounds];
            for (int q = 0; q < rounds; q++) ratio[q] = ts[i][q] / ts[0][q];
            Arrays.sort(ratio);
            System.out.printf("  %s / %s: median %.3f (p25 %.3f p75 %.3f)%n", jars[i], jars[0], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        }
        for (int i = 0; i < v; i++) be[i].getClass().getMethod("close").invoke(be[i]);
    }
}
