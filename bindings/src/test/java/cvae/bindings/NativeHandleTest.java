package cvae.bindings;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lifetime rules of {@link NativeHandle}, with a fake destroy: runs on any machine. */
class NativeHandleTest {

    static final class Fake extends NativeHandle {
        final List<Long> destroyed;
        Fake(long address, Arena arena, List<Long> destroyed) {
            super(MemorySegment.ofAddress(address), arena);
            this.destroyed = destroyed;
        }
        @Override protected void destroy(MemorySegment h) { destroyed.add(h.address()); }
    }

    @Test
    void closingTheArenaDestroysOnce() {
        List<Long> destroyed = new ArrayList<>();
        Fake kept, closedEarly;
        try (Arena arena = Arena.ofConfined()) {
            kept = new Fake(0x1000, arena, destroyed);
            closedEarly = new Fake(0x2000, arena, destroyed);
            closedEarly.close();
            closedEarly.close();
            assertEquals(List.of(0x2000L), destroyed);
        }
        assertEquals(List.of(0x2000L, 0x1000L), destroyed);
        assertTrue(kept.isClosed());
        assertThrows(IllegalStateException.class, kept::handle);
    }
}
