package cvae.harness.sweep;

import cvae.kernels.Philox;

/**
 * Uniform draws for random sampling of trials: Philox 4x32-10 keyed by the experiment's
 * {@code random.seed} on a stream of its own, so a sample depends on the seed alone (not on
 * the JDK or the machine).
 */
final class Draws {
    private static final long STREAM = 0x5357454550L;     // "SWEEP"
    private final long seed;
    private final int[] w = new int[4];
    private long counter;

    Draws(long seed) { this.seed = seed; }

    /** A double in [0, 1) with 53 random bits. */
    double next() {
        Philox.block((int) counter, (int) (counter >>> 32), (int) STREAM, (int) (STREAM >>> 32), (int) seed, (int) (seed >>> 32), w);
        counter++;
        long hi = (w[0] & 0xFFFFFFFFL) >>> 5, lo = (w[1] & 0xFFFFFFFFL) >>> 6;
        return (hi * 67108864.0 + lo) / 9007199254740992.0;
    }

    /** A long in [0, n), n > 0 and below 2^53. */
    long below(long n) {
        return Math.min(n - 1, (long) (next() * n));
    }
}
