package cvae.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision {@code C = op(A) · op(B)} with the Vector API, the
 * GotoBLAS way: both operands are copied ("packed") into contiguous panels, and one
 * register-blocked micro-kernel does all the arithmetic.
 *
 * <ul>
 * <li>A panel: {@link #MR} = 8 rows of op(A), stored k-major ({@code pa[p·8 + r]}), so
 * the 8 values the kernel broadcasts at one k are adjacent;
 * <li>B panel: {@link #NR} = 2 vectors of columns of op(B), stored k-major
 * ({@code pb[p·NR + c]}), so the kernel loads two whole vectors per k;
 * <li>micro-kernel: an 8 × NR block of C in 16 vector accumulators across a K block:
 * per k, 2 loads, 8 broadcasts, 16 FMAs; with 256-bit vectors (16 registers), two 4-row
 * halves of it one after the other ({@link #HALVES}).
 * </ul>
 *
 * <p>Why pack: the weights are read with row strides of 2–3 KiB, which map a B panel onto
 * a handful of L1 sets (512 floats = 2 KiB = 32 lines: every row lands in the same 2 of
 * 64 sets) and defeat the hardware prefetcher; the packed panel of a K block (at most
 * {@link #KC} × NR floats, 24 KiB) stays in L1 while the kernel sweeps all row panels
 * over it (reading the weights in place instead was no faster in an interleaved JMH A/B
 * at batch 64, two threads). Packing also absorbs the transposes, so every layout a
 * training step uses (NN forward, TN weight gradient, NT input gradient) runs the same
 * kernel. Two kinds of product, where a packed operand would not be reused, read A's
 * rows in place instead ({@link #kernelInPlace}): narrow ones ({@link #productNarrow})
 * and an input gradient at a batch of 64 or less ({@link #productShortNT}). A weight
 * gradient whose Adam step follows at once is split by rows ({@link #productRowChunks}).
 *
 * <p>Loop order ({@link #product}): per MC block of rows, A packed for every K block,
 * then each column panel through all K blocks in turn, so that its block of C stays in
 * L1 from one K block to the next.
 *
 * <p>Determinism: every element of C is, for each K block in order, one FMA chain over
 * the block's k in order from zero, added to the sum of the blocks before it. The K
 * blocks depend only on K ({@link #kBlock}), never on the thread split, so results do
 * not depend on the thread count.
 */
final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** The 8 floats of one k of an A panel, one vector (256-bit) on any x86 with AVX. */
    static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    /** Rows of the micro-kernel's C block. */
    static final int MR = 8;
    /**
     * Whether an 8 × NR block is computed as two 4 × NR halves (same packed panels, one
     * half after the other). With 256-bit vectors (AVX2: 16 registers) the full block's 16
     * accumulators, two B vectors and a broadcast do not fit, C2 spills, and the 8-row
     * kernel ran at 52 % of one core's FMA peak on L1-resident panels (AMD EPYC, Zen 3,
     * session 14); two 4-row passes ran at 91–95 %. Every element of C is the same FMA chain
     * either way, so the bits are the same. With 512-bit vectors (32 registers) the 8-row
     * kernel stays: the constant folds, and C2 never parses the other branch.
     */
    static final boolean HALVES = S.vectorBitSize() < 512;
    /** Columns of the micro-kernel's C block: two vectors. */
    static final int NR = 2 * L;
    /**
     * Largest K block: its B panel (KC × NR floats, 24 KiB) and one A panel (6 KiB) stay
     * in a 48 KiB L1. JMH on this repository's machine, enc1 forward, one thread: 128,
     * 192, 256, 384 within noise of each other, 192 best in two rounds of two.
     */
    static final int KC = 192;
    /** Rows of op(A) packed at once; a batch of up to MC rows packs each B panel once. */
    static final int MC = 256;
    /** The rows of the L1 tile. */
    private static final int[] EIGHT = {0, 1, 2, 3, 4, 5, 6, 7};

    private Gemm() {}

    /** Per-thread packing space, reused from call to call (no allocation once warm). */
    static final class Scratch {
        float[] a = new float[0], b = new float[0];
        final float[] tile = new float[MR * NR];

        private final int[] strided = new int[MR];
        private int stride = -1;

        /** Per row panel of the packed A: the positions of its nonzero k (see packA), and how many. */
        int[] slots = new int[0], panelLen = new int[0];

        float[] a(int n) { if (a.length < n) a = new float[n]; return a; }

        void slots(int panels, int kc) {
            if (slots.length < panels * kc) slots = new int[panels * kc];
            if (panelLen.length < panels) panelLen = new int[panels];
        }

        float[] b(int n) { if (b.length < n) b = new float[n]; return b; }

        private float[] ct = new float[0];

        /** Room for a transposed product (see productShortNT). */
        float[] ct(int n) { if (ct.length < n) ct = new float[n]; return ct; }

        private float[][] panels = new float[0][];

        /** {@code count} arrays of at least {@code size} floats: every B panel of a product (see productRowChunks). */
        float[][] panels(int count, int size) {
            if (panels.length < count) panels = java.util.Arrays.copyOf(panels, count);
            for (int i = 0; i < count; i++) if (panels[i] == null || panels[i].length < size) panels[i] = new float[size];
            return panels;
        }

        /** Room for {@code n} panel lengths (see packA), keeping the slots. */
        void panelLens(int n) { if (panelLen.length < n) panelLen = new int[n]; }

        private int[] kStarts = new int[0];

        /** Room for the positions where a product's K blocks start (see product). */
        int[] kStarts(int n) { if (kStarts.length < n) kStarts = new int[n]; return kStarts; }

        private int[] identity = new int[0];

        /** {0, 1, …, n-1} (and beyond): the k of a product that skips none. */
        int[] identity(int n) {
            if (identity.length < n) {
                identity = new int[n];
                for (int i = 0; i < n; i++) identity[i] = i;
            }
            return identity;
        }

        /** The gather offsets {0, ld, …, 7·ld} of 8 rows with leading dimension ld. */
        int[] strided(int ld) {
            if (stride != ld) {
                for (int r = 0; r < strided.length; r++) strided[r] = r * ld;
                stride = ld;
            }
            return strided;
        }
    }

    /**
     * Rows [i0, i1) and columns [j0, j1) of C (ldc) = op(A) · op(B), overwritten,
     * where op(A) is M×K (A stored K×M when {@code transA}, else M×K; leading dimension
     * lda) and op(B) is K×N (B stored N×K when {@code transB}, else K×N; ldb).
     */
    static void product(boolean transA, float[] a, int lda, boolean transB, float[] b, int ldb,
                        float[] c, int ldc, int i0, int i1, int j0, int j1, int k, Scratch s) {
        product(transA, a, lda, transB, b, ldb, c, ldc, i0, i1, j0, j1, k, null, 0, s);
    }

    /**
     * {@link #product} that skips the columns of the stored A that are all zero, listed
     * by {@link #nonzeroColumns} ({@code kept}, {@code nKept} of them; null: none skipped).
     *
     * <p>Without {@code transA} those are values of k: only the kept k are packed and
     * multiplied. With {@code transA} they are rows of op(A), hence of C: this call then
     * computes the C rows {@code kept[q]} for q in [i0, i1) (positions in the list) and the
     * caller writes the others, which are zero.
     *
     * <p>Why: a batch of MNIST digits leaves about a third of the 784 pixels zero in all
     * 64 images (the border), and the encoder's forward product and weight gradient read
     * those columns. The result is the same to the bit: a skipped term adds
     * 0·w = ±0 to a sum that starts from +0, which leaves every sum as it was (finite w).
     * The K blocks are still cut at the same positions of the full K.
     */
    static void product(boolean transA, float[] a, int lda, boolean transB, float[] b, int ldb,
                        float[] c, int ldc, int i0, int i1, int j0, int j1, int k,
                        int[] kept, int nKept, Scratch s) {
        product(transA, a, lda, transB, b, ldb, c, ldc, i0, i1, j0, j1, k, kept, nKept, null, s);
    }

    /**
     * What happens to a block of C once its sum is complete, instead of storing it: a
     * fused bias and activation.
     * {@link #row} gets C's row {@code row}, columns [j, j + nj) (nj at most NR), as the
     * floats {@code sum[s0 .. s0 + nj)}; it may read past nj up to NR (the tile's padding).
     *
     * <p>Why here: applied while the block is in L1, a fused step saves the separate pass
     * over C. Each block's sum
     * is the same float as the one {@link #product} would have stored, so the fused result
     * is the unfused one to the bit.
     */
    abstract static class Epilogue {
        abstract void row(float[] sum, int s0, int row, int j, int nj);

        /**
         * {@link #row} for each row r &lt; mi of the L1 tile (NR floats a row), which is C's
         * row {@code rows[i + r]}. Why a call per block: per row, the call, the dispatch on
         * the activation and the bounds checks of a two-vector loop cost more than its
         * arithmetic (a third of the decoder's first, K = 30, forward product); an
         * override can do a whole block at once.
         */
        void block(float[] tile, int[] rows, int i, int mi, int j, int nj) {
            for (int r = 0; r < mi; r++) row(tile, r * NR, rows[i + r], j, nj);
        }

        /** {@link #row} for a row of C that is zero (every term skipped), over columns [j0, j1). */
        final void zeroRow(int row, int j0, int j1) {
            for (int j = j0; j < j1; j += NR) row(ZEROS, 0, row, j, Math.min(NR, j1 - j));
        }
    }

    private static final float[] ZEROS = new float[NR];

    /**
     * {@link #product} that hands each finished block of C to {@code ep} instead of
     * storing it (null: stores). With several K blocks, C still holds the partial sums
     * of all blocks but the last.
     */
    static void product(boolean transA, float[] a, int lda, boolean transB, float[] b, int ldb,
                        float[] c, int ldc, int i0, int i1, int j0, int j1, int k,
                        int[] kept, int nKept, Epilogue ep, Scratch s) {
        product(transA, a, lda, transB, b, ldb, c, ldc, i0, i1, j0, j1, k, kept, nKept, ep, null, false, s);
    }

    /**
     * Column panels handed out on demand to the threads sharing a product, one counter per
     * MC block of rows: {@link #next} returns 0, 1, 2, … across all callers.
     *
     * <p>Why: with the columns split in fixed halves, the thread that started later or ran
     * slower (the worker took 10–25 % longer on the same share, and started microseconds
     * after the caller) left the other spinning: 0.2–0.5 ms of a 2.5 ms step at batch 64.
     * A thread sums a panel it claims over every K block in order, so the bits do not
     * depend on which thread took which panel.
     */
    static final class Claims {
        /** Per MC block: the next panel from the front (low 32 bits) and the end of the unclaimed ones (high 32 bits). */
        private java.util.concurrent.atomic.AtomicLongArray next = new java.util.concurrent.atomic.AtomicLongArray(0);

        /** Resets the counters for a product of {@code mcBlocks} MC blocks of {@code panels} column panels (before the threads start). */
        void reset(int mcBlocks, int panels) {
            if (next.length() < mcBlocks) next = new java.util.concurrent.atomic.AtomicLongArray(mcBlocks);
            for (int i = 0; i < mcBlocks; i++) next.set(i, (long) panels << 32);
        }

        /**
         * Claims a panel of MC block {@code mcBlock}: the first unclaimed one, or with
         * {@code fromBack} the last; -1 when none is left. Thread 0 claims from the front and
         * the others from the back, so that the threads' panels meet at one boundary: panels
         * handed out alternately put two cores' writes into the cache lines at every
         * panel's edge (C's rows do not start on a line), which made the products slower
         * than the fixed halves.
         */
        int next(int mcBlock, boolean fromBack) {
            while (true) {
                long v = next.get(mcBlock);
                int front = (int) v, end = (int) (v >>> 32);
                if (front >= end) return -1;
                long claimed = fromBack ? ((long) (end - 1) << 32) | front : ((long) end << 32) | (front + 1);
                if (next.compareAndSet(mcBlock, v, claimed)) return fromBack ? end - 1 : front;
            }
        }
    }

    /**
     * {@link #product} over columns [j0, j1); with {@code claims}, only the column panels
     * this thread claims (see {@link Claims}), the other threads calling it with the same
     * arguments and counters.
     */
    static void product(boolean transA, float[] a, int lda, boolean transB, float[] b, int ldb,
                        float[] c, int ldc, int i0, int i1, int j0, int j1, int k,
                        int[] kept, int nKept, Epilogue ep, Claims claims, boolean fromBack, Scratch s) {
        if (!transA && kept == null && claims == null && j1 - j0 <= 2 * NR) {
            productNarrow(a, lda, transB, b, ldb, c, ldc, i0, i1, j0, j1, k, ep, s);
            return;
        }
        boolean skipK = kept != null && !transA;
        int[] identity = s.identity(Math.max(k, i1 + MR));
        int[] ks = skipK ? kept : identity, rows = kept != null && transA ? kept : null;
        int[] rowOf = rows != null ? rows : identity;     // row i of the computed part is C's row rowOf[i]
        int kLen = skipK ? nKept : k;
        int blocks = Math.max(1, (k + KC - 1) / KC);
        int lastBlock = 0;                                 // the last K block that keeps a k (for ep)
        if (kLen > 0) while (lastBlock + 1 < blocks && ks[kLen - 1] >= kBlock(k, blocks, lastBlock + 1)) lastBlock++;
        int[] qs = s.kStarts(blocks + 1);                  // K block kb keeps the k ks[qs[kb] .. qs[kb + 1])
        for (int kb = 0, q = 0; kb < blocks; kb++) {
            qs[kb] = q;
            int p1 = kBlock(k, blocks, kb + 1);
            while (q < kLen && ks[q] < p1) q++;
        }
        qs[blocks] = kLen;
        for (int mc = i0, mcIndex = 0; mc < i1; mc += MC, mcIndex++) {
            int mEnd = Math.min(i1, mc + MC), rowPanels = (mEnd - mc + MR - 1) / MR;
            if (kLen == 0) {                               // every k skipped: C is zero (one thread writes it)
                if (claims == null || !fromBack)
                    for (int i = mc; i < mEnd; i++)
                        if (ep != null) ep.zeroRow(rowOf[i], j0, j1);
                        else java.util.Arrays.fill(c, rowOf[i] * ldc + j0, rowOf[i] * ldc + j1, 0f);
                continue;
            }
            // A packed for every K block first, block after block; then each column panel
            // through all K blocks, so that its block of C stays in L1 between them. With
            // claims, A is packed once a first panel is claimed: a thread that claims none packs nothing
            int q = claims == null ? 0 : claims.next(mcIndex, fromBack);
            if (q < 0) continue;
            float[] pa = s.a(rowPanels * MR * kLen);
            s.slots(rowPanels, kLen);
            s.panelLens(blocks * rowPanels);
            for (int kb = 0; kb < blocks; kb++)
                if (qs[kb + 1] > qs[kb])
                    packA(transA, a, lda, mc, mEnd, ks, qs[kb], qs[kb + 1], rows, pa, rowPanels * MR * qs[kb], rowPanels * qs[kb], kb * rowPanels, s);
            if (claims == null)
                for (int j = j0; j < j1; j += NR)
                    columnPanel(transB, b, ldb, ks, qs, blocks, lastBlock, pa, c, ldc, rowOf, mc, mEnd, rowPanels, j, j1, ep, s);
            else
                for (; q >= 0; q = claims.next(mcIndex, fromBack))
                    columnPanel(transB, b, ldb, ks, qs, blocks, lastBlock, pa, c, ldc, rowOf, mc, mEnd, rowPanels, j0 + q * NR, j1, ep, s);
        }
    }

    /**
     * One column panel [j, j + NR) of C over every K block in order: for each, B packed, then
     * every row panel of the MC block, whose A panels {@code pa} holds for all K blocks.
     *
     * <p>Why the K blocks inside the panel: with the K blocks outside (every panel over one
     * K block, then the next block), each later block added its sums into C's blocks after
     * all the other panels had passed, from L2 or L3 (at batch 1024, 800 KB of C per MC
     * block). In-process A/B, alternating (results/benchmarks, session 7): two threads,
     * batch 1024, 8–14 % faster on the three layouts; batch 64, the forward 5 % faster.
     */
    private static void columnPanel(boolean transB, float[] b, int ldb, int[] ks, int[] qs, int blocks, int lastBlock,
                                    float[] pa, float[] c, int ldc, int[] rowOf, int mc, int mEnd, int rowPanels, int j, int j1,
                                    Epilogue ep, Scratch s) {
        int nj = Math.min(NR, j1 - j);
        boolean written = false;
        for (int kb = 0; kb < blocks; kb++) {
            int q0 = qs[kb], q1 = qs[kb + 1], kc = q1 - q0;
            if (kc == 0) continue;                         // nothing kept: the block adds zero
            float[] pb = s.b(kc * NR);
            packB(transB, b, ldb, ks, q0, q1, j, j + nj, pb, s);
            boolean add = written, last = ep != null && kb == lastBlock;
            int aBase = rowPanels * MR * q0, sBase = rowPanels * q0;
            for (int rp = 0; rp < rowPanels; rp++) {
                int i = mc + rp * MR, mi = Math.min(MR, mEnd - i), a0 = aBase + rp * MR * kc, s0 = sBase + rp * kc;
                int len = s.panelLen[kb * rowPanels + rp];
                int[] sl = len < kc ? s.slots : null;  // a sparse panel: only its listed k (see packA)
                if (last) finish(pa, a0, pb, kc, sl, s0, len, c, ldc, rowOf, i, j, mi, nj, add, s.tile, ep);
                else if (mi == MR && nj == NR && !add && sl == null) kernel(pa, a0, pb, kc, c, rowOf, i, j, ldc);
                else if (mi == MR && nj == NR && !add) kernelSlots(pa, a0, pb, sl, s0, len, c, rowOf, i, j, ldc);
                else viaTile(pa, a0, pb, kc, sl, s0, len, c, ldc, rowOf, i, j, mi, nj, add, s.tile);
            }
            written = true;
        }
    }

    /**
     * {@link #product} for at most two column panels, A not transposed and no k skipped:
     * A's rows are read where they are, not packed. Why: packing A transposes it (one
     * 8-float gather per k and 8 rows), a cost that the 16–25 column panels of a wide
     * product share but that a narrow one pays alone: NN 64×32×512 took 42 µs on one
     * thread, of which the FMAs need about 16. The narrow products are the 40-wide
     * outputs of the encoder and the prior and the decoder's 30-wide input gradient.
     * The same sums in the same order as {@link #product}: per K block one FMA chain from
     * zero, added to C's partial sums in K-block order.
     */
    private static void productNarrow(float[] a, int lda, boolean transB, float[] b, int ldb, float[] c, int ldc,
                                      int i0, int i1, int j0, int j1, int k, Epilogue ep, Scratch s) {
        int[] identity = s.identity(Math.max(k, i1 + MR));
        int blocks = Math.max(1, (k + KC - 1) / KC);
        for (int j = j0; j < j1; j += NR) {
            int nj = Math.min(NR, j1 - j);
            for (int kb = 0; kb < blocks; kb++) {
                int p0 = kBlock(k, blocks, kb), p1 = kBlock(k, blocks, kb + 1), kc = p1 - p0;
                float[] pb = s.b(kc * NR);
                packB(transB, b, ldb, identity, p0, p1, j, j + nj, pb, s);
                boolean add = kb > 0, last = ep != null && kb == blocks - 1;
                for (int i = i0; i < i1; i += MR) {
                    int mi = Math.min(MR, i1 - i);
                    if (mi == MR && nj == NR && !add && !last) {
                        kernelInPlace(a, i * lda + p0, lda, MR, pb, 0, kc, c, i * ldc + j, ldc);
                        continue;
                    }
                    if (nj <= L) kernelNarrowInPlace(a, i * lda + p0, lda, mi, pb, 0, kc, s.tile, 0, NR);
                    else kernelInPlace(a, i * lda + p0, lda, mi, pb, 0, kc, s.tile, 0, NR);
                    if (last) fromTileFinish(c, ldc, identity, i, j, mi, nj, add, s.tile, ep);
                    else fromTile(c, ldc, identity, i, j, mi, nj, add, s.tile);
                }
            }
        }
    }

    /**
     * C (m×n, leading dimension ldc) = A · Bᵀ for a short A (m ≤ 2·NR rows: a batch of 64),
     * A stored m×k and B stored n×k, both rows in k. Computed as Cᵀ = B · Aᵀ the way
     * {@link #productNarrow} computes a narrow product (B's rows read in place, Aᵀ packed
     * once per thread: m ≤ 2·NR is two column panels), chunks of {@link #SHORT_NT_ROWS}
     * rows of Cᵀ at a time into a per-thread Cᵀ, each then copied into C's columns. With
     * {@code claims}, the chunks are claimed (see {@link Claims}; {@code fromBack} for all
     * threads but the first); without, this call does them all.
     *
     * <p>Why: the direct way packs Bᵀ in k-major panels, one 8-float gather per k and 8 of
     * B's rows: for the decoder's input gradient (B the 512×784 weights) 50,000 gathers from
     * rows 3 KB apart, a sixth of the product's time. This way gathers only A (64×784, an
     * eighth of that) and reads the weights in rows. The same bits: each element is the
     * same FMA chain per K block (fma(b, a, acc) and fma(a, b, acc) round the same exact
     * product), and the K blocks' partial sums are added in the same order; the copy is
     * exact.
     */
    static void productShortNT(float[] a, int lda, float[] b, int ldb, float[] c, int ldc, int m, int n, int k,
                               Claims claims, boolean fromBack, Scratch s) {
        int[] identity = s.identity(Math.max(k, n + MR));
        int blocks = Math.max(1, (k + KC - 1) / KC), m0 = Math.min(m, NR);
        int chunks = (n + SHORT_NT_ROWS - 1) / SHORT_NT_ROWS;
        int first = claims == null ? 0 : claims.next(0, fromBack);
        if (first < 0 || first >= chunks) return;          // nothing claimed: nothing packed
        // Aᵀ's two column panels, every k: packed once, shared by all the rows this thread takes
        float[] pb0 = s.b(k * NR), pb1 = m > NR ? s.a(k * NR) : null;
        packB(true, a, lda, identity, 0, k, 0, m0, pb0, s);
        if (pb1 != null) packB(true, a, lda, identity, 0, k, NR, m, pb1, s);
        float[] ct = s.ct(n * m);
        int[] rowsAt = s.strided(m);   // the 8 values of one row of C are 8 rows of Cᵀ, m apart
        for (int q = first; q >= 0 && q < chunks; q = claims == null ? q + 1 : claims.next(0, fromBack)) {
            int r0 = q * SHORT_NT_ROWS, r1 = Math.min(n, r0 + SHORT_NT_ROWS);
            for (int jp = 0; jp * NR < m; jp++) {
                float[] pb = jp == 0 ? pb0 : pb1;
                int j = jp * NR, nj = Math.min(NR, m - j);
                for (int kb = 0; kb < blocks; kb++) {
                    int p0 = kBlock(k, blocks, kb), kc = kBlock(k, blocks, kb + 1) - p0;
                    boolean add = kb > 0;
                    for (int i = r0; i < r1; i += MR) {
                        int mi = Math.min(MR, r1 - i);
                        if (mi == MR && nj == NR && !add) {
                            kernelInPlace(b, i * ldb + p0, ldb, MR, pb, p0 * NR, kc, ct, i * m + j, m);
                            continue;
                        }
                        if (nj <= L) kernelNarrowInPlace(b, i * ldb + p0, ldb, mi, pb, p0 * NR, kc, s.tile, 0, NR);
                        else kernelInPlace(b, i * ldb + p0, ldb, mi, pb, p0 * NR, kc, s.tile, 0, NR);
                        fromTile(ct, m, identity, i, j, mi, nj, add, s.tile);
                    }
                }
            }
            int r = r0;
            for (; r + MR <= r1; r += MR)
                for (int i = 0; i < m; i++) FloatVector.fromArray(S8, ct, r * m + i, rowsAt, 0).intoArray(c, i * ldc + r);
            for (; r < r1; r++)
                for (int i = 0; i < m; i++) c[i * ldc + r] = ct[r * m + i];
        }
    }

    /** What a thread does with each chunk of C's rows it has finished in {@link #productRowChunks}. */
    abstract static class AfterBlock {
        /** Before the product: C has m rows, of which those listed in kept[0 .. nKept) are computed (kept null: all). */
        void start(int[] kept, int nKept, int m) {}

        /** The rows at positions [p0, p1) (rows of C, or the kept rows' positions) are summed. */
        abstract void rows(int p0, int p1);
    }

    /** Rows of C per claimed chunk of {@link #productRowChunks}: 4 row panels. */
    static final int ROW_CHUNK = 4 * MR;

    /**
     * A weight gradient C = Aᵀ·B (A stored K×M, B K×N, K ≤ {@link #KC}) split by chunks of
     * {@link #ROW_CHUNK} of C's rows, claimed from both ends (task 0 from the front, see
     * {@link Claims}), each chunk handed to {@code after} once summed. Every B panel is packed
     * once per thread (K ≤ KC: 64 × 784 floats at batch 64, which L2 holds) and serves all the
     * chunks the thread takes. With {@code kept} (not null), the rows computed are
     * C's rows {@code kept[0 .. rows)}, as in {@link #product}.
     *
     * <p>Why rows: a chunk's rows of C are one run of memory, so that what comes after (Adam's
     * update of those rows of the weights) streams. The sums are those of {@link #product}:
     * one K block, the same packed A with the same sparse slots, the same kernels.
     */
    static void productRowChunks(float[] a, int lda, float[] b, int ldb, float[] c, int ldc, int rows, int n, int k,
                                 int[] kept, Claims claims, boolean fromBack, AfterBlock after, Scratch s) {
        if (k > KC) throw new IllegalArgumentException("productRowChunks: K " + k + " > " + KC);
        int[] identity = s.identity(Math.max(k, rows + MR));
        int[] rowOf = kept != null ? kept : identity;
        if (rows == 0) {                                   // no row kept: after still gets the (empty) chunk once
            if (claims == null || !fromBack) after.rows(0, 0);
            return;
        }
        int panels = (n + NR - 1) / NR, chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK;
        float[][] pbs = null;                              // packed at the first chunk claimed: a thread that claims none packs nothing
        for (int ch = claims == null ? 0 : claims.next(0, fromBack); ch >= 0 && ch < chunks;
             ch = claims == null ? ch + 1 : claims.next(0, fromBack)) {
            if (pbs == null) {
                pbs = s.panels(panels, k * NR);
                for (int q = 0; q < panels; q++) packB(false, b, ldb, identity, 0, k, q * NR, Math.min(n, q * NR + NR), pbs[q], s);
            }
            int p0 = ch * ROW_CHUNK, p1 = Math.min(rows, p0 + ROW_CHUNK), rowPanels = (p1 - p0 + MR - 1) / MR;
            float[] pa = s.a(rowPanels * MR * k);
            packA(true, a, lda, p0, p1, identity, 0, k, kept, pa, s);
            for (int q = 0; q < panels; q++) {
                int j = q * NR, nj = Math.min(NR, n - j);
                float[] pb = pbs[q];
                for (int rp = 0; rp < rowPanels; rp++) {
                    int i = p0 + rp * MR, mi = Math.min(MR, p1 - i), a0 = rp * MR * k, len = s.panelLen[rp];
                    int[] sl = len < k ? s.slots : null;   // a sparse panel: only its listed k (see packA)
                    if (mi == MR && nj == NR && sl == null) kernel(pa, a0, pb, k, c, rowOf, i, j, ldc);
                    else if (mi == MR && nj == NR) kernelSlots(pa, a0, pb, sl, rp * k, len, c, rowOf, i, j, ldc);
                    else viaTile(pa, a0, pb, k, sl, rp * k, len, c, ldc, rowOf, i, j, mi, nj, false, s.tile);
                }
            }
            after.rows(p0, p1);
        }
    }

    /** Rows of Cᵀ (columns of C) per claimed chunk of {@link #productShortNT}: 4 row panels. */
    static final int SHORT_NT_ROWS = 4 * MR;

    /**
     * {@link #kernel} with A read in place: row r of the block is A's row at
     * {@code a0 + r·lda} (k from there on); rows from {@code mi} on repeat row mi − 1 (a
     * partial panel: computed, never stored by the caller). C's rows are consecutive from
     * {@code ci} (leading dimension ldc).
     */
    static void kernelInPlace(float[] a, int a0, int lda, int mi, float[] pb, int b0, int kc, float[] c, int ci, int ldc) {
        int o0 = a0, o1 = a0 + Math.min(1, mi - 1) * lda, o2 = a0 + Math.min(2, mi - 1) * lda, o3 = a0 + Math.min(3, mi - 1) * lda;
        int o4 = a0 + Math.min(4, mi - 1) * lda, o5 = a0 + Math.min(5, mi - 1) * lda, o6 = a0 + Math.min(6, mi - 1) * lda;
        int o7 = a0 + Math.min(7, mi - 1) * lda;
        if (HALVES) {
            kernelInPlaceHalf(a, o0, o1, o2, o3, pb, b0, kc, c, ci, ldc);
            kernelInPlaceHalf(a, o4, o5, o6, o7, pb, b0, kc, c, ci + 4 * ldc, ldc);
            return;
        }
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = b0 + p * NR;
            FloatVector y0 = FloatVector.fromArray(S, pb, bp);
            FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[o0 + p]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, a[o1 + p]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, a[o2 + p]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, a[o3 + p]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(S, a[o4 + p]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(S, a[o5 + p]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(S, a[o6 + p]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(S, a[o7 + p]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
        }
        store(c, ci, c00, c01);
        store(c, ci + ldc, c10, c11);
        store(c, ci + 2 * ldc, c20, c21);
        store(c, ci + 3 * ldc, c30, c31);
        store(c, ci + 4 * ldc, c40, c41);
        store(c, ci + 5 * ldc, c50, c51);
        store(c, ci + 6 * ldc, c60, c61);
        store(c, ci + 7 * ldc, c70, c71);
    }

    /** Four rows of {@link #kernelInPlace} (see {@link #HALVES}): A's rows at o0..o3, C's from ci. */
    static void kernelInPlaceHalf(float[] a, int o0, int o1, int o2, int o3, float[] pb, int b0, int kc, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = b0 + p * NR;
            FloatVector y0 = FloatVector.fromArray(S, pb, bp);
            FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[o0 + p]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, a[o1 + p]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, a[o2 + p]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, a[o3 + p]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
        }
        store(c, ci, c00, c01);
        store(c, ci + ldc, c10, c11);
        store(c, ci + 2 * ldc, c20, c21);
        store(c, ci + 3 * ldc, c30, c31);
    }

    /** {@link #kernelInPlace} for a panel of at most L valid columns (see {@link #kernelNarrow}). */
    static void kernelNarrowInPlace(float[] a, int a0, int lda, int mi, float[] pb, int b0, int kc, float[] c, int ci, int ldc) {
        int o0 = a0, o1 = a0 + Math.min(1, mi - 1) * lda, o2 = a0 + Math.min(2, mi - 1) * lda, o3 = a0 + Math.min(3, mi - 1) * lda;
        int o4 = a0 + Math.min(4, mi - 1) * lda, o5 = a0 + Math.min(5, mi - 1) * lda, o6 = a0 + Math.min(6, mi - 1) * lda;
        int o7 = a0 + Math.min(7, mi - 1) * lda;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector y = FloatVector.fromArray(S, pb, b0 + p * NR);
            c0 = FloatVector.broadcast(S, a[o0 + p]).fma(y, c0);
            c1 = FloatVector.broadcast(S, a[o1 + p]).fma(y, c1);
            c2 = FloatVector.broadcast(S, a[o2 + p]).fma(y, c2);
            c3 = FloatVector.broadcast(S, a[o3 + p]).fma(y, c3);
            c4 = FloatVector.broadcast(S, a[o4 + p]).fma(y, c4);
            c5 = FloatVector.broadcast(S, a[o5 + p]).fma(y, c5);
            c6 = FloatVector.broadcast(S, a[o6 + p]).fma(y, c6);
            c7 = FloatVector.broadcast(S, a[o7 + p]).fma(y, c7);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + ldc);
        c2.intoArray(c, ci + 2 * ldc);
        c3.intoArray(c, ci + 3 * ldc);
        c4.intoArray(c, ci + 4 * ldc);
        c5.intoArray(c, ci + 5 * ldc);
        c6.intoArray(c, ci + 6 * ldc);
        c7.intoArray(c, ci + 7 * ldc);
    }

    /** Start of K block {@code kb} of {@code blocks} (even blocks of at most KC). */
    static int kBlock(int k, int blocks, int kb) { return (int) ((long) k * kb / blocks); }

    /**
     * Lists in {@code kept} the columns of the stored {@code rows × cols} matrix
     * (leading dimension ld) that hold anything but zero (NaN counts as nonzero), in
     * order, and returns how many. {@code any} is scratch of at least cols floats.
     */
    static int nonzeroColumns(float[] a, int rows, int cols, int ld, float[] any, int[] kept) {
        return nonzeroColumns(a, rows, cols, ld, any, kept, 0);
    }

    /**
     * {@link #nonzeroColumns}, giving up as soon as fewer than {@code minZeros} columns can
     * still be zero: then it returns -1 and lists nothing (minZeros 0: never gives up).
     * A column found nonzero in some row stays nonzero, so the answer -1 means exactly that
     * the whole matrix has fewer than minZeros zero columns.
     *
     * <p>Why: the caller multiplies densely unless an eighth of the columns are zero, and
     * most products' A (activations after a ReLU, gradients) has hardly a zero column in a
     * batch, which a few rows show: scanning all 64 rows of a 64×512 activation took about
     * 5 µs before each such product, on one thread while the other waited. The rows seen
     * are checked after 1, 2, 4, 8, … rows, so a matrix that is sparse enough costs one
     * full scan plus a count per power of two.
     */
    static int nonzeroColumns(float[] a, int rows, int cols, int ld, float[] any, int[] kept, int minZeros) {
        java.util.Arrays.fill(any, 0, cols, 0f);
        int ub = S.loopBound(cols);
        for (int r = 0, check = 1; r < rows; r++) {
            int o = r * ld, j = 0;
            for (; j < ub; j += L)
                FloatVector.fromArray(S, any, j).max(FloatVector.fromArray(S, a, o + j).abs()).intoArray(any, j);
            for (; j < cols; j++) any[j] = Math.max(any[j], Math.abs(a[o + j]));
            if (minZeros > 0 && r + 1 == check && r + 1 < rows) {
                check *= 2;
                if (zeros(any, cols) < minZeros) return -1;
            }
        }
        int n = 0;
        for (int j = 0; j < cols; j++) if (any[j] != 0f) kept[n++] = j;
        return n;
    }

    /** How many of {@code any[0 .. cols)} are zero (+0 or -0; NaN is not). */
    private static int zeros(float[] any, int cols) {
        int z = 0, j = 0;
        for (int ub = S.loopBound(cols); j < ub; j += L) z += FloatVector.fromArray(S, any, j).eq(0f).trueCount();
        for (; j < cols; j++) if (any[j] == 0f) z++;
        return z;
    }

    /**
     * Packs rows [m0, m1) of op(A) (positions in {@code rows} when it is not null) and
     * the k {@code ks[q0..q1)} as 8-row panels, zero rows past m1.
     *
     * <p>It also lists, per panel, the k at which any of its 8 rows is nonzero
     * ({@code s.slots}, {@code s.panelLen}). Where that drops at least an eighth of them,
     * the panel is compacted to the listed k, and the kernels read B's packed rows through
     * the list. Why: an MNIST digit leaves about 80 % of its pixels zero, and 8 images
     * share far more zeros than a whole batch does (the k of the encoder's forward product:
     * 46 % of 794 kept per panel against 62 % per batch; its weight gradient, whose panels are
     * 8 pixels and whose k are the images: 38 % against 62 %). The same bits, for the reason
     * given at {@link #product}: a dropped term is 0·w for each of the panel's rows.
     */
    static void packA(boolean transA, float[] a, int lda, int m0, int m1, int[] ks, int q0, int q1, int[] rows,
                      float[] pa, Scratch s) {
        s.slots((m1 - m0 + MR - 1) / MR, q1 - q0);
        packA(transA, a, lda, m0, m1, ks, q0, q1, rows, pa, 0, 0, 0, s);
    }

    /**
     * {@link #packA} into {@code pa} from {@code paBase}, its panels' lists of k into
     * {@code s.slots} from {@code slotBase} and their lengths into {@code s.panelLen} from
     * {@code lenBase} (the caller has made room): one K block of several packed side by side.
     */
    static void packA(boolean transA, float[] a, int lda, int m0, int m1, int[] ks, int q0, int q1, int[] rows,
                      float[] pa, int paBase, int slotBase, int lenBase, Scratch s) {
        int kc = q1 - q0;
        int[] rowsAt = s.strided(lda), slots = s.slots;
        for (int i = m0, o = paBase, rp = 0; i < m1; i += MR, o += MR * kc, rp++) {
            int mi = Math.min(MR, m1 - i), n = 0, s0 = slotBase + rp * kc;
            // (one loop per layout: a vector chosen by a conditional expression can be boxed)
            if (mi == MR && transA && rows == null) {  // A is K×M: the 8 values of one k are adjacent
                for (int q = q0, d = o; q < q1; q++, d += MR) {
                    FloatVector v = FloatVector.fromArray(S8, a, ks[q] * lda + i);
                    v.intoArray(pa, d);
                    if (v.compare(VectorOperators.NE, 0f).anyTrue()) slots[s0 + n++] = q - q0;
                }
            } else if (mi == MR && transA) {           // the 8 kept rows of op(A), gathered from one row of A
                for (int q = q0, d = o; q < q1; q++, d += MR) {
                    FloatVector v = FloatVector.fromArray(S8, a, ks[q] * lda, rows, i);
                    v.intoArray(pa, d);
                    if (v.compare(VectorOperators.NE, 0f).anyTrue()) slots[s0 + n++] = q - q0;
                }
            } else if (mi == MR) {                     // A is M×K: gather one value from each of the 8 rows
                for (int q = q0, d = o; q < q1; q++, d += MR) {
                    FloatVector v = FloatVector.fromArray(S8, a, i * lda + ks[q], rowsAt, 0);
                    v.intoArray(pa, d);
                    if (v.compare(VectorOperators.NE, 0f).anyTrue()) slots[s0 + n++] = q - q0;
                }
            } else {                                   // the last, partial panel: zero rows past m1
                for (int q = q0, d = o; q < q1; q++, d += MR) {
                    boolean any = false;
                    for (int r = 0; r < MR; r++) {
                        int row = r < mi ? (rows == null ? i + r : rows[i + r]) : 0;
                        float v = r < mi ? (transA ? a[ks[q] * lda + row] : a[row * lda + ks[q]]) : 0f;
                        pa[d + r] = v;
                        any |= v != 0f || v != v;
                    }
                    if (any) slots[s0 + n++] = q - q0;
                }
            }
            if (n <= kc - Math.max(1, kc / 8)) {       // sparse enough: keep only the listed k, in order
                for (int t = 0; t < n; t++) {
                    int from = o + slots[s0 + t] * MR, to = o + t * MR;
                    if (from != to) FloatVector.fromArray(S8, pa, from).intoArray(pa, to);
                }
                s.panelLen[lenBase + rp] = n;
            } else s.panelLen[lenBase + rp] = kc;
        }
    }

    /** Packs the k {@code ks[q0..q1)} and columns [n0, n1) (at most NR) of op(B), zero columns past n1. */
    static void packB(boolean transB, float[] b, int ldb, int[] ks, int q0, int q1, int n0, int n1, float[] pb, Scratch s) {
        int nj = n1 - n0;
        if (!transB && nj == NR) {           // B is K×N: the panel's rows are contiguous
            for (int q = q0, d = 0; q < q1; q++, d += NR) {
                int o = ks[q] * ldb + n0;
                FloatVector.fromArray(S, b, o).intoArray(pb, d);
                FloatVector.fromArray(S, b, o + L).intoArray(pb, d + L);
            }
        } else if (!transB) {
            VectorMask<Float> m0 = S.indexInRange(0, nj), m1 = S.indexInRange(L, nj);
            for (int q = q0, d = 0; q < q1; q++, d += NR) {
                int o = ks[q] * ldb + n0;
                FloatVector.fromArray(S, b, o, m0).intoArray(pb, d);
                FloatVector.fromArray(S, b, o + L, m1).intoArray(pb, d + L);
            }
        } else {                             // B is N×K: gather a column of 8 rows per 256-bit vector
            int[] rowsAt = s.strided(ldb);   // (512-bit gathers are not intrinsified: they box)
            for (int g = 0; g < NR; g += MR) {
                int r0 = (n0 + g) * ldb;
                if (g + MR <= nj) {
                    for (int q = q0, d = g; q < q1; q++, d += NR) FloatVector.fromArray(S8, b, r0 + ks[q], rowsAt, 0).intoArray(pb, d);
                } else {                     // the columns past n1 are zeros
                    int valid = Math.max(0, nj - g);
                    for (int q = q0, d = g; q < q1; q++, d += NR)
                        for (int col = 0; col < MR; col++) pb[d + col] = col < valid ? b[r0 + col * ldb + ks[q]] : 0f;
                }
            }
        }
    }

    /**
     * An 8 × NR block of C over one K block, from zero accumulators: its row r is C's row
     * {@code rows[ri + r]}, from column j (consecutive rows, or the kept rows of a product
     * that skips zero rows).
     *
     * <p>Kept as small as C2 can compile whole: with 16 more loads (to start from C's
     * partial sums) or alpha/beta in the stores, C2 sometimes stopped inlining at
     * NodeCountInliningCutoff, left the last rows' {@code fma} calls un-intrinsified and
     * boxed two vectors on every k: one run in two trained at a third of the speed
     * (session 4 saw it again: every product with K > 192 5–8× slower). Eight row
     * numbers from an array cost nothing by comparison.
     */
    static void kernel(float[] pa, int a0, float[] pb, int kc, float[] c, int[] rows, int ri, int j, int ldc) {
        if (HALVES) {
            kernelHalf(pa, a0, pb, kc, c, rows, ri, j, ldc);
            kernelHalf(pa, a0 + 4, pb, kc, c, rows, ri + 4, j, ldc);
            return;
        }
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int ap = a0 + p * MR, bp = p * NR;   // one induction variable: the bounds checks hoist
            FloatVector y0 = FloatVector.fromArray(S, pb, bp);
            FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(S, pa[ap + 6]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(S, pa[ap + 7]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
        }
        store(c, rows[ri] * ldc + j, c00, c01);
        store(c, rows[ri + 1] * ldc + j, c10, c11);
        store(c, rows[ri + 2] * ldc + j, c20, c21);
        store(c, rows[ri + 3] * ldc + j, c30, c31);
        store(c, rows[ri + 4] * ldc + j, c40, c41);
        store(c, rows[ri + 5] * ldc + j, c50, c51);
        store(c, rows[ri + 6] * ldc + j, c60, c61);
        store(c, rows[ri + 7] * ldc + j, c70, c71);
    }

    /**
     * Four rows of {@link #kernel}'s block (see {@link #HALVES}): rows {@code rows[ri .. ri + 4)}
     * of C from the packed A's values at {@code a0 + p·MR + r}, r < 4.
     */
    static void kernelHalf(float[] pa, int a0, float[] pb, int kc, float[] c, int[] rows, int ri, int j, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int ap = a0 + p * MR, bp = p * NR;
            FloatVector y0 = FloatVector.fromArray(S, pb, bp);
            FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
        }
        store(c, rows[ri] * ldc + j, c00, c01);
        store(c, rows[ri + 1] * ldc + j, c10, c11);
        store(c, rows[ri + 2] * ldc + j, c20, c21);
        store(c, rows[ri + 3] * ldc + j, c30, c31);
    }

    /**
     * {@link #kernel} for a panel of at most L valid columns (the 40-wide outputs of the
     * encoder and prior end in one of 8): one vector per row, half the work.
     */
    static void kernelNarrow(float[] pa, int a0, float[] pb, int kc, float[] c, int ci, int ldc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            int ap = a0 + p * MR;
            FloatVector y = FloatVector.fromArray(S, pb, p * NR);
            c0 = FloatVector.broadcast(S, pa[ap]).fma(y, c0);
            c1 = FloatVector.broadcast(S, pa[ap + 1]).fma(y, c1);
            c2 = FloatVector.broadcast(S, pa[ap + 2]).fma(y, c2);
            c3 = FloatVector.broadcast(S, pa[ap + 3]).fma(y, c3);
            c4 = FloatVector.broadcast(S, pa[ap + 4]).fma(y, c4);
            c5 = FloatVector.broadcast(S, pa[ap + 5]).fma(y, c5);
            c6 = FloatVector.broadcast(S, pa[ap + 6]).fma(y, c6);
            c7 = FloatVector.broadcast(S, pa[ap + 7]).fma(y, c7);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + ldc);
        c2.intoArray(c, ci + 2 * ldc);
        c3.intoArray(c, ci + 3 * ldc);
        c4.intoArray(c, ci + 4 * ldc);
        c5.intoArray(c, ci + 5 * ldc);
        c6.intoArray(c, ci + 6 * ldc);
        c7.intoArray(c, ci + 7 * ldc);
    }

    /**
     * {@link #kernel} over a sparse panel: its k are {@code slots[s0 .. s0 + n)}, positions in
     * the packed B, and its packed A holds those k only, in order.
     *
     * <p>A copy of {@link #kernel} with one line changed, not one kernel for both: with the
     * list, each k costs one more load and two bounds checks on B that C2 cannot hoist, and
     * the dense products (the decoder's: more than half of a step) would pay them for
     * nothing; and a bigger shared kernel risks the inlining cliff described at {@link #kernel}.
     */
    static void kernelSlots(float[] pa, int a0, float[] pb, int[] slots, int s0, int n, float[] c, int[] rows, int ri, int j, int ldc) {
        if (HALVES) {
            kernelSlotsHalf(pa, a0, pb, slots, s0, n, c, rows, ri, j, ldc);
            kernelSlotsHalf(pa, a0 + 4, pb, slots, s0, n, c, rows, ri + 4, j, ldc);
            return;
        }
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int t = 0; t < n; t++) {
            int ap = a0 + t * MR, bp = slots[s0 + t] * NR;
            FloatVector y0 = FloatVector.fromArray(S, pb, bp);
            FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(S, pa[ap + 4]); c40 = x.fma(y0, c40); c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(S, pa[ap + 5]); c50 = x.fma(y0, c50); c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(S, pa[ap + 6]); c60 = x.fma(y0, c60); c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(S, pa[ap + 7]); c70 = x.fma(y0, c70); c71 = x.fma(y1, c71);
        }
        store(c, rows[ri] * ldc + j, c00, c01);
        store(c, rows[ri + 1] * ldc + j, c10, c11);
        store(c, rows[ri + 2] * ldc + j, c20, c21);
        store(c, rows[ri + 3] * ldc + j, c30, c31);
        store(c, rows[ri + 4] * ldc + j, c40, c41);
        store(c, rows[ri + 5] * ldc + j, c50, c51);
        store(c, rows[ri + 6] * ldc + j, c60, c61);
        store(c, rows[ri + 7] * ldc + j, c70, c71);
    }

    /** {@link #kernelHalf} over a sparse panel (see {@link #kernelSlots}). */
    static void kernelSlotsHalf(float[] pa, int a0, float[] pb, int[] slots, int s0, int n, float[] c, int[] rows, int ri, int j, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int t = 0; t < n; t++) {
            int ap = a0 + t * MR, bp = slots[s0 + t] * NR;
            FloatVector y0 = FloatVector.fromArray(S, pb, bp);
            FloatVector y1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, pa[ap]); c00 = x.fma(y0, c00); c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]); c10 = x.fma(y0, c10); c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]); c20 = x.fma(y0, c20); c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]); c30 = x.fma(y0, c30); c31 = x.fma(y1, c31);
        }
        store(c, rows[ri] * ldc + j, c00, c01);
        store(c, rows[ri + 1] * ldc + j, c10, c11);
        store(c, rows[ri + 2] * ldc + j, c20, c21);
        store(c, rows[ri + 3] * ldc + j, c30, c31);
    }

    /** {@link #kernelNarrow} over a sparse panel (see {@link #kernelSlots}). */
    static void kernelNarrowSlots(float[] pa, int a0, float[] pb, int[] slots, int s0, int n, float[] c, int ci, int ldc) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int t = 0; t < n; t++) {
            int ap = a0 + t * MR;
            FloatVector y = FloatVector.fromArray(S, pb, slots[s0 + t] * NR);
            c0 = FloatVector.broadcast(S, pa[ap]).fma(y, c0);
            c1 = FloatVector.broadcast(S, pa[ap + 1]).fma(y, c1);
            c2 = FloatVector.broadcast(S, pa[ap + 2]).fma(y, c2);
            c3 = FloatVector.broadcast(S, pa[ap + 3]).fma(y, c3);
            c4 = FloatVector.broadcast(S, pa[ap + 4]).fma(y, c4);
            c5 = FloatVector.broadcast(S, pa[ap + 5]).fma(y, c5);
            c6 = FloatVector.broadcast(S, pa[ap + 6]).fma(y, c6);
            c7 = FloatVector.broadcast(S, pa[ap + 7]).fma(y, c7);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + ldc);
        c2.intoArray(c, ci + 2 * ldc);
        c3.intoArray(c, ci + 3 * ldc);
        c4.intoArray(c, ci + 4 * ldc);
        c5.intoArray(c, ci + 5 * ldc);
        c6.intoArray(c, ci + 6 * ldc);
        c7.intoArray(c, ci + 7 * ldc);
    }

    /** One block into the L1 tile (NR floats a row): narrow or full, dense or sparse. */
    private static void toTile(float[] pa, int a0, float[] pb, int kc, int[] slots, int s0, int n, int nj, float[] tile) {
        if (nj <= L) {
            if (slots == null) kernelNarrow(pa, a0, pb, kc, tile, 0, NR);
            else kernelNarrowSlots(pa, a0, pb, slots, s0, n, tile, 0, NR);
        } else if (slots == null) kernel(pa, a0, pb, kc, tile, EIGHT, 0, 0, NR);
        else kernelSlots(pa, a0, pb, slots, s0, n, tile, EIGHT, 0, 0, NR);
    }

    private static void store(float[] c, int off, FloatVector v0, FloatVector v1) {
        v0.intoArray(c, off);
        v1.intoArray(c, off + L);
    }

    /**
     * A block through the L1 tile: at the bottom or right edge of C (mi < 8 rows or
     * nj < NR columns, only the valid part is copied out), or of a K block
     * after the first, whose partial sums are added to C's (C += tile, in the order of
     * the K blocks). The block's row r is C's row {@code rows[i + r]}.
     */
    private static void viaTile(float[] pa, int a0, float[] pb, int kc, int[] slots, int s0, int n, float[] c, int ldc,
                                int[] rows, int i, int j, int mi, int nj, boolean add, float[] tile) {
        toTile(pa, a0, pb, kc, slots, s0, n, nj, tile);
        fromTile(c, ldc, rows, i, j, mi, nj, add, tile);
    }

    /** The valid part of the L1 tile into C's rows {@code rows[i + r]}: copied, or with {@code add} added. */
    private static void fromTile(float[] c, int ldc, int[] rows, int i, int j, int mi, int nj, boolean add, float[] tile) {
        for (int r = 0; r < mi; r++) {
            int o = rows[i + r] * ldc + j;
            if (!add) System.arraycopy(tile, r * NR, c, o, nj);
            else if (nj == NR) {
                FloatVector.fromArray(S, c, o).add(FloatVector.fromArray(S, tile, r * NR)).intoArray(c, o);
                FloatVector.fromArray(S, c, o + L).add(FloatVector.fromArray(S, tile, r * NR + L)).intoArray(c, o + L);
            } else
                for (int jj = 0; jj < nj; jj += L) {
                    VectorMask<Float> m = S.indexInRange(jj, nj);
                    FloatVector.fromArray(S, c, o + jj, m).add(FloatVector.fromArray(S, tile, r * NR + jj, m)).intoArray(c, o + jj, m);
                }
        }
    }

    /**
     * The last K block of a block of C: its sums into the L1 tile, plus C's partial sums
     * of the earlier K blocks when there are some (in the order {@link #viaTile} adds
     * them), then each row to the epilogue.
     */
    private static void finish(float[] pa, int a0, float[] pb, int kc, int[] slots, int s0, int n, float[] c, int ldc,
                               int[] rows, int i, int j, int mi, int nj, boolean add, float[] tile, Epilogue ep) {
        toTile(pa, a0, pb, kc, slots, s0, n, nj, tile);
        fromTileFinish(c, ldc, rows, i, j, mi, nj, add, tile, ep);
    }

    /** The tile's rows plus C's partial sums (with {@code add}), each row to the epilogue. */
    private static void fromTileFinish(float[] c, int ldc, int[] rows, int i, int j, int mi, int nj, boolean add, float[] tile,
                                       Epilogue ep) {
        if (add)
            for (int r = 0; r < mi; r++) {
                int t = r * NR, o = rows[i + r] * ldc + j;
                for (int jj = 0; jj < nj; jj += L) {
                    VectorMask<Float> m = S.indexInRange(jj, nj);
                    FloatVector.fromArray(S, c, o + jj, m).add(FloatVector.fromArray(S, tile, t + jj)).intoArray(tile, t + jj);
                }
            }
        ep.block(tile, rows, i, mi, j, nj);
    }

    /**
     * Sum of a vector's lanes along a fixed tree (halves added lane-wise until one lane
     * is left). Why not {@code reduceLanes(ADD)}: its order is unspecified, and the
     * JIT-compiled intrinsic and the interpreter's fallback do sum in different orders,
     * so a result would depend on when the JIT compiled the caller: a resumed run did
     * not follow the curve of an uninterrupted one. Lane-wise adds round the same in
     * both.
     */
    static float sum(FloatVector v) {
        // constant slice origins: with a variable one (a loop over half = L/2 … 1) C2 did
        // not intrinsify slice and boxed a vector per step of the tree
        if (L > 16) for (int half = L / 2; half > 8; half /= 2) v = v.add(v.slice(half));
        if (L >= 16) v = v.add(v.slice(8));
        if (L >= 8) v = v.add(v.slice(4));
        if (L >= 4) v = v.add(v.slice(2));
        if (L >= 2) v = v.add(v.slice(1));
        return v.lane(0);
    }
}
