package cvae.harness.train;

import java.util.SplittableRandom;

/** The order of the training images in an epoch: a Fisher–Yates shuffle seeded by (seed, epoch). */
public final class Shuffle {
    private Shuffle() {}

    public static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (epoch + 1));
        int[] p = Trainer.identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }
}
