package cvae.kernels;

/**
 * Philox 4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11),
 * the counter-based generator behind every random number of the harness.
 *
 * <p>Why counter-based: element {@code i} of a draw is a pure function of
 * (seed, stream, i), so the CPU with any number of threads and the GPU with any
 * launch shape produce the same eps. The CUDA kernel {@code random_normal} in
 * {@code kernels.cu} implements exactly this definition.
 *
 * <p>Definition of {@code normal(seed, stream, i)}: key = (lo32(seed), hi32(seed));
 * counter = (lo32(i/4), hi32(i/4), lo32(stream), hi32(stream)); the block of four
 * 32-bit words w0..w3 = Philox(counter, key). Lane {@code l = i % 4} uses the pair
 * p = l/2: u1 = (w[2p] + 1) / 2³², u2 = w[2p+1] / 2³², r = sqrt(−2 ln u1),
 * θ = 2π u2; even lanes take r·cos θ, odd lanes r·sin θ (Box–Muller, in double,
 * rounded once to float; sin and cos are {@code StrictMath}'s, through {@link TrigNoAlloc}).
 */
public final class Philox {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private static final double TWO_POW_M32 = 1.0 / 4294967296.0;

    private Philox() {}

    /** Philox 4x32-10 of a counter under a key; writes four words into {@code out}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c1 ^ k0;
            int n2 = hi0 ^ c3 ^ k1;
            c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
            k0 += W0; k1 += W1;
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }

    /**
     * Fills {@code out[from .. to)} with the normals of indices {@code base+from .. base+to)}
     * of the stream; {@code out} positions are relative to {@code base}.
     */
    public static void normals(float[] out, int from, int to, long seed, long stream) {
        int[] w = new int[4];
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        int s0 = (int) stream, s1 = (int) (stream >>> 32);
        long blockIndex = -1;
        for (int i = from; i < to; i++) {
            long b = (long) i >>> 2;
            if (b != blockIndex) {
                block((int) b, (int) (b >>> 32), s0, s1, k0, k1, w);
                blockIndex = b;
            }
            if ((i & 1) == 0 && i + 1 < to) {   // both normals of a Box-Muller pair: one log, one sqrt
                int p = (i & 3) >> 1;
                double r = radius(w[2 * p]), theta = angle(w[2 * p + 1]);
                out[i] = (float) (r * TrigNoAlloc.cos(theta));
                out[++i] = (float) (r * TrigNoAlloc.sin(theta));
            } else {
                out[i] = normalFromBlock(w, i & 3);
            }
        }
    }

    private static double radius(int bits) {
        double u1 = ((bits & 0xFFFFFFFFL) + 1.0) * TWO_POW_M32;
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1));
    }

    private static double angle(int bits) { return 2.0 * Math.PI * ((bits & 0xFFFFFFFFL) * TWO_POW_M32); }

    /** The normal of lane {@code lane} (0..3) of a Philox block (see the class comment). */
    public static float normalFromBlock(int[] w, int lane) {
        int p = lane >> 1;
        double r = radius(w[2 * p]), theta = angle(w[2 * p + 1]);
        return (float) ((lane & 1) == 0 ? r * TrigNoAlloc.cos(theta) : r * TrigNoAlloc.sin(theta));
    }
}
