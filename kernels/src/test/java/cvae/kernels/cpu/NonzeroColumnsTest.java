package cvae.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Gemm#nonzeroColumns} with a threshold gives up (-1) exactly when the whole matrix has
 * fewer zero columns than the threshold, and otherwise lists the same columns as the full scan:
 * the cpu backend's choice between the dense and the skipping product, hence its speed and
 * never its bits, rests on this.
 */
class NonzeroColumnsTest {
    /** Zero columns from none to all, around the threshold, at row counts around the checkpoints. */
    @Test
    void givesUpExactlyWhenTooFewColumnsAreZero() {
        SplittableRandom r = new SplittableRandom(11);
        int checked = 0, gaveUp = 0;
        for (int cols : new int[]{1, 7, 30, 40, 512, 794})
            for (int rows : new int[]{1, 2, 3, 8, 9, 64, 65})
                for (int zeroCols = 0; zeroCols <= cols; zeroCols += Math.max(1, cols / 23)) {
                    int ld = cols + (rows % 2) * 3;
                    float[] a = matrix(r, rows, cols, ld, zeroCols);
                    for (int minZeros : new int[]{1, Math.max(1, cols / 8), zeroCols, zeroCols + 1}) {
                        if (minZeros < 1) continue;
                        int[] full = new int[cols], early = new int[cols];
                        int n = Gemm.nonzeroColumns(a, rows, cols, ld, new float[cols], full);
                        int e = Gemm.nonzeroColumns(a, rows, cols, ld, new float[cols], early, minZeros);
                        String at = rows + "×" + cols + ", " + (cols - n) + " zero columns, minZeros " + minZeros;
                        if (cols - n < minZeros && e == -1) gaveUp++;
                        else {
                            assertEquals(n, e, at);
                            assertArrayEquals(Arrays.copyOf(full, n), Arrays.copyOf(early, e), at);
                        }
                        checked++;
                    }
                }
        // the early answer must have been -1 at least for every matrix with no zero column at all
        assertEquals(true, gaveUp > 100, "gave up " + gaveUp + " times in " + checked);
    }

    /**
     * Columns that are zero in every row but the last, after every checkpoint: the rows seen
     * before it have more zero columns than the whole matrix, and the last row decides.
     */
    @Test
    void aColumnNonzeroOnlyInTheLastRowCounts() {
        int rows = 64, cols = 40, minZeros = 5;
        float[] a = new float[rows * cols];
        Arrays.fill(a, 1f);
        for (int row = 0; row < rows; row++) for (int j = 0; j < minZeros; j++) a[row * cols + j] = row % 2 == 0 ? 0f : -0f;
        for (int row = 0; row < rows - 1; row++) for (int j = minZeros; j < 2 * minZeros; j++) a[row * cols + j] = 0f;
        int[] kept = new int[cols];
        assertEquals(cols - minZeros, Gemm.nonzeroColumns(a, rows, cols, cols, new float[cols], kept, minZeros));
        // NaN counts as nonzero: now one zero column short, which only the last row shows, so
        // the early scan may give up or list the columns, and the list must be right
        a[(rows - 1) * cols + 2] = Float.NaN;
        assertEquals(cols - minZeros + 1, Gemm.nonzeroColumns(a, rows, cols, cols, new float[cols], kept));
        int e = Gemm.nonzeroColumns(a, rows, cols, cols, new float[cols], kept, minZeros);
        if (e != -1) {
            assertEquals(cols - minZeros + 1, e);
            assertEquals(2, kept[0]);
        }
    }

    /** rows×cols (leading dimension ld) with {@code zeroCols} columns of ±0 at random places, the rest mostly nonzero. */
    private static float[] matrix(SplittableRandom r, int rows, int cols, int ld, int zeroCols) {
        float[] a = new float[rows * ld];
        boolean[] zero = new boolean[cols];
        for (int z = 0; z < zeroCols; ) {
            int j = r.nextInt(cols);
            if (!zero[j]) { zero[j] = true; z++; }
        }
        for (int row = 0; row < rows; row++)
            for (int j = 0; j < cols; j++) {
                // a nonzero column may still be zero in most rows (a pixel that one digit in 64 touches)
                float v = zero[j] || r.nextInt(4) != 0 ? (r.nextBoolean() ? 0f : -0f) : (float) r.nextGaussian();
                a[row * ld + j] = v;
            }
        for (int j = 0; j < cols; j++)   // every column meant to be nonzero is nonzero somewhere
            if (!zero[j]) a[r.nextInt(rows) * ld + j] = 1f + r.nextFloat();
        for (int row = 0; row < rows; row++) for (int j = cols; j < ld; j++) a[row * ld + j] = 7f;   // padding: never read
        return a;
    }
}
