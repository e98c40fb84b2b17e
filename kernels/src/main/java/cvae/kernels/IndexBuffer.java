package cvae.kernels;

/** A list of row indices owned by a {@link Backend} (an epoch's shuffled order). */
public abstract class IndexBuffer {
    protected final int length;

    protected IndexBuffer(int length) { this.length = length; }

    public final int length() { return length; }
}
