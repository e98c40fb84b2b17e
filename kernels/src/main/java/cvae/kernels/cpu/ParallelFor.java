package cvae.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A tiny fork-join for the cpu backend: {@code run(n, body)} calls {@code body(i)} for
 * i in 0..n-1, task i on thread {@code i % threads}, and returns when all are done.
 *
 * <p>Why not ForkJoinPool: a training step at batch 64 issues tens of thousands of
 * sub-millisecond products per epoch; the workers here spin briefly before parking so
 * that a dispatch costs about a microsecond. Which thread runs which task never
 * changes a result: every kernel writes disjoint outputs and sums in a fixed order.
 */
final class ParallelFor implements AutoCloseable {
    private static final int SPIN = 20_000;

    private final int threads;
    private final Thread[] workers;
    private volatile IntConsumer body;
    private volatile int tasks;
    private volatile long generation;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;
    private volatile Throwable failure;
    private final Thread[] parked;

    ParallelFor(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.parked = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            final int id = w + 1;
            Thread t = new Thread(() -> workerLoop(id), "cpu-backend-" + id);
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
    }

    int threads() { return threads; }

    private void workerLoop(int id) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPIN) Thread.onSpinWait();
                else {
                    parked[id - 1] = Thread.currentThread();
                    if (generation == seen && !closed) LockSupport.parkNanos(1_000_000L);
                    parked[id - 1] = null;
                }
            }
            if (closed) return;
            seen = generation;
            runShare(id);
            pending.decrementAndGet();
        }
    }

    private void runShare(int id) {
        IntConsumer b = body;
        int n = tasks;
        try {
            for (int i = id; i < n; i += threads) b.accept(i);
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Runs body(0..n-1) across the threads; task i always on thread i % threads. */
    void run(int n, IntConsumer b) {
        if (n <= 0) return;
        if (threads == 1 || n == 1) {
            for (int i = 0; i < n; i++) b.accept(i);
            return;
        }
        body = b;
        tasks = n;
        pending.set(workers.length);
        generation = generation + 1;
        for (Thread p : parked) if (p != null) LockSupport.unpark(p);
        runShare(0);
        while (pending.get() != 0) Thread.onSpinWait();
        body = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error e) throw e;
            throw new RuntimeException(f);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
