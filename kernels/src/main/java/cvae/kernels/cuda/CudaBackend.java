package cvae.kernels.cuda;

import static cvae.bindings.cublas.cvae_cublas_h.*;
import static cvae.bindings.cudart.cuda_runtime_api_h.*;

import cvae.bindings.Cublas;
import cvae.bindings.Cuda;
import cvae.bindings.CudaDriver;
import cvae.bindings.CudaException;
import cvae.bindings.CudaGraph;
import cvae.bindings.CudaStream;
import cvae.bindings.Cudnn;
import cvae.bindings.DeviceMemory;
import cvae.bindings.NativeLibraries;
import cvae.kernels.Backend;
import cvae.kernels.BackendUnavailableException;
import cvae.kernels.IndexBuffer;
import cvae.kernels.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The NVIDIA GPU backend: GEMMs in cuBLAS, bias add and activations in cuDNN, and the rest
 * in the project's own kernels ({@code src/main/cuda/kernels.cu}, loaded from the
 * committed fatbin).
 *
 * <p>Everything is queued on one non-blocking stream, in call order, so ops return before
 * the GPU has run them; only {@link #upload}, {@link #download} and {@link #synchronize}
 * wait. Because nothing else touches the stream and no op allocates or copies to the host,
 * a training step can be recorded once into a CUDA graph ({@link #capture}) and replayed
 * ({@link #replay}); the harness does so for every full-batch step ({@link #recordedStep},
 * off with {@code -Dcvae.cuda.graphs=false}). The loss accumulators stay on the device.
 *
 * <p>Determinism: cuBLAS (fixed workspace, one stream, default FP32 math: no TF32) and
 * the kernels give the same bits for the same inputs on the same GPU; the reductions sum
 * in a fixed order, with no atomics.
 *
 * <p>Memory: tensors live until the backend is closed (the harness allocates them once per
 * run). A backend is used by one thread at a time; if that thread changes, the primary
 * context is made current on the new one.
 *
 * <p>{@code -Dcvae.cuda.activations=kernels} replaces cuDNN's bias add and activations by
 * the project's kernels (for comparison, or where cuDNN misbehaves).
 */
public final class CudaBackend implements Backend {
    /** cuBLAS's workspace: set explicitly, so that cuBLAS allocates nothing during graph capture. */
    private static final long CUBLAS_WORKSPACE_BYTES = 32L << 20;
    private static final int CUDNN_SUBLIBRARY_LOADING_FAILED =
            cvae.bindings.cudnn.cvae_cudnn_h.CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED();

    private final Arena arena = Arena.ofShared();
    private final CudaDevice device;
    private final CudaStream stream;
    private final Cublas.Handle cublas;
    private final CudnnOps cudnn;
    private final KernelModule kernels;
    private final KernelArgs args;
    /** MAX_PARTIALS doubles: the per-block sums of a reduction, added up by finish_sum. */
    private final DeviceMemory partials;
    /** Host floats alpha and beta for cublasSgemm (read during the call, host pointer mode). */
    private final MemorySegment alpha, beta;
    private final String libraries;
    private Thread boundThread;
    private boolean closed;

    // ---- recorded steps (see recordedStep) ----
    /** The most bytes of per-step scalars one recorded step may hold (a training step needs about 300). */
    private static final int SLOT_BYTES = 8192;
    /** Off with {@code -Dcvae.cuda.graphs=false}: every step launched op by op. */
    private final boolean graphs = !"false".equals(System.getProperty("cvae.cuda.graphs"));
    /** A recorded step's per-step scalars: written here on the host, copied to the device before each launch. */
    private final MemorySegment slotsHost;
    private final DeviceMemory slotsDevice;
    private enum Mode { EAGER, CAPTURE, REPLAY }
    private Mode mode = Mode.EAGER;
    /** Of the step being captured or replayed: scalar bytes used, ops counted, and a hash of their outputs. */
    private int slotBytes, ops;
    private long signature;
    private final java.util.Map<Integer, Recording> recordings = new java.util.HashMap<>();

    private record Recording(CudaGraph.Exec exec, int slotBytes, int ops, long signature) {}

    private CudaBackend(CudaDevice device, boolean cudnnActivations) {
        this.device = device;
        boundThread = Thread.currentThread();
        try {
            stream = CudaStream.create(arena);
            cublas = Cublas.Handle.create(arena);
            cublas.setStream(stream);
            cublas.setWorkspace(DeviceMemory.allocate(CUBLAS_WORKSPACE_BYTES, arena));
            cublas.setMathMode(CUBLAS_DEFAULT_MATH());
            cudnn = cudnnActivations ? new CudnnOps(arena, stream) : null;
            kernels = new KernelModule(arena, device.ccMajor(), device.ccMinor());
            args = new KernelArgs(arena);
            partials = DeviceMemory.allocate((long) KernelModule.MAX_PARTIALS * Double.BYTES, arena);
            slotsHost = arena.allocate(SLOT_BYTES, 8);
            slotsDevice = DeviceMemory.allocate(SLOT_BYTES, arena);
            alpha = arena.allocate(ValueLayout.JAVA_FLOAT);
            beta = arena.allocate(ValueLayout.JAVA_FLOAT);
            libraries = "CUDA " + Cuda.formatVersion(device.runtime()) + " (driver " + Cuda.formatVersion(device.driver())
                    + "), cuBLAS " + Cublas.version() + ", cuDNN " + Cudnn.version()
                    + (cudnnActivations ? "" : " (activations: own kernels)")
                    + (graphs ? "" : " (steps launched op by op: -Dcvae.cuda.graphs=false)");
        } catch (CudaException e) {
            String hint = e.library().equals(Cudnn.LIBRARY) && e.status() == CUDNN_SUBLIBRARY_LOADING_FAILED
                    ? " (cuDNN could not load its sub-libraries, libcudnn_ops.so.9 and others, from beside "
                      + NativeLibraries.cudnn().file() + ": start the JVM with that folder in LD_LIBRARY_PATH)"
                    : "";
            throw closeAfter(new BackendUnavailableException(
                    "cuda: could not start on " + device.summary() + ": " + e.getMessage() + hint, e));
        } catch (RuntimeException e) {
            throw closeAfter(e);
        }
    }

    /** Frees what a failed start had made; a failure to free is kept as suppressed. */
    private RuntimeException closeAfter(RuntimeException cause) {
        try {
            arena.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        return cause;
    }

    /**
     * Opens the backend on GPU 0 (cuDNN activations unless {@code -Dcvae.cuda.activations=kernels}).
     *
     * @throws BackendUnavailableException saying exactly what is missing: a library (and
     *         where it was looked for), the driver, a device, or code for this GPU
     */
    public static CudaBackend open() {
        return open(!"kernels".equals(System.getProperty("cvae.cuda.activations")));
    }

    /** Opens the backend, with cuDNN's activations or the project's own kernels. */
    public static CudaBackend open(boolean cudnnActivations) {
        return new CudaBackend(CudaDevice.probe(), cudnnActivations);
    }

    /**
     * For {@code harness info}: GPU name, driver, CUDA runtime, cuBLAS and cuDNN versions
     * found (with their files), or why not; one per line. Never throws.
     */
    public static String info() { return CudaDevice.info(); }

    @Override public String name() { return "cuda"; }

    @Override public String describe() { return "cuda: " + device.summary() + ", " + libraries; }

    // ---- plumbing ---------------------------------------------------------------------------

    /** Makes the context current if the calling thread changed; cheap otherwise. */
    private void bind() {
        if (closed) throw new IllegalStateException("the cuda backend is closed");
        Thread t = Thread.currentThread();
        if (t != boundThread) {
            CudaDriver.setCurrent(device.context());
            boundThread = t;
        }
    }

    private static CudaTensor t(Tensor t) {
        if (t instanceof CudaTensor c) return c;
        throw new IllegalArgumentException(t + " does not belong to the cuda backend");
    }

    private static void sameShape(Tensor a, Tensor b) {
        if (a.rows() != b.rows() || a.cols() != b.cols())
            throw new IllegalArgumentException("shape mismatch: " + a + " vs " + b);
    }

    private KernelArgs launchArgs() { return args.start(); }

    private void launch(KernelArgs a, MemorySegment fn, String name, int grid) {
        a.launch(fn, name, grid, 1, KernelModule.BLOCK, 1, stream.handle());
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public CudaTensor tensor(int rows, int cols) {
        bind();
        notInAStep();
        long n = (long) rows * cols;
        if (rows < 0 || cols < 0 || n > Integer.MAX_VALUE)
            throw new IllegalArgumentException("bad shape " + rows + "x" + cols);
        DeviceMemory m = DeviceMemory.allocate(n * Float.BYTES, arena);
        CudaTensor t = new CudaTensor(rows, cols, m);
        Cuda.check(cudaMemsetAsync(t.pointer(), 0, t.bytes(), stream.handle()), "cudaMemsetAsync");
        return t;
    }

    @Override
    public void upload(Tensor dst, float[] src) {
        bind();
        notInAStep();
        CudaTensor d = t(dst);
        if (src.length < d.size()) throw new IllegalArgumentException(src.length + " values for " + dst);
        if (d.size() == 0) return;
        try (Arena host = Arena.ofConfined()) {
            MemorySegment staging = host.allocate(d.bytes(), 16);
            MemorySegment.copy(src, 0, staging, ValueLayout.JAVA_FLOAT, 0, (int) d.size());
            Cuda.check(cudaMemcpyAsync(d.pointer(), staging, d.bytes(), cudaMemcpyHostToDevice(), stream.handle()),
                    "cudaMemcpyAsync(host to device)");
            // The staging memory is freed when this method returns: wait for the copy.
            stream.synchronize();
        }
    }

    @Override
    public void download(float[] dst, Tensor src) {
        bind();
        notInAStep();
        CudaTensor s = t(src);
        if (dst.length < s.size()) throw new IllegalArgumentException(dst.length + " places for " + src);
        if (s.size() == 0) return;
        try (Arena host = Arena.ofConfined()) {
            MemorySegment staging = host.allocate(s.bytes(), 16);
            Cuda.check(cudaMemcpyAsync(staging, s.pointer(), s.bytes(), cudaMemcpyDeviceToHost(), stream.handle()),
                    "cudaMemcpyAsync(device to host)");
            stream.synchronize();
            MemorySegment.copy(staging, ValueLayout.JAVA_FLOAT, 0, dst, 0, (int) s.size());
        }
    }

    @Override
    public void fill(Tensor t, float value) {
        bind();
        CudaTensor c = t(t);
        if (c.size() == 0 || skipped(c)) return;
        if (Float.floatToRawIntBits(value) == 0) {
            Cuda.check(cudaMemsetAsync(c.pointer(), 0, c.bytes(), stream.handle()), "cudaMemsetAsync");
            return;
        }
        launch(launchArgs().ptr(c).i32((int) c.size()).f32(value), kernels.fill, "fill_f32", KernelModule.grid(c.size()));
    }

    @Override
    public IndexBuffer indices(int[] values) {
        bind();
        notInAStep();
        int max = -1;
        for (int v : values) {
            if (v < 0) throw new IllegalArgumentException("negative row index " + v);
            max = Math.max(max, v);
        }
        DeviceMemory m = DeviceMemory.allocate((long) values.length * Integer.BYTES, arena);
        if (values.length > 0) {
            try (Arena host = Arena.ofConfined()) {
                MemorySegment staging = host.allocateFrom(ValueLayout.JAVA_INT, values);
                Cuda.check(cudaMemcpyAsync(m.handle(), staging, staging.byteSize(), cudaMemcpyHostToDevice(), stream.handle()),
                        "cudaMemcpyAsync(indices)");
                stream.synchronize();
            }
        }
        return new CudaIndices(values.length, max, m);
    }

    @Override
    public void synchronize() {
        bind();
        notInAStep();
        stream.synchronize();
    }

    // ---- data movement ----------------------------------------------------------------------

    @Override
    public void gatherRows(Tensor out, Tensor src, IndexBuffer idx, int offset) {
        bind();
        CudaTensor o = t(out), s = t(src);
        if (!(idx instanceof CudaIndices ix)) throw new IllegalArgumentException("indices not from the cuda backend");
        if (s.cols() != o.cols()) throw new IllegalArgumentException("gather " + src + " into " + out);
        if (offset < 0 || (long) offset + o.rows() > ix.length())
            throw new IndexOutOfBoundsException("rows " + offset + ".." + (offset + o.rows()) + " of " + ix.length() + " indices");
        if (ix.max >= s.rows()) throw new IndexOutOfBoundsException("row index " + ix.max + " of " + src);
        if (o.size() == 0) return;
        if (mode != Mode.EAGER) {                          // the offset changes from step to step
            int at = slot(Integer.BYTES);
            slotsHost.set(ValueLayout.JAVA_INT, at, offset);
            if (skipped(o)) return;
            args.start().ptr(o).ptr(s).ptr(ix.address()).ptr(slotsDevice.handle().address() + at).i32(o.rows()).i32(o.cols())
                    .launch(kernels.gatherRowsSlots, "gather_rows_slots", o.rows(), 1, KernelModule.BLOCK, 1, stream.handle());
            return;
        }
        args.start().ptr(o).ptr(s).ptr(ix.address()).i32(offset).i32(o.rows()).i32(o.cols())
                .launch(kernels.gatherRows, "gather_rows", o.rows(), 1, KernelModule.BLOCK, 1, stream.handle());
    }

    @Override
    public void concatColumns(Tensor out, Tensor a, Tensor b) {
        bind();
        CudaTensor o = t(out), x = t(a), y = t(b);
        if (x.cols() + y.cols() != o.cols() || x.rows() != o.rows() || y.rows() != o.rows())
            throw new IllegalArgumentException("concat " + a + " + " + b + " into " + out);
        if (o.size() == 0 || skipped(o)) return;
        launch(launchArgs().ptr(o).ptr(x).ptr(y).i32(o.rows()).i32(x.cols()).i32(y.cols()),
                kernels.concatColumns, "concat_columns", KernelModule.grid(o.size()));
    }

    @Override
    public void sliceColumns(Tensor out, Tensor in, int col0) {
        bind();
        CudaTensor o = t(out), i = t(in);
        if (col0 < 0 || col0 + o.cols() > i.cols() || i.rows() != o.rows())
            throw new IllegalArgumentException("slice " + in + " to " + out);
        if (o.size() == 0 || skipped(o)) return;
        launch(launchArgs().ptr(o).ptr(i).i32(o.rows()).i32(i.cols()).i32(o.cols()).i32(col0),
                kernels.sliceColumns, "slice_columns", KernelModule.grid(o.size()));
    }

    // ---- linear algebra -----------------------------------------------------------------------

    /**
     * cuBLAS is column-major, our tensors row-major: a row-major X is the column-major Xᵀ
     * with the same leading dimension. So C = op(A)·op(B) is computed as
     * Cᵀ = op(B)ᵀ·op(A)ᵀ, i.e. cublasSgemm with the operands swapped, m and n swapped, and
     * each operand's transpose flag as given (an untransposed row-major B is already Bᵀ).
     */
    @Override
    public void gemm(Tensor c, boolean transA, Tensor a, boolean transB, Tensor b, float alphaValue, float betaValue) {
        bind();
        CudaTensor C = t(c), A = t(a), B = t(b);
        int m = C.rows(), n = C.cols();
        int k = transA ? A.rows() : A.cols();
        int am = transA ? A.cols() : A.rows();
        int bk = transB ? B.cols() : B.rows();
        int bn = transB ? B.rows() : B.cols();
        if (am != m || bn != n || bk != k)
            throw new IllegalArgumentException("gemm shapes: C " + c + ", A " + a + (transA ? "ᵀ" : "") + ", B " + b + (transB ? "ᵀ" : ""));
        if (m == 0 || n == 0 || skipped(C)) return;
        alpha.set(ValueLayout.JAVA_FLOAT, 0, alphaValue);
        beta.set(ValueLayout.JAVA_FLOAT, 0, betaValue);
        Cublas.check(cublasSgemm_v2(cublas.handle(),
                transB ? CUBLAS_OP_T() : CUBLAS_OP_N(), transA ? CUBLAS_OP_T() : CUBLAS_OP_N(),
                n, m, k, alpha,
                B.pointer(), Math.max(1, B.cols()),
                A.pointer(), Math.max(1, A.cols()),
                beta, C.pointer(), Math.max(1, n)), "cublasSgemm_v2");
    }

    @Override
    public void addBias(Tensor y, Tensor bias) {
        bind();
        CudaTensor Y = t(y), bb = t(bias);
        if (bb.size() != Y.cols()) throw new IllegalArgumentException("bias " + bias + " for " + y);
        if (Y.size() == 0 || skipped(Y)) return;
        if (cudnn != null) {
            cudnn.addBias(Y, bb);
            return;
        }
        launch(launchArgs().ptr(Y).ptr(bb).i32(Y.rows()).i32(Y.cols()), kernels.addBias, "add_bias", KernelModule.grid(Y.size()));
    }

    @Override
    public void biasBackward(Tensor dBias, Tensor dY) {
        bind();
        CudaTensor db = t(dBias), g = t(dY);
        if (db.size() != g.cols()) throw new IllegalArgumentException("bias gradient " + dBias + " for " + dY);
        if (db.size() == 0 || skipped(db)) return;
        args.start().ptr(db).ptr(g).i32(g.rows()).i32(g.cols())
                .launch(kernels.biasBackward, "bias_backward", (g.cols() + 31) / 32, 1, 32, 8, stream.handle());
    }

    // ---- activations --------------------------------------------------------------------------

    @Override
    public void reluForward(Tensor y, Tensor x) {
        bind();
        CudaTensor Y = t(y), X = t(x);
        sameShape(Y, X);
        if (X.size() == 0 || skipped(Y)) return;
        if (cudnn != null) cudnn.reluForward(Y, X);
        else launch(launchArgs().ptr(Y).ptr(X).i32((int) X.size()), kernels.reluForward, "relu_forward", KernelModule.grid(X.size()));
    }

    @Override
    public void reluBackward(Tensor dX, Tensor dY, Tensor y) {
        bind();
        CudaTensor dx = t(dX), dy = t(dY), Y = t(y);
        sameShape(dx, dy);
        sameShape(dy, Y);
        if (dy.size() == 0 || skipped(dx)) return;
        if (cudnn != null) cudnn.reluBackward(dx, dy, Y);
        else launch(launchArgs().ptr(dx).ptr(dy).ptr(Y).i32((int) dy.size()), kernels.reluBackward, "relu_backward",
                KernelModule.grid(dy.size()));
    }

    @Override
    public void sigmoidForward(Tensor y, Tensor x) {
        bind();
        CudaTensor Y = t(y), X = t(x);
        sameShape(Y, X);
        if (X.size() == 0 || skipped(Y)) return;
        if (cudnn != null) cudnn.sigmoidForward(Y, X);
        else launch(launchArgs().ptr(Y).ptr(X).i32((int) X.size()), kernels.sigmoidForward, "sigmoid_forward",
                KernelModule.grid(X.size()));
    }

    @Override
    public void sigmoidBackward(Tensor dX, Tensor dY, Tensor y) {
        bind();
        CudaTensor dx = t(dX), dy = t(dY), Y = t(y);
        sameShape(dx, dy);
        sameShape(dy, Y);
        if (dy.size() == 0 || skipped(dx)) return;
        // Always the project's kernel, never cuDNN's: cuDNN writes subnormal gradients where
        // the sigmoid saturates (seen on an H200: -1.05e-38), and every backend writes them
        // as 0 (Backend.sigmoidBackward), so that runs agree across backends.
        launch(launchArgs().ptr(dx).ptr(dy).ptr(Y).i32((int) dy.size()), kernels.sigmoidBackward, "sigmoid_backward",
                KernelModule.grid(dy.size()));
    }

    // ---- the CVAE's own ops ---------------------------------------------------------------------

    private static void checkLatent(Tensor z, Tensor h, Tensor eps) {
        sameShape(z, eps);
        if (h.cols() != 2 * z.cols() || h.rows() != z.rows())
            throw new IllegalArgumentException("latent shapes: z " + z + ", h " + h);
    }

    @Override
    public void reparamForward(Tensor z, Tensor h, Tensor eps) {
        bind();
        checkLatent(z, h, eps);
        CudaTensor Z = t(z);
        if (Z.size() == 0 || skipped(Z)) return;
        launch(launchArgs().ptr(Z).ptr(t(h)).ptr(t(eps)).i32(Z.rows()).i32(Z.cols()),
                kernels.reparamForward, "reparam_forward", KernelModule.grid(Z.size()));
    }

    @Override
    public void reparamBackward(Tensor dH, Tensor dZ, Tensor h, Tensor eps) {
        bind();
        checkLatent(dZ, h, eps);
        sameShape(dH, h);
        CudaTensor dz = t(dZ);
        if (dz.size() == 0 || skipped(t(dH))) return;
        launch(launchArgs().ptr(t(dH)).ptr(dz).ptr(t(h)).ptr(t(eps)).i32(dz.rows()).i32(dz.cols()),
                kernels.reparamBackward, "reparam_backward", KernelModule.grid(dz.size()));
    }

    /** acc[0, accIndex] += Σ partials[0 .. blocks) / divisor, on the device, in a fixed order. */
    private void finishSum(CudaTensor acc, int accIndex, int blocks, double divisor) {
        args.start().ptr(acc).i32(accIndex).ptr(partials.handle().address()).i32(blocks).f64(divisor)
                .launch(kernels.finishSum, "finish_sum", 1, 1, KernelModule.MAX_PARTIALS, 1, stream.handle());
    }

    private static void checkAcc(Tensor acc, int accIndex) {
        if (accIndex < 0 || accIndex >= acc.size()) throw new IndexOutOfBoundsException("acc index " + accIndex + " of " + acc);
    }

    @Override
    public void mseForwardBackward(Tensor dXhat, Tensor xhat, Tensor x, Tensor acc, int accIndex) {
        bind();
        sameShape(xhat, x);
        sameShape(dXhat, x);
        checkAcc(acc, accIndex);
        CudaTensor X = t(x);
        if (X.size() == 0 || skipped(t(dXhat))) return;
        int blocks = KernelModule.reductionGrid(X.size());
        launch(launchArgs().ptr(t(dXhat)).ptr(partials.handle().address()).ptr(t(xhat)).ptr(X).i32((int) X.size()),
                kernels.mse, "mse_forward_backward", blocks);
        finishSum(t(acc), accIndex, blocks, X.cols());
    }

    @Override
    public void klForwardBackward(Tensor dHq, Tensor dHp, Tensor hq, Tensor hp, float weight, Tensor acc, int accIndex) {
        bind();
        sameShape(hq, hp);
        sameShape(dHq, hq);
        sameShape(dHp, hp);
        checkAcc(acc, accIndex);
        if (hq.cols() % 2 != 0) throw new IllegalArgumentException("hq must be [mu | log_sigma]: " + hq);
        int rows = hq.rows(), latent = hq.cols() / 2;
        long n = (long) rows * latent;
        if (n == 0 || skipped(t(dHq))) return;
        int blocks = KernelModule.reductionGrid(n);
        launch(launchArgs().ptr(t(dHq)).ptr(t(dHp)).ptr(partials.handle().address()).ptr(t(hq)).ptr(t(hp))
                        .i32(rows).i32(latent).f64((double) weight / rows),
                kernels.kl, "kl_forward_backward", blocks);
        finishSum(t(acc), accIndex, blocks, 1.0);
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v,
                         float lr, float beta1, float beta2, float eps, float bc1, float bc2) {
        bind();
        sameShape(param, grad);
        sameShape(param, m);
        sameShape(param, v);
        CudaTensor p = t(param);
        if (p.size() == 0) return;
        if (mode != Mode.EAGER) {                          // the bias corrections change from step to step
            int at = slot(6 * Float.BYTES);                // {lr, b1, b2, eps, bc1, bc2}, as adam_step_slots reads them
            slotsHost.set(ValueLayout.JAVA_FLOAT, at, lr);
            slotsHost.set(ValueLayout.JAVA_FLOAT, at + 4, beta1);
            slotsHost.set(ValueLayout.JAVA_FLOAT, at + 8, beta2);
            slotsHost.set(ValueLayout.JAVA_FLOAT, at + 12, eps);
            slotsHost.set(ValueLayout.JAVA_FLOAT, at + 16, bc1);
            slotsHost.set(ValueLayout.JAVA_FLOAT, at + 20, bc2);
            if (skipped(p)) return;
            launch(launchArgs().ptr(p).ptr(t(grad)).ptr(t(m)).ptr(t(v)).i32((int) p.size()).ptr(slotsDevice.handle().address() + at),
                    kernels.adamSlots, "adam_step_slots", KernelModule.grid(p.size()));
            return;
        }
        launch(launchArgs().ptr(p).ptr(t(grad)).ptr(t(m)).ptr(t(v)).i32((int) p.size())
                        .f32(lr).f32(beta1).f32(beta2).f32(eps).f32(bc1).f32(bc2),
                kernels.adam, "adam_step", KernelModule.grid(p.size()));
    }

    @Override
    public void randomNormal(Tensor out, long seed, long streamId) {
        bind();
        CudaTensor o = t(out);
        if (o.size() == 0) return;
        if (mode != Mode.EAGER) {                          // the stream changes from step to step
            int at = slot(2 * Long.BYTES);
            slotsHost.set(ValueLayout.JAVA_LONG, at, seed);
            slotsHost.set(ValueLayout.JAVA_LONG, at + Long.BYTES, streamId);
            if (skipped(o)) return;
            launch(launchArgs().ptr(o).i32((int) o.size()).ptr(slotsDevice.handle().address() + at),
                    kernels.randomNormalSlots, "random_normal_slots", KernelModule.grid((o.size() + 3) / 4));
            return;
        }
        launch(launchArgs().ptr(o).i32((int) o.size()).u64(seed).u64(streamId),
                kernels.randomNormal, "random_normal", KernelModule.grid((o.size() + 3) / 4));
    }

    // ---- recorded steps ---------------------------------------------------------------------------

    @Override
    public boolean recordsSteps() { return graphs; }

    /**
     * The first call with a key captures {@code step}'s ops into a CUDA graph; every call
     * then launches that graph: one launch instead of one per op (about 70 at batch 64,
     * whose host-side cost bounds a small step). The scalars that change from step to step
     * (gather offsets, the random numbers' seed and stream, Adam's scalars) are not frozen
     * into the graph: the ops that take them read them from device memory ({@code *_slots}
     * kernels), and each call runs {@code step}'s Java code once more with launches
     * switched off, only to collect them, before copying them to the device ahead of the
     * launch. Same arithmetic, so the same bits as running {@code step}. A call whose ops
     * differ in count or output tensors from the recording throws.
     */
    @Override
    public void recordedStep(int key, Runnable step) {
        bind();
        if (!graphs || mode != Mode.EAGER) {
            step.run();
            return;
        }
        Recording r = recordings.get(key);
        mode = r == null ? Mode.CAPTURE : Mode.REPLAY;
        slotBytes = 0;
        ops = 0;
        signature = 0;
        try {
            if (r == null) {
                r = new Recording(capture(step), slotBytes, ops, signature);
                recordings.put(key, r);
            } else {
                step.run();
                if (ops != r.ops() || slotBytes != r.slotBytes() || signature != r.signature())
                    throw new IllegalStateException("recorded step " + key + " queued other ops than when it was recorded ("
                            + ops + " ops and " + slotBytes + " bytes of scalars, against " + r.ops() + " and "
                            + r.slotBytes() + ", or other output tensors): a recorded step must repeat its ops on the same tensors");
            }
        } finally {
            mode = Mode.EAGER;
        }
        // From pageable host memory: the copy is staged before cudaMemcpyAsync returns, so the
        // next step may overwrite slotsHost at once; stream order puts it before the launch.
        if (r.slotBytes() > 0)
            Cuda.check(cudaMemcpyAsync(slotsDevice.handle(), slotsHost, r.slotBytes(), cudaMemcpyHostToDevice(), stream.handle()),
                    "cudaMemcpyAsync(step scalars)");
        replay(r.exec());
    }

    @Override
    public void forgetRecordedSteps() {
        bind();
        recordings.values().forEach(r -> r.exec().close());
        recordings.clear();
    }

    /** Counts an op of a step being captured or replayed; true when its launch is to be left out (replaying). */
    private boolean skipped(CudaTensor out) {
        if (mode == Mode.EAGER) return false;
        ops++;
        signature = signature * 31 + out.address() * 7 + out.size();
        return mode == Mode.REPLAY;
    }

    /** {@code bytes} (rounded up to 8) of the current step's scalars; returns their offset. */
    private int slot(int bytes) {
        int at = slotBytes;
        slotBytes += (bytes + 7) & ~7;
        if (slotBytes > SLOT_BYTES)
            throw new IllegalStateException("a recorded step may hold at most " + SLOT_BYTES + " bytes of per-step scalars");
        return at;
    }

    private void notInAStep() {
        if (mode != Mode.EAGER)
            throw new IllegalStateException("a recorded step may only queue ops: no allocation, copy to or from the host, or wait");
    }

    // ---- CUDA graphs ----------------------------------------------------------------------------

    /**
     * Records the GPU work that {@code step} queues into a CUDA graph instead of running it,
     * and returns it ready to launch. {@code step} may only queue ops: no
     * {@link #tensor}, {@link #indices}, {@link #upload}, {@link #download} or
     * {@link #synchronize} (those fail during capture). Every argument — shapes, scalars
     * such as a seed or Adam's bias corrections, tensor addresses — is frozen into the
     * graph as it was during capture. The graph is freed when the backend closes.
     */
    public CudaGraph.Exec capture(Runnable step) {
        bind();
        stream.beginCapture();
        CudaGraph graph;
        try {
            step.run();
        } finally {
            graph = stream.endCapture(arena);
        }
        try {
            return graph.instantiate(arena);
        } finally {
            graph.close();
        }
    }

    /** Queues one run of a captured graph on the backend's stream. */
    public void replay(CudaGraph.Exec graph) {
        bind();
        graph.launch(stream);
    }

    // ---- lifetime -------------------------------------------------------------------------------

    /** Waits for queued work, then frees every tensor, handle and the module. */
    @Override
    public void close() {
        if (closed) return;
        try {
            bind();
            stream.synchronize();
        } finally {
            closed = true;
            arena.close();
        }
    }
}
