package cvae.kernels.cpu;

import cvae.kernels.Backend;
import cvae.kernels.IndexBuffer;
import cvae.kernels.Philox;
import cvae.kernels.Tensor;
import cvae.kernels.reference.ReferenceBackend.HeapIndices;
import cvae.kernels.reference.ReferenceBackend.HeapTensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The CPU backend: Vector API kernels on all cores (or {@code threads} of them).
 *
 * <p>Each hot loop is the llama3.java triad: a vector body up to
 * {@code SPECIES.loopBound(n)}, then a scalar or masked tail. Results do not depend on
 * the thread count: work is split into disjoint outputs, and every sum runs in a fixed
 * order on one thread.
 */
public final class CpuBackend implements Backend {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Element-wise work below this size is not worth waking the other threads. */
    private static final int PARALLEL_MIN = 1 << 15;

    /** Products below this many flops run on one thread: waking the others costs more. */
    private static final long GEMM_PARALLEL_MIN_FLOP = 1L << 20;

    private final ParallelFor pool;
    /** Packing space of each task of a product (task i runs on thread i, see ParallelFor). */
    private final Gemm.Scratch[] scratch;
    private float[] blend = new float[0];
    /** The nonzero columns of a product's A (see Gemm.nonzeroColumns). */
    private int[] kept = new int[0];
    private float[] columnMax = new float[0];

    public CpuBackend(int threads) {
        this.pool = new ParallelFor(threads);
        this.scratch = new Gemm.Scratch[threads];
        for (int i = 0; i < threads; i++) scratch[i] = new Gemm.Scratch();
    }

    public CpuBackend() { this(Runtime.getRuntime().availableProcessors()); }

    public int threads() { return pool.threads(); }

    @Override public String name() { return "cpu"; }

    @Override public String describe() {
        // the GEMM micro-kernel's shape too: it explains a machine's speed (Gemm.HALVES), and run.json records it
        String kernel = (Gemm.HALVES ? "2 x 4" : String.valueOf(Gemm.MR)) + "x" + Gemm.NR;
        return "cpu: Vector API " + S.vectorBitSize() + "-bit (" + L + " floats), GEMM micro-kernel " + kernel + ", "
                + threads() + " thread(s)";
    }

    private static float[] d(Tensor t) { return ((HeapTensor) t).data; }

    @Override public HeapTensor tensor(int rows, int cols) { return new HeapTensor(rows, cols); }

    /** Keeps {@code data} itself: the dataset is then held once, not twice (about 220 MB for MNIST). */
    @Override public HeapTensor tensorOf(float[] data, int rows, int cols) {
        return HeapTensor.wrap(data, rows, cols);
    }

    @Override public void upload(Tensor dst, float[] src) { System.arraycopy(src, 0, d(dst), 0, (int) dst.size()); }

    @Override public void download(float[] dst, Tensor src) { System.arraycopy(d(src), 0, dst, 0, (int) src.size()); }

    @Override public void fill(Tensor t, float value) { java.util.Arrays.fill(d(t), 0, (int) t.size(), value); }

    @Override public IndexBuffer indices(int[] values) { return new HeapIndices(values); }

    // ---- data movement --------------------------------------------------------------

    @Override public void gatherRows(Tensor out, Tensor src, IndexBuffer idx, int offset) {
        int c = out.cols();
        if (src.cols() != c) throw new IllegalArgumentException("gather " + src + " into " + out);
        gather.set(d(src), d(out), ((HeapIndices) idx).values, offset, c);
        byRows(out.rows(), out.size(), gather);
    }

    private final Gather gather = new Gather();

    private static final class Gather extends Body {
        float[] s, o;
        int[] ix;
        int offset, c;

        void set(float[] s, float[] o, int[] ix, int offset, int c) { this.s = s; this.o = o; this.ix = ix; this.offset = offset; this.c = c; }

        @Override void run(int r0, int r1) {
            for (int r = r0; r < r1; r++) System.arraycopy(s, ix[offset + r] * c, o, r * c, c);
        }
    }

    @Override public void concatColumns(Tensor out, Tensor a, Tensor b) {
        int ca = a.cols(), cb = b.cols(), co = out.cols();
        if (ca + cb != co || a.rows() != out.rows() || b.rows() != out.rows())
            throw new IllegalArgumentException("concat " + a + " + " + b + " into " + out);
        concat.o = d(out); concat.x = d(a); concat.y = d(b); concat.ca = ca; concat.cb = cb; concat.co = co;
        byRows(out.rows(), out.size(), concat);
    }

    private final Concat concat = new Concat();

    private static final class Concat extends Body {
        float[] o, x, y;
        int ca, cb, co;

        @Override void run(int r0, int r1) {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(x, r * ca, o, r * co, ca);
                System.arraycopy(y, r * cb, o, r * co + ca, cb);
            }
        }
    }

    @Override public void sliceColumns(Tensor out, Tensor in, int col0) {
        int ci = in.cols(), co = out.cols();
        if (col0 + co > ci || in.rows() != out.rows()) throw new IllegalArgumentException("slice " + in + " to " + out);
        for (int r = 0; r < out.rows(); r++) System.arraycopy(d(in), r * ci + col0, d(out), r * co, co);
    }

    // ---- linear algebra ---------------------------------------------------------------

    @Override public void gemm(Tensor c, boolean transA, Tensor a, boolean transB, Tensor b, float alpha, float beta) {
        int m = c.rows(), n = c.cols(), k = checkGemm(c, transA, a, transB, b);
        final float[] A = d(a), B = d(b), C = d(c);
        final int lda = a.cols(), ldb = b.cols();
        if (alpha == 1f && beta == 0f) { product(transA, A, lda, transB, B, ldb, C, m, n, k, null); return; }
        // general alpha, beta (the model never asks for them): the product into scratch, then combine
        if (blend.length < m * n) blend = new float[m * n];
        float[] p = blend;
        product(transA, A, lda, transB, B, ldb, p, m, n, k, null);
        for (int i = 0; i < m * n; i++) C[i] = beta == 0f ? alpha * p[i] : alpha * p[i] + beta * C[i];
    }

    /** Checks the shapes of C = op(A)·op(B) and returns K. */
    private static int checkGemm(Tensor c, boolean transA, Tensor a, boolean transB, Tensor b) {
        int m = c.rows(), n = c.cols(), k = transA ? a.rows() : a.cols();
        if ((transA ? a.cols() : a.rows()) != m || (transB ? b.cols() : b.rows()) != k || (transB ? b.rows() : b.cols()) != n)
            throw new IllegalArgumentException("gemm shapes: C " + c + ", A " + a + (transA ? "ᵀ" : "") + ", B " + b + (transB ? "ᵀ" : ""));
        return k;
    }

    /**
     * C (m×n, overwritten) = op(A)·op(B), split between the threads; with an epilogue,
     * each finished block of C goes to it instead (see Gemm.Epilogue).
     */
    private void product(boolean transA, float[] A, int lda, boolean transB, float[] B, int ldb, float[] C, int m, int n, int k,
                         Gemm.Epilogue ep) {
        product(transA, A, lda, transB, B, ldb, C, m, n, k, ep, null);
    }

    /**
     * {@link #product}; with {@code after} (a weight gradient: transA, not transB, K ≤ KC),
     * split by chunks of C's rows, each handed to after when done (see Gemm.productRowChunks).
     */
    private void product(boolean transA, float[] A, int lda, boolean transB, float[] B, int ldb, float[] C, int m, int n, int k,
                         Gemm.Epilogue ep, Gemm.AfterBlock after) {
        int t = pool.threads();
        boolean large = 2L * m * n * k >= GEMM_PARALLEL_MIN_FLOP, parallel = t > 1 && large;
        if (!transA && transB && ep == null && m <= 2 * Gemm.NR && n >= 4 * Gemm.NR && k >= 8 * Gemm.NR) {   // see Gemm.productShortNT
            int chunks = (n + Gemm.SHORT_NT_ROWS - 1) / Gemm.SHORT_NT_ROWS, parts = parallel ? Math.min(t, chunks) : 1;
            boolean offer = offering && large && chunks >= 2;
            if (parts == 1 && !offer) { Gemm.productShortNT(A, lda, B, ldb, C, n, m, n, k, null, false, scratch[0]); return; }
            ShortNT sn = shortNT;
            sn.A = A; sn.lda = lda; sn.B = B; sn.ldb = ldb; sn.C = C; sn.m = m; sn.n = n; sn.k = k;
            claims.reset(1, chunks);
            if (offer) runOffered(sn);
            else pool.run(parts, sn);
            sn.A = sn.B = sn.C = null;
            return;
        }
        // the columns of the stored A (k, or with transA the rows of C) that are all zero are skipped (see Gemm)
        int aCols = transA ? m : k, nKept = aCols;
        if (large) {
            if (kept.length < aCols) { kept = new int[aCols]; columnMax = new float[aCols]; }
            // gives up (-1) once fewer than an eighth of the columns can be zero: the dense path
            nKept = Gemm.nonzeroColumns(A, transA ? k : m, aCols, lda, columnMax, kept, Math.max(1, aCols / 8));
            if (nKept < 0) nKept = aCols;
        }
        int[] ks = nKept <= aCols - Math.max(1, aCols / 8) ? kept : null;   // too few zeros: the dense path
        int rows = transA && ks != null ? nKept : m;            // rows of C computed (with transA: kept ones)
        if (after != null) {                                    // see Gemm.productRowChunks
            after.start(ks, nKept, m);
            int chunks = (rows + Gemm.ROW_CHUNK - 1) / Gemm.ROW_CHUNK;
            boolean offer = offering && large && chunks >= 2;
            if (!offer && (!parallel || chunks < 2)) {
                Gemm.productRowChunks(A, lda, B, ldb, C, n, rows, n, k, ks, null, false, after, scratch[0]);
                return;
            }
            RowChunks rc = rowChunks;
            rc.A = A; rc.lda = lda; rc.B = B; rc.ldb = ldb; rc.C = C; rc.rows = rows; rc.n = n; rc.k = k; rc.ks = ks; rc.after = after;
            claims.reset(1, chunks);
            if (offer) runOffered(rc);
            else pool.run(Math.min(t, chunks), rc);
            rc.A = rc.B = rc.C = null; rc.ks = null; rc.after = null;
            return;
        }
        int colPanels = (n + Gemm.NR - 1) / Gemm.NR, rowPanels = (rows + Gemm.MR - 1) / Gemm.MR;
        boolean offer = offering && large && colPanels >= 2;
        if (!offer && (!parallel || Math.max(colPanels, rowPanels) < 2)) {
            productPart(transA, A, lda, transB, B, ldb, C, m, n, k, 0, rows, 0, n, ks, nKept, ep, null, true, scratch[0]);
            return;
        }
        ProductSplit p = productSplit;
        p.transA = transA; p.A = A; p.lda = lda; p.transB = transB; p.B = B; p.ldb = ldb; p.C = C;
        p.m = m; p.n = n; p.k = k; p.rows = rows; p.ks = ks; p.nKept = nKept; p.ep = ep;
        // split the columns (each thread packs its own B panels), or, for few columns and
        // many rows (weight gradients of narrow layers), the rows
        p.byColumns = offer || colPanels >= 2 * t || colPanels >= rowPanels;
        p.panels = p.byColumns ? colPanels : rowPanels;
        p.tasks = Math.min(t, p.panels);
        if (p.byColumns) claims.reset((rows + Gemm.MC - 1) / Gemm.MC, colPanels);
        if (offer) runOffered(p);
        else pool.run(p.tasks, p);
        p.A = p.B = p.C = null;
        p.ep = null;
    }

    private final RowChunks rowChunks = new RowChunks();

    /** Task i of Gemm.productRowChunks: chunks of C's rows claimed as it gets to them (task 0 from the front). */
    private final class RowChunks implements Shared {
        float[] A, B, C;
        int lda, ldb, rows, n, k;
        int[] ks;
        Gemm.AfterBlock after;

        @Override public void accept(int i) { Gemm.productRowChunks(A, lda, B, ldb, C, n, rows, n, k, ks, claims, i != 0, after, scratch[i]); }

        @Override public void join(Gemm.Scratch s) { Gemm.productRowChunks(A, lda, B, ldb, C, n, rows, n, k, ks, claims, true, after, s); }
    }

    /** A product split by claims (task 0 from the front), which a thread can join with its own packing space. */
    private interface Shared extends IntConsumer {
        /** Takes a share from the back, as a task other than 0, with packing space {@code s}. */
        void join(Gemm.Scratch s);
    }

    /** Task 0 of a product split by claims on this lane's thread, the rest offered to the other lane (see help). */
    private void runOffered(Shared task) {
        offers++;
        offer = task;
        try {
            task.accept(0);
        } finally {
            offer = null;
            while (helpers.get() != 0) Thread.onSpinWait();
        }
    }

    /**
     * Set on a lane while it runs its part of {@link #concurrently}: its products of a
     * million flops or more are then split by claims (by columns, or for a weight gradient
     * with Adam by rows), and offered to the other lane, which joins once it has finished
     * its own part (see {@link #help}).
     */
    private boolean offering;
    /**
     * The product this lane is running and offering (null: none), how many offers it has made
     * (the same object serves every product of a kind), and how many lanes have joined it.
     */
    private volatile Shared offer;
    private volatile long offers;
    private final java.util.concurrent.atomic.AtomicInteger helpers = new java.util.concurrent.atomic.AtomicInteger();
    /** How many of the other lane's offers this lane has joined (seen by tests). */
    int joined;

    /**
     * Called by a lane that has finished its part of {@link #concurrently}: until the other
     * lane ({@code other}) has finished its part too, joins each product that it offers, once,
     * with this lane's packing space. Why: the two parts of a pair are rarely of one length,
     * and the longer one's weight gradient and Adam step (a decoder layer's: half a
     * millisecond at batch 64) can take a second thread where it would otherwise wait.
     * The bits do not change: each share is summed the same on either thread.
     *
     * <p>The handshake: a helper counts itself in, then checks that the offer still stands;
     * the offering lane withdraws it, then waits until no helper is counted. So a helper
     * either sees the offer withdrawn and leaves, or is waited for. A helper that comes when
     * every share is taken packs nothing (the products pack once they have claimed a share).
     */
    private void help(CpuBackend other, Pair pair, int part) {
        long done = -1;                                    // the last offer joined
        while (!pair.done(part)) {
            Shared t = other.offer;
            long n = other.offers;
            if (t == null || n == done) { Thread.onSpinWait(); continue; }
            other.helpers.incrementAndGet();
            try {
                if (other.offer == t && other.offers == n) {
                    t.join(scratch[0]);
                    joined++;
                    done = n;
                }
            } finally {
                other.helpers.decrementAndGet();
            }
        }
    }

    private final ShortNT shortNT = new ShortNT();

    /** Task i of Gemm.productShortNT: chunks of C's columns claimed as it gets to them (task 0 from the front). */
    private final class ShortNT implements Shared {
        float[] A, B, C;
        int lda, ldb, m, n, k;

        @Override public void accept(int i) { Gemm.productShortNT(A, lda, B, ldb, C, n, m, n, k, claims, i != 0, scratch[i]); }

        @Override public void join(Gemm.Scratch s) { Gemm.productShortNT(A, lda, B, ldb, C, n, m, n, k, claims, true, s); }
    }

    private final ProductSplit productSplit = new ProductSplit();
    private final Gemm.Claims claims = new Gemm.Claims();

    /** Task i of a product split between the threads: its share of C's column or row panels. */
    private final class ProductSplit implements Shared {
        boolean transA, transB, byColumns;
        float[] A, B, C;
        int lda, ldb, m, n, k, rows, nKept, panels, tasks;
        int[] ks;
        Gemm.Epilogue ep;

        @Override public void accept(int i) {
            if (byColumns) {                // every thread takes column panels as it gets to them (see Gemm.Claims)
                productPart(transA, A, lda, transB, B, ldb, C, m, n, k, 0, rows, 0, n, ks, nKept, ep, claims, i == 0, scratch[i]);
                return;
            }
            int from = (int) ((long) panels * i / tasks), to = (int) ((long) panels * (i + 1) / tasks);
            int i0 = from * Gemm.MR, i1 = Math.min(rows, to * Gemm.MR);
            if (i0 < i1) productPart(transA, A, lda, transB, B, ldb, C, m, n, k, i0, i1, 0, n, ks, nKept, ep, null, true, scratch[i]);
        }

        /** (Offered only split by columns, see product.) */
        @Override public void join(Gemm.Scratch s) {
            productPart(transA, A, lda, transB, B, ldb, C, m, n, k, 0, rows, 0, n, ks, nKept, ep, claims, false, s);
        }
    }

    /**
     * Rows [i0, i1) (with transA and kept columns: positions in {@code ks}) and columns
     * [j0, j1) of the product (with {@code claims}, the column panels this thread claims:
     * the {@code first} thread from the front, the others from the back). With transA and
     * kept columns, the {@code first} thread also zeroes, in columns
     * [j0, j1), the rows of C that are not kept and lie with its positions: the rows
     * between ks[q-1] and ks[q] go with q, those after the last kept row with the last part
     * (or, with an epilogue, hands it those rows as zeros).
     */
    private static void productPart(boolean transA, float[] A, int lda, boolean transB, float[] B, int ldb, float[] C,
                                    int m, int n, int k, int i0, int i1, int j0, int j1, int[] ks, int nKept,
                                    Gemm.Epilogue ep, Gemm.Claims claims, boolean first, Gemm.Scratch s) {
        if (transA && ks != null && first) {
            // the skipped rows between kept ones: rows (ks[q-1], ks[q]) belong to the part holding q
            int from = i0 == 0 ? 0 : ks[i0 - 1] + 1, to = i1 == nKept ? m : ks[i1 - 1] + 1;
            for (int q = i0, row = from; row < to; row++) {
                if (q < i1 && ks[q] == row) { q++; continue; }
                if (ep != null) ep.zeroRow(row, j0, j1);
                else java.util.Arrays.fill(C, row * n + j0, row * n + j1, 0f);
            }
        }
        Gemm.product(transA, A, lda, transB, B, ldb, C, n, i0, i1, j0, j1, k, ks, nKept, ep, claims, !first, s);
    }

    /** The product with the bias and the activation applied to each block of y while it is in L1. */
    @Override public void linearForward(Tensor y, Tensor x, Tensor w, Tensor bias, Activation act) {
        int m = y.rows(), n = y.cols(), k = checkGemm(y, false, x, false, w);
        if (bias.size() != n) throw new IllegalArgumentException("bias " + bias + " for " + y);
        BiasActivation e = biasActivation;
        e.y = d(y); e.b = d(bias); e.ld = n; e.act = act;
        product(false, d(x), x.cols(), false, d(w), w.cols(), e.y, m, n, k, e);
        e.y = e.b = null;
    }

    private final BiasActivation biasActivation = new BiasActivation();

    /** y = act(sum + bias), with the float operations of addBias, then reluForward or sigmoidForward. */
    private static final class BiasActivation extends Gemm.Epilogue {
        float[] y, b;
        int ld;
        Activation act;

        // one loop per activation, each with its vector math written out: a vector returned
        // from a switch or passed to a helper was boxed, 12 bytes per element
        @Override void row(float[] sum, int s0, int row, int j, int nj) {
            int o = row * ld + j;
            switch (act) {
                case NONE -> none(sum, s0, o, j, nj);
                case RELU -> relu(sum, s0, o, j, nj);
                case SIGMOID -> sigmoid(sum, s0, o, j, nj);
            }
        }

        /**
         * A whole block of two vectors a row at once, for NONE and RELU (the sigmoid's exp
         * outweighs the per-row costs that this saves): the bias loaded once per block,
         * and no loop or mask per row. The same arithmetic as {@link #row}, so the same bits.
         */
        @Override void block(float[] t, int[] rows, int i, int mi, int j, int nj) {
            if (nj != Gemm.NR || act == Activation.SIGMOID) { super.block(t, rows, i, mi, j, nj); return; }
            FloatVector b0 = FloatVector.fromArray(S, b, j), b1 = FloatVector.fromArray(S, b, j + L);
            if (act == Activation.RELU)
                for (int r = 0; r < mi; r++) {
                    int o = rows[i + r] * ld + j;
                    FloatVector.fromArray(S, t, r * Gemm.NR).add(b0).max(0f).intoArray(y, o);
                    FloatVector.fromArray(S, t, r * Gemm.NR + L).add(b1).max(0f).intoArray(y, o + L);
                }
            else
                for (int r = 0; r < mi; r++) {
                    int o = rows[i + r] * ld + j;
                    FloatVector.fromArray(S, t, r * Gemm.NR).add(b0).intoArray(y, o);
                    FloatVector.fromArray(S, t, r * Gemm.NR + L).add(b1).intoArray(y, o + L);
                }
        }

        private void none(float[] sum, int s0, int o, int j, int nj) {
            int jj = 0;
            for (; jj + L <= nj; jj += L)
                FloatVector.fromArray(S, sum, s0 + jj).add(FloatVector.fromArray(S, b, j + jj)).intoArray(y, o + jj);
            if (jj < nj) {
                VectorMask<Float> m = S.indexInRange(jj, nj);
                FloatVector.fromArray(S, sum, s0 + jj).add(FloatVector.fromArray(S, b, j + jj, m)).intoArray(y, o + jj, m);
            }
        }

        private void relu(float[] sum, int s0, int o, int j, int nj) {
            int jj = 0;
            for (; jj + L <= nj; jj += L)
                FloatVector.fromArray(S, sum, s0 + jj).add(FloatVector.fromArray(S, b, j + jj)).max(0f).intoArray(y, o + jj);
            if (jj < nj) {
                VectorMask<Float> m = S.indexInRange(jj, nj);
                FloatVector.fromArray(S, sum, s0 + jj).add(FloatVector.fromArray(S, b, j + jj, m)).max(0f).intoArray(y, o + jj, m);
            }
        }

        private void sigmoid(float[] sum, int s0, int o, int j, int nj) {
            int jj = 0;
            for (; jj + L <= nj; jj += L) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, sum, s0 + jj).add(FloatVector.fromArray(S, b, j + jj)).neg());
                FloatVector.broadcast(S, 1f).div(e.add(1f)).intoArray(y, o + jj);
            }
            // the tail one value at a time, as sigmoidForward's is (VectorMath.exp gives the
            // vector's bits): a second, masked copy of the vector exp was boxed
            for (; jj < nj; jj++) y[o + jj] = 1f / (1f + VectorMath.exp(-(sum[s0 + jj] + b[j + jj])));
        }
    }

    @Override public void addBias(Tensor y, Tensor bias) {
        int c = y.cols();
        if (bias.size() != c) throw new IllegalArgumentException("bias " + bias + " for " + y);
        addBias.y = d(y); addBias.b = d(bias); addBias.c = c;
        byRows(y.rows(), y.size(), addBias);
    }

    private final AddBias addBias = new AddBias();

    private static final class AddBias extends Body {
        float[] y, b;
        int c;

        @Override void run(int r0, int r1) {
            int ub = S.loopBound(c);
            for (int r = r0; r < r1; r++) {
                int o = r * c, j = 0;
                for (; j < ub; j += L)
                    FloatVector.fromArray(S, y, o + j).add(FloatVector.fromArray(S, b, j)).intoArray(y, o + j);
                for (; j < c; j++) y[o + j] += b[j];
            }
        }
    }

    @Override public void biasBackward(Tensor dBias, Tensor dY) {
        int c = dY.cols(), rows = dY.rows();
        biasGrad.g = d(dY); biasGrad.d = d(dBias); biasGrad.c = c; biasGrad.rows = rows;
        // split by columns (whole vectors): each sum still runs over the rows in order on one
        // thread; below 64 K elements one thread is as fast (64×784: 3.6 µs, against 2.7 µs on two)
        int t = dY.size() < 2 * PARALLEL_MIN ? 1 : Math.min(pool.threads(), (c + L - 1) / L);
        if (t == 1) biasGrad.run(0, c);
        else runSplit(biasGrad, c, t, true);
    }

    private final BiasGrad biasGrad = new BiasGrad();

    /**
     * Column sums over [j0, j1), four vectors of columns at a time, each summed over the rows
     * in order in a register and stored once: the same additions in the same order as
     * {@code d[j] += g[r, j]} row after row, without storing d 64 times. (That version, split
     * between two threads, was slower than one: the cache line holding both threads' first
     * and last columns went back and forth on every row.)
     */
    private static final class BiasGrad extends Body {
        float[] g, d;
        int c, rows;

        @Override void run(int j0, int j1) {
            int j = j0;
            for (; j + 4 * L <= j1; j += 4 * L) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int r = 0, o = j; r < rows; r++, o += c) {
                    a0 = a0.add(FloatVector.fromArray(S, g, o));
                    a1 = a1.add(FloatVector.fromArray(S, g, o + L));
                    a2 = a2.add(FloatVector.fromArray(S, g, o + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(S, g, o + 3 * L));
                }
                a0.intoArray(d, j);
                a1.intoArray(d, j + L);
                a2.intoArray(d, j + 2 * L);
                a3.intoArray(d, j + 3 * L);
            }
            for (; j + L <= j1; j += L) {
                FloatVector a = FloatVector.zero(S);
                for (int r = 0, o = j; r < rows; r++, o += c) a = a.add(FloatVector.fromArray(S, g, o));
                a.intoArray(d, j);
            }
            for (; j < j1; j++) {
                float a = 0f;
                for (int r = 0, o = j; r < rows; r++, o += c) a += g[o];
                d[j] = a;
            }
        }
    }

    /** Runs body over row ranges [r0, r1), split between the threads when the tensor is large. */
    private void byRows(int rows, long size, Body body) {
        int t = pool.threads();
        if (size < PARALLEL_MIN || t == 1 || rows < 2) { body.run(0, rows); return; }
        runSplit(body, rows, Math.min(t, rows), false);
    }

    /**
     * The body of a parallel op over a range [from, to) (rows, columns or elements).
     * Each op keeps one instance and sets its operands before it dispatches: a lambda
     * capturing them would be a new object on every call, about 2.4 KB of garbage per
     * training step at 2 threads (the worker thread reads it, so it escapes).
     */
    private abstract static class Body {
        abstract void run(int from, int to);
    }

    /** Task i of [0, n) split into {@code tasks} ranges, with inner bounds on whole vectors when {@code aligned}. */
    private static final class Split implements IntConsumer {
        Body body;
        int n, tasks;
        boolean aligned;

        @Override public void accept(int i) {
            int from = (int) ((long) n * i / tasks), to = (int) ((long) n * (i + 1) / tasks);
            if (aligned) { from = from / L * L; to = i == tasks - 1 ? n : to / L * L; }
            body.run(from, to);
        }
    }

    private final Split split = new Split();

    private void runSplit(Body body, int n, int tasks, boolean aligned) {
        split.body = body; split.n = n; split.tasks = tasks; split.aligned = aligned;
        pool.run(tasks, split);
        split.body = null;
    }

    // ---- activations ------------------------------------------------------------------

    /** Runs body over [0, n) in chunks of whole vectors, in parallel when n is large. */
    private void elementwise(long size, Body body) {
        int n = Math.toIntExact(size);
        if (n < PARALLEL_MIN || pool.threads() == 1) { body.run(0, n); return; }
        runSplit(body, n, pool.threads(), true);
    }

    @Override public void reluForward(Tensor y, Tensor x) {
        relu.x = d(x); relu.y = d(y);
        elementwise(x.size(), relu);
    }

    private final Relu relu = new Relu();

    private static final class Relu extends Body {
        float[] x, y;

        @Override void run(int from, int to) {
            int i = from, ub = from + S.loopBound(to - from);
            for (; i < ub; i += L) FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
            for (; i < to; i++) y[i] = Math.max(x[i], 0f);
        }
    }

    @Override public void reluBackward(Tensor dX, Tensor dY, Tensor y) {
        reluGrad.g = d(dY); reluGrad.y = d(y); reluGrad.d = d(dX);
        elementwise(dY.size(), reluGrad);
    }

    private final ReluGrad reluGrad = new ReluGrad();

    private static final class ReluGrad extends Body {
        float[] g, y, d;

        @Override void run(int from, int to) {
            int i = from, ub = from + S.loopBound(to - from);
            for (; i < ub; i += L) {
                VectorMask<Float> on = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
                FloatVector.fromArray(S, g, i).blend(0f, on.not()).intoArray(d, i);
            }
            for (; i < to; i++) d[i] = y[i] > 0f ? g[i] : 0f;
        }
    }

    @Override public void sigmoidForward(Tensor y, Tensor x) {
        sigmoid.x = d(x); sigmoid.y = d(y);
        elementwise(x.size(), sigmoid);
    }

    private final Sigmoid sigmoid = new Sigmoid();

    private static final class Sigmoid extends Body {
        float[] x, y;

        @Override void run(int from, int to) {
            int i = from, ub = from + S.loopBound(to - from);
            for (; i < ub; i += L) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, i).neg());
                FloatVector.broadcast(S, 1f).div(e.add(1f)).intoArray(y, i);
            }
            for (; i < to; i++) y[i] = 1f / (1f + VectorMath.exp(-x[i]));
        }
    }

    @Override public void sigmoidBackward(Tensor dX, Tensor dY, Tensor y) {
        sigmoidGrad.g = d(dY); sigmoidGrad.y = d(y); sigmoidGrad.d = d(dX);
        elementwise(dY.size(), sigmoidGrad);
    }

    private final SigmoidGrad sigmoidGrad = new SigmoidGrad();

    private static final class SigmoidGrad extends Body {
        float[] g, y, d;

        @Override void run(int from, int to) {
            int i = from, ub = from + S.loopBound(to - from);
            for (; i < ub; i += L) {
                FloatVector s = FloatVector.fromArray(S, y, i);
                FloatVector v = FloatVector.fromArray(S, g, i).mul(s).mul(s.neg().add(1f));
                v.blend(0f, v.abs().lt(Float.MIN_NORMAL)).intoArray(d, i);      // no subnormals (see Backend)
            }
            for (; i < to; i++) {
                float v = g[i] * y[i] * (1f - y[i]);
                d[i] = Math.abs(v) < Float.MIN_NORMAL ? 0f : v;
            }
        }
    }

    // ---- the CVAE's own ops (B × latent; the reparameterisation one masked vector pass per row) --

    @Override public void reparamForward(Tensor z, Tensor h, Tensor eps) {
        int l = z.cols();
        float[] Z = d(z), H = d(h), E = d(eps);
        for (int r = 0; r < z.rows(); r++)
            for (int j = 0; j < l; j += L) {
                VectorMask<Float> m = S.indexInRange(j, l);
                int hm = r * 2 * l + j, o = r * l + j;
                FloatVector sigma = VectorMath.exp(FloatVector.fromArray(S, H, hm + l, m));
                FloatVector.fromArray(S, H, hm, m).add(sigma.mul(FloatVector.fromArray(S, E, o, m))).intoArray(Z, o, m);
            }
    }

    @Override public void reparamBackward(Tensor dH, Tensor dZ, Tensor h, Tensor eps) {
        int l = dZ.cols();
        float[] D = d(dH), G = d(dZ), H = d(h), E = d(eps);
        for (int r = 0; r < dZ.rows(); r++)
            for (int j = 0; j < l; j += L) {
                VectorMask<Float> m = S.indexInRange(j, l);
                int hm = r * 2 * l + j, o = r * l + j;
                FloatVector g = FloatVector.fromArray(S, G, o, m);
                g.intoArray(D, hm, m);
                FloatVector sigma = VectorMath.exp(FloatVector.fromArray(S, H, hm + l, m));
                g.mul(sigma).mul(FloatVector.fromArray(S, E, o, m)).intoArray(D, hm + l, m);
            }
    }

    @Override public void mseForwardBackward(Tensor dXhat, Tensor xhat, Tensor x, Tensor acc, int accIndex) {
        mse(dXhat, xhat, x, acc, accIndex, false);
    }

    /** Both in one pass over the rows: the sigmoid's derivative applied to each gradient as it is made. */
    @Override public void mseSigmoidBackward(Tensor dXhat, Tensor xhat, Tensor x, Tensor acc, int accIndex) {
        mse(dXhat, xhat, x, acc, accIndex, true);
    }

    private void mse(Tensor dXhat, Tensor xhat, Tensor x, Tensor acc, int accIndex, boolean sigmoid) {
        int rows = x.rows(), cols = x.cols();
        mse.sigmoid = sigmoid;
        if (mse.sums.length < rows) mse.sums = new double[rows];
        mse.xhat = d(xhat); mse.x = d(x); mse.d = d(dXhat); mse.cols = cols;
        mse.scale = (float) (2.0 / x.size());
        byRows(rows, x.size(), mse);
        double total = 0;
        for (int r = 0; r < rows; r++) total += mse.sums[r];   // in row order, whatever the split
        d(acc)[accIndex] += (float) (total / cols);
    }

    private final Mse mse = new Mse();

    /** Per row: the gradient, and the row's summed squared error into {@code sums}. */
    private static final class Mse extends Body {
        float[] xhat, x, d;
        double[] sums = new double[0];
        int cols;
        float scale;
        boolean sigmoid;

        @Override void run(int r0, int r1) {
            if (sigmoid) { runSigmoid(r0, r1); return; }
            int ub = S.loopBound(cols);
            for (int r = r0; r < r1; r++) {
                int o = r * cols, j = 0;
                FloatVector s = FloatVector.zero(S);
                for (; j < ub; j += L) {
                    FloatVector e = FloatVector.fromArray(S, xhat, o + j).sub(FloatVector.fromArray(S, x, o + j));
                    s = e.fma(e, s);
                    e.mul(scale).intoArray(d, o + j);
                }
                double rowSum = Gemm.sum(s);
                for (; j < cols; j++) {
                    float e = xhat[o + j] - x[o + j];
                    rowSum += e * e;
                    d[o + j] = e * scale;
                }
                sums[r] = rowSum;
            }
        }

        /**
         * {@link #run} with SigmoidGrad's arithmetic applied to each gradient before it is
         * stored (a copy, not a shared helper: a vector passed to one that C2 did not inline
         * was boxed).
         */
        private void runSigmoid(int r0, int r1) {
            int ub = S.loopBound(cols);
            for (int r = r0; r < r1; r++) {
                int o = r * cols, j = 0;
                FloatVector s = FloatVector.zero(S);
                for (; j < ub; j += L) {
                    FloatVector y = FloatVector.fromArray(S, xhat, o + j);
                    FloatVector e = y.sub(FloatVector.fromArray(S, x, o + j));
                    s = e.fma(e, s);
                    FloatVector v = e.mul(scale).mul(y).mul(y.neg().add(1f));
                    v.blend(0f, v.abs().lt(Float.MIN_NORMAL)).intoArray(d, o + j);   // no subnormals (see Backend)
                }
                double rowSum = Gemm.sum(s);
                for (; j < cols; j++) {
                    float y = xhat[o + j], e = y - x[o + j];
                    rowSum += e * e;
                    float v = e * scale * y * (1f - y);
                    d[o + j] = Math.abs(v) < Float.MIN_NORMAL ? 0f : v;
                }
                sums[r] = rowSum;
            }
        }
    }

    @Override public void klForwardBackward(Tensor dHq, Tensor dHp, Tensor hq, Tensor hp, float weight, Tensor acc, int accIndex) {
        int l = hq.cols() / 2, b = hq.rows();
        Kl k = kl;
        if (k.terms.length < b * l) k.terms = new double[b * l];
        k.q = d(hq); k.p = d(hp); k.dq = d(dHq); k.dp = d(dHp); k.l = l; k.scale = weight / b;
        // two exps per element (about 40 ns): split by rows once there are a few hundred
        if (b * l < 256 || pool.threads() == 1) k.run(0, b);
        else runSplit(k, b, Math.min(pool.threads(), b), false);
        // the loss in the order of a single loop over (row, latent): each term stored, summed here
        double total = 0;
        double[] t = k.terms;
        for (int e = 0; e < b * l; e++) total += t[e];
        d(acc)[accIndex] += (float) total;
        k.q = k.p = k.dq = k.dp = null;
    }

    private final Kl kl = new Kl();

    /**
     * The two-Gaussian KL of rows [r0, r1): gradients in place, each element's loss term
     * into {@code terms}. Scalar: B × latent is small, and a vector version (masked, two
     * exps) fell out of C2 (uncommon trap, then the boxing fallback) and allocated on every step.
     */
    private static final class Kl extends Body {
        float[] q, p, dq, dp;
        double[] terms = new double[0];
        int l;
        float scale;

        @Override void run(int r0, int r1) {
            float[] Q = q, P = p, DQ = dq, DP = dp;
            double[] T = terms;
            for (int r = r0; r < r1; r++)
                for (int j = 0; j < l; j++) {
                    int im = r * 2 * l + j, is = im + l;
                    float mu = Q[im], ls = Q[is], pm = P[im], pls = P[is];
                    float var = (float) Math.exp(2 * ls), pinv = (float) Math.exp(-2 * pls), diff = mu - pm;
                    T[r * l + j] = pls - ls + 0.5 * (var + diff * diff) * pinv - 0.5;
                    DQ[im] += scale * diff * pinv;
                    DQ[is] += scale * (var * pinv - 1f);
                    DP[im] = -scale * diff * pinv;
                    DP[is] = scale * (1f - (var + diff * diff) * pinv);
                }
        }
    }

    @Override public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float bc1, float bc2) {
        sameShape(param, grad, m, v);
        elementwise(param.size(), adam(param, grad, m, v, lr, beta1, beta2, eps, bc1, bc2));
    }

    private static void sameShape(Tensor param, Tensor grad, Tensor m, Tensor v) {
        sameShape(param, grad);
        sameShape(param, m);
        sameShape(param, v);
    }

    private static void sameShape(Tensor param, Tensor t) {
        if (t.rows() != param.rows() || t.cols() != param.cols())
            throw new IllegalArgumentException("Adam: " + t + " does not match the parameter " + param);
    }

    private Adam adam(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float bc1, float bc2) {
        Adam a = adam;
        a.p = d(param); a.g = d(grad); a.m = d(m); a.v = d(v);
        a.beta1 = beta1; a.beta2 = beta2; a.eps = eps;
        a.b1c = 1 - beta1; a.b2c = 1 - beta2; a.step = lr / bc1; a.ibc2 = 1f / bc2;
        int n = Math.toIntExact(param.size());
        a.vectorEnd = n - n % L;
        return a;
    }

    /**
     * The weight gradient {@code dW = xᵀ·dY} and Adam's update of {@code w} with it, in one
     * parallel task: the threads claim chunks of dW's rows (Gemm.productRowChunks), and
     * each updates a chunk's rows of w as soon as it has summed their gradient, without
     * waiting for the other threads. The same floats as {@code gemm} then {@code adamStep}:
     * the product's sums are the same, and every element gets the same Adam arithmetic
     * (see Adam.vectorEnd).
     *
     * <p>Why: as two ops, Adam read back 1.6 MB of gradient that the two cores had written
     * in column halves, half of each thread's share in the other core's cache, after a
     * barrier. Here a chunk's gradient (32 rows, 100 KB) is still in the core's own cache,
     * and w, m and v are read in one run of whole rows, which the prefetchers follow.
     * Two ways that lost: Adam on each 8 × 32 block from the product's L1 tile (w, m and
     * v read in 128-byte pieces of rows 2–3 KB apart; session 5, cpu-history.md), and Adam
     * on the rows of each thread's column panels (runs of 1–1.5 KB; session 7).
     * With K > KC (batches above 192), or with too few rows for two chunks (the decoder's
     * first layer, 30 rows, whose product splits its columns instead), the two ops run as
     * before.
     */
    @Override public void weightGradAdam(Tensor dW, Tensor x, Tensor dY, Tensor w, Tensor m, Tensor v,
                                         float lr, float beta1, float beta2, float eps, float bc1, float bc2) {
        sameShape(w, dW, m, v);
        int k = checkGemm(dW, true, x, false, dY);
        if (k > Gemm.KC || pool.threads() > 1 && dW.rows() < 2 * Gemm.ROW_CHUNK) {   // see above; too few rows to share
            gemm(dW, true, x, false, dY, 1f, 0f);
            adamStep(w, dW, m, v, lr, beta1, beta2, eps, bc1, bc2);
            return;
        }
        AdamAfter after = adamAfter;
        after.adam = adam(w, dW, m, v, lr, beta1, beta2, eps, bc1, bc2);
        after.c = d(dW);
        after.n = dW.cols();
        product(true, d(x), x.cols(), false, d(dY), dY.cols(), after.c, dW.rows(), dW.cols(), k, null, after);
        after.adam = null; after.c = null; after.ks = null;
    }

    private final AdamAfter adamAfter = new AdamAfter();

    /**
     * Adam over a finished chunk of the weight gradient's rows. With kept rows (the product
     * skipped the rows of dW that are zero, see Gemm.product), it first writes the zeros of
     * the skipped rows that go with the chunk, which their Adam step reads.
     */
    private static final class AdamAfter extends Gemm.AfterBlock {
        Adam adam;
        float[] c;
        int[] ks;                 // kept rows of C (null: every row computed)
        int nKept, m, n;

        @Override void start(int[] kept, int nKept, int m) { this.ks = kept; this.nKept = nKept; this.m = m; }

        @Override void rows(int p0, int p1) {
            int r0 = p0, r1 = p1;
            if (ks != null) {     // the skipped rows before a kept one go with it, those after the last with the last
                r0 = p0 == 0 ? 0 : ks[p0 - 1] + 1;
                r1 = p1 == nKept ? m : ks[p1 - 1] + 1;
                for (int row = r0, q = p0; row < r1; row++)
                    if (q < p1 && ks[q] == row) q++;
                    else java.util.Arrays.fill(c, row * n, row * n + n, 0f);
            }
            adam.segment(r0 * n, r1 * n);
        }
    }

    private final Adam adam = new Adam();

    private static final class Adam extends Body {
        float[] p, g, m, v;
        float beta1, beta2, eps, b1c, b2c, step, ibc2;
        /**
         * The elements below this index are those that {@link #run} over the whole array
         * updates with vectors, the others (its tail) with scalars; and the two round
         * g² · (1 − b2) differently (g·g first, or (1 − b2)·g first). Any other split of
         * the array keeps each element's arithmetic by this index.
         */
        int vectorEnd;

        @Override void run(int from, int to) { segment(from, to); }

        /** The elements [from, to), from any position. */
        void segment(int from, int to) {
            float[] P = p, G = g, M = m, V = v;
            float beta1 = this.beta1, beta2 = this.beta2, eps = this.eps, b1c = this.b1c, b2c = this.b2c, step = this.step, ibc2 = this.ibc2;
            int i = from, ub = from + S.loopBound(Math.min(to, vectorEnd) - from);
            for (; i < ub; i += L) {
                FloatVector g = FloatVector.fromArray(S, G, i);
                FloatVector mm = FloatVector.fromArray(S, M, i).mul(beta1).add(g.mul(b1c));
                FloatVector vv = FloatVector.fromArray(S, V, i).mul(beta2).add(g.mul(g).mul(b2c));
                // flush subnormal moments to zero (see Backend.adamStep)
                mm = mm.blend(0f, mm.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
                vv = vv.blend(0f, vv.compare(VectorOperators.LT, Float.MIN_NORMAL));
                mm.intoArray(M, i);
                vv.intoArray(V, i);
                FloatVector denom = vv.mul(ibc2).sqrt().add(eps);
                FloatVector.fromArray(S, P, i).sub(mm.mul(step).div(denom)).intoArray(P, i);
            }
            for (; i < to; i++) {
                float mi = beta1 * M[i] + b1c * G[i], vi = beta2 * V[i] + (i < vectorEnd ? G[i] * G[i] * b2c : b2c * G[i] * G[i]);
                M[i] = Math.abs(mi) < Float.MIN_NORMAL ? 0f : mi;
                V[i] = vi < Float.MIN_NORMAL ? 0f : vi;
                P[i] -= step * M[i] / ((float) Math.sqrt(V[i] * ibc2) + eps);
            }
        }
    }

    @Override public void randomNormal(Tensor out, long seed, long stream) {
        int n = Math.toIntExact(out.size());
        if (n < 512) { Philox.normals(d(out), 0, n, seed, stream); return; }   // log, sin, cos: ~40 ns a normal
        normals.out = d(out); normals.seed = seed; normals.stream = stream;
        runSplit(normals, n, pool.threads(), false);
    }

    private final Normals normals = new Normals();

    private static final class Normals extends Body {
        float[] out;
        long seed, stream;

        @Override void run(int from, int to) { Philox.normals(out, from, to, seed, stream); }
    }

    /**
     * Each part on one thread, the first on the caller's: on a one-thread backend of its
     * own ({@link #lanes}), so that each op has packing space and op state to itself. The
     * thread that finishes its part first joins the other's products (see {@link #help}).
     * With the step's backward arranged for it (Cvae.step), 2–6 % less time a step at
     * batch 64 and 3–5 % at batch 1024 (two builds in one process, cpu-history.md, session 10).
     */
    @Override public void concurrently(Consumer<Backend> first, Consumer<Backend> second) {
        if (pool.threads() == 1) {
            first.accept(this);
            second.accept(this);
            return;
        }
        CpuBackend[] l = lanes();
        Pair p = pair;
        p.first = first; p.second = second; p.lanes = l;
        p.done0 = p.done1 = false;
        pool.run(2, p);
        p.first = p.second = null;
    }

    /** One single-threaded backend per part of {@link #concurrently}, made on first use. */
    private CpuBackend[] lanes;

    CpuBackend[] lanes() {
        if (lanes == null) lanes = new CpuBackend[]{new CpuBackend(1), new CpuBackend(1)};
        return lanes;
    }

    private final Pair pair = new Pair();

    private static final class Pair implements IntConsumer {
        Consumer<Backend> first, second;
        CpuBackend[] lanes;
        volatile boolean done0, done1;

        boolean done(int part) { return part == 0 ? done0 : done1; }

        /** Part i on lane i, then helping the other lane until it is done too (see help). */
        @Override public void accept(int i) {
            CpuBackend lane = lanes[i];
            lane.offering = true;
            try {
                (i == 0 ? first : second).accept(lane);
            } finally {
                lane.offering = false;
                if (i == 0) done0 = true;
                else done1 = true;
            }
            lane.help(lanes[1 - i], this, 1 - i);
        }
    }

    @Override public void close() {
        pool.close();
        if (lanes != null) for (CpuBackend l : lanes) l.close();
    }
}
