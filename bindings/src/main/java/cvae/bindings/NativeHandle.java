package cvae.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An opaque library object (stream, handle, descriptor, device buffer…) that must be
 * destroyed exactly once. It is closed by {@link #close()} or, at the latest, when the
 * arena it was made in closes: the destroy call is registered as a cleanup action of
 * that arena (the pattern of the jextract samples), so an owner that closes its arena
 * cannot leak a handle, and closing twice is harmless.
 */
public abstract class NativeHandle implements AutoCloseable {
    private final MemorySegment handle;
    private final AtomicBoolean closed = new AtomicBoolean();

    protected NativeHandle(MemorySegment handle, Arena arena) {
        this.handle = handle;
        // A zero-length segment whose only job is to run close() when the arena closes.
        MemorySegment.ofAddress(handle.address()).reinterpret(arena, ignored -> close());
    }

    /** The library's handle (an opaque pointer, or a device address). */
    public final MemorySegment handle() {
        if (closed.get()) throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        return handle;
    }

    public final boolean isClosed() { return closed.get(); }

    /** Destroys the object in its library; called once. */
    protected abstract void destroy(MemorySegment handle);

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) destroy(handle);
    }
}
