package cvae.kernels;

/**
 * A row-major float32 matrix owned by a {@link Backend}. Only the backend that made a
 * tensor can read or write it; the harness sees shapes.
 */
public abstract class Tensor {
    protected final int rows;
    protected final int cols;

    protected Tensor(int rows, int cols) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("bad shape " + rows + "x" + cols);
        this.rows = rows;
        this.cols = cols;
    }

    public final int rows() { return rows; }
    public final int cols() { return cols; }
    public final long size() { return (long) rows * cols; }

    /** A view of the first {@code n} rows, sharing storage (used for a partial last batch). */
    public abstract Tensor rows(int n);

    @Override
    public String toString() { return getClass().getSimpleName() + "[" + rows + "x" + cols + "]"; }
}
