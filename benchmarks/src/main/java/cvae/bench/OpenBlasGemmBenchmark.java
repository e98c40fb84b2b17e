package cvae.bench;

import cvae.bindings.OpenBlas;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The same products as {@link GemmBenchmark}, through OpenBLAS's {@code cblas_sgemm}
 * (the generated binding in {@code cvae.bindings.cblas}), row-major on native memory, so
 * that one JMH run measures both side by side. Needs OpenBLAS installed (Debian:
 * {@code libopenblas0-pthread}). {@code benchmarks/cpu-vs-openblas.sh} runs it with
 * {@code OPENBLAS_CORETYPE=SkylakeX} (the AVX-512 kernels; this VM's CPU is not recognised
 * and would get the generic ones) and without {@code OPENBLAS_L2_SIZE}; the kernel family
 * in use is printed with each result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OpenBlasGemmBenchmark {
    @Param({"enc1-forward", "dec2-forward", "dec2-input-grad", "enc1-weight-grad", "dec2-weight-grad",
            "enc2-forward", "enc2-input-grad", "enc2-weight-grad", "dec1-forward", "dec1-input-grad", "dec1-weight-grad"})
    public String shape;

    @Param({"64", "1024"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    Arena arena;
    MemorySegment a, b, c;
    GemmShapes s;

    @Setup
    public void setup() {
        OpenBlas.setThreads(threads);
        System.out.println("\n# OpenBLAS " + OpenBlas.config() + ", core " + OpenBlas.coreName() + ", " + OpenBlas.threads() + " thread(s)");
        s = GemmShapes.of(shape, batch);
        arena = Arena.ofShared();
        a = arena.allocate((long) s.m() * s.k() * 4, 64);
        b = arena.allocate((long) s.k() * s.n() * 4, 64);
        c = arena.allocate((long) s.m() * s.n() * 4, 64);
        a.elements(ValueLayout.JAVA_FLOAT).forEach(e -> e.set(ValueLayout.JAVA_FLOAT, 0, 0.5f));
        b.elements(ValueLayout.JAVA_FLOAT).forEach(e -> e.set(ValueLayout.JAVA_FLOAT, 0, 0.25f));
    }

    @TearDown
    public void tearDown() { arena.close(); }

    @Benchmark
    public void gemm(Blackhole bh) {
        OpenBlas.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, b, 0f, c);
        bh.consume(c);
    }
}
