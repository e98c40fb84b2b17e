package cvae.kernels;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Wraps a backend and accumulates wall time per op (calling {@link Backend#synchronize}
 * after each, so that asynchronous backends are timed too). For finding where a
 * training step's time goes; never used for results.
 *
 * <p>Ops that start in the first {@code -Dcvae.profile.warmup=S} seconds (default 0) are
 * not counted: while the JIT has not yet compiled the Vector API kernels they run up to
 * 100× slower, and a short run's table would mostly show the warm-up.
 */
public final class ProfilingBackend implements Backend {
    private final Backend b;
    /** Shared with the lanes' profilers (see {@link #concurrently}), which write from two threads: guarded by itself. */
    private final Map<String, long[]> times;
    private final long countFrom;
    /** Appended to each op's name: empty, or which part of {@link #concurrently} ran it. */
    private final String suffix;
    /** The profilers of the concurrent parts, made on first use. */
    private ProfilingBackend[] lanes;

    public ProfilingBackend(Backend inner) {
        this(inner, new TreeMap<>(), System.nanoTime() + (long) (Double.parseDouble(System.getProperty("cvae.profile.warmup", "0")) * 1e9), "");
    }

    private ProfilingBackend(Backend inner, Map<String, long[]> times, long countFrom, String suffix) {
        this.b = inner;
        this.times = times;
        this.countFrom = countFrom;
        this.suffix = suffix;
    }

    private void time(String op, Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        b.synchronize();
        count(op, t0);
    }

    private <T> T time(String op, Supplier<T> r) {
        long t0 = System.nanoTime();
        T v = r.get();
        count(op, t0);
        return v;
    }

    private void count(String op, long t0) {
        long dt = System.nanoTime() - t0;
        if (t0 < countFrom) return;
        synchronized (times) {
            long[] t = times.computeIfAbsent(op + suffix, k -> new long[2]);
            t[0] += dt;
            t[1]++;
        }
    }

    /**
     * Runs the parts as the wrapped backend does (on the cpu backend, each on a one-thread
     * backend of its own, at the same time), each op timed where it runs and, when the parts
     * ran on backends of their own, listed with the part's number. Why: with the interface's
     * default (one part after the other on this backend), the profile timed the step's
     * small concurrent ops on two threads, which the step never does, and hid what the two
     * parts cost side by side.
     */
    @Override public void concurrently(java.util.function.Consumer<Backend> first, java.util.function.Consumer<Backend> second) {
        b.concurrently(l -> first.accept(lane(0, l)), l -> second.accept(lane(1, l)));
    }

    private synchronized ProfilingBackend lane(int i, Backend inner) {
        if (inner == b) return this;   // the wrapped backend runs the parts itself, one after the other (the default)
        if (lanes == null) lanes = new ProfilingBackend[2];
        if (lanes[i] == null || lanes[i].b != inner) lanes[i] = new ProfilingBackend(inner, times, countFrom, suffix + " ‖" + (i + 1));
        return lanes[i];
    }

    public void reset() { synchronized (times) { times.clear(); } }

    /** One line per op: total ms, calls, share of the total (ops marked ‖1 and ‖2 ran side by side, see {@link #concurrently}). */
    public synchronized String report() {
        synchronized (times) { return table(); }
    }

    private String table() {
        long total = times.values().stream().mapToLong(t -> t[0]).sum();
        StringBuilder sb = new StringBuilder();
        times.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).forEach(e ->
                sb.append(String.format(Locale.ROOT, "%-22s %9.1f ms %8d calls %5.1f%%%n", e.getKey(), e.getValue()[0] / 1e6,
                        e.getValue()[1], 100.0 * e.getValue()[0] / Math.max(1, total))));
        sb.append(String.format(Locale.ROOT, "%-22s %9.1f ms%n", "total", total / 1e6));
        if (times.keySet().stream().anyMatch(k -> k.contains(" ‖")))
            sb.append("(ops marked ‖1 and ‖2 ran at the same time, one on each thread: the total counts both)\n");
        return sb.toString();
    }

    @Override public String name() { return b.name(); }
    @Override public String describe() { return b.describe() + " (profiled)"; }
    @Override public Tensor tensor(int rows, int cols) { return b.tensor(rows, cols); }
    @Override public Tensor tensorOf(float[] data, int rows, int cols) { return b.tensorOf(data, rows, cols); }
    @Override public void upload(Tensor dst, float[] src) { time("upload", () -> b.upload(dst, src)); }
    @Override public void download(float[] dst, Tensor src) { time("download", () -> b.download(dst, src)); }
    @Override public void fill(Tensor t, float value) { time("fill", () -> b.fill(t, value)); }
    @Override public IndexBuffer indices(int[] values) { return time("indices", () -> b.indices(values)); }
    @Override public void synchronize() { b.synchronize(); }
    @Override public void gatherRows(Tensor out, Tensor src, IndexBuffer idx, int offset) { time("gatherRows", () -> b.gatherRows(out, src, idx, offset)); }
    @Override public void concatColumns(Tensor out, Tensor x, Tensor y) { time("concatColumns", () -> b.concatColumns(out, x, y)); }
    @Override public void sliceColumns(Tensor out, Tensor in, int col0) { time("sliceColumns", () -> b.sliceColumns(out, in, col0)); }
    @Override public void gemm(Tensor c, boolean transA, Tensor a, boolean transB, Tensor bb, float alpha, float beta) {
        String shape = "gemm" + (transA ? "T" : "N") + (transB ? "T" : "N") + " " + c.rows() + "x" + c.cols() + "x" + (transA ? a.rows() : a.cols());
        time(shape, () -> b.gemm(c, transA, a, transB, bb, alpha, beta));
    }
    @Override public void linearForward(Tensor y, Tensor x, Tensor w, Tensor bias, Activation act) {
        String shape = "linear+" + act.name().toLowerCase(Locale.ROOT) + " " + y.rows() + "x" + y.cols() + "x" + x.cols();
        time(shape, () -> b.linearForward(y, x, w, bias, act));
    }
    @Override public void addBias(Tensor y, Tensor bias) { time("addBias", () -> b.addBias(y, bias)); }
    @Override public void biasBackward(Tensor dBias, Tensor dY) { time("biasBackward", () -> b.biasBackward(dBias, dY)); }
    @Override public void reluForward(Tensor y, Tensor x) { time("reluForward", () -> b.reluForward(y, x)); }
    @Override public void reluBackward(Tensor dX, Tensor dY, Tensor y) { time("reluBackward", () -> b.reluBackward(dX, dY, y)); }
    @Override public void sigmoidForward(Tensor y, Tensor x) { time("sigmoidForward", () -> b.sigmoidForward(y, x)); }
    @Override public void sigmoidBackward(Tensor dX, Tensor dY, Tensor y) { time("sigmoidBackward", () -> b.sigmoidBackward(dX, dY, y)); }
    @Override public void reparamForward(Tensor z, Tensor h, Tensor eps) { time("reparamForward", () -> b.reparamForward(z, h, eps)); }
    @Override public void reparamBackward(Tensor dH, Tensor dZ, Tensor h, Tensor eps) { time("reparamBackward", () -> b.reparamBackward(dH, dZ, h, eps)); }
    @Override public void mseForwardBackward(Tensor d, Tensor xh, Tensor x, Tensor acc, int i) { time("mse", () -> b.mseForwardBackward(d, xh, x, acc, i)); }
    @Override public void klForwardBackward(Tensor dq, Tensor dp, Tensor q, Tensor p, float w, Tensor acc, int i) { time("kl", () -> b.klForwardBackward(dq, dp, q, p, w, acc, i)); }
    @Override public void weightGradAdam(Tensor dW, Tensor x, Tensor dY, Tensor w, Tensor m, Tensor v,
                                         float lr, float b1, float b2, float eps, float bc1, float bc2) {
        String shape = "weightGradAdam " + dW.rows() + "x" + dW.cols() + "x" + x.rows();
        time(shape, () -> b.weightGradAdam(dW, x, dY, w, m, v, lr, b1, b2, eps, bc1, bc2));
    }

    @Override public void mseSigmoidBackward(Tensor dXhat, Tensor xhat, Tensor x, Tensor acc, int accIndex) {
        time("mse+sigmoidBackward", () -> b.mseSigmoidBackward(dXhat, xhat, x, acc, accIndex));
    }

    @Override public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float b1, float b2, float eps, float bc1, float bc2) {
        time("adam", () -> b.adamStep(p, g, m, v, lr, b1, b2, eps, bc1, bc2));
    }
    @Override public void randomNormal(Tensor out, long seed, long stream) { time("randomNormal", () -> b.randomNormal(out, seed, stream)); }
    @Override public void close() {
        System.err.print("time per op on " + b.describe() + ":\n" + report());
        b.close();
    }
}
