package cvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cvae.kernels.Philox;
import cvae.kernels.Tensor;
import cvae.kernels.reference.ReferenceBackend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The element math of {@code kernels.cu} (Philox and Box–Muller, KL, Adam, sigmoid,
 * ReLU), compiled by nvcc for the host and compared with the Java reference: catches a
 * wrong lane, word or rounding in the CUDA source on machines without a GPU. Needs nvcc
 * ({@code CUDA_HOME/bin} or PATH); skipped with the reason where there is none. The GPU
 * itself is tested by {@link CudaBackendTest}.
 */
class KernelsHostMathTest {
    static Process proc;
    static PrintWriter in;
    static BufferedReader out;
    static String skip;

    @BeforeAll
    static void build(@TempDir Path tmp) throws IOException, InterruptedException {
        Path nvcc = findNvcc();
        if (nvcc == null) { skip = "no nvcc (set CUDA_HOME or put nvcc on PATH)"; return; }
        Path exe = tmp.resolve("kernels_host_test");
        Process c = new ProcessBuilder(nvcc.toString(), "--fmad=false", "-std=c++17", "-arch=sm_80",
                "-o", exe.toString(), "src/test/cuda/kernels_host_test.cu")
                .redirectErrorStream(true).start();
        String log = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(c.waitFor(120, TimeUnit.SECONDS), "nvcc timed out");
        assertEquals(0, c.exitValue(), "nvcc failed:\n" + log);
        proc = new ProcessBuilder(exe.toString()).start();
        in = new PrintWriter(proc.getOutputStream(), true, StandardCharsets.US_ASCII);
        out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.US_ASCII));
    }

    @AfterAll
    static void stop() {
        if (proc != null) { in.close(); proc.destroy(); }
    }

    static Path findNvcc() {
        String home = System.getenv("CUDA_HOME");
        for (String dir : List.of(home != null ? home + "/bin" : "/usr/local/cuda/bin", "/usr/local/cuda/bin")) {
            Path p = Path.of(dir, "nvcc");
            if (Files.isExecutable(p)) return p;
        }
        String path = System.getenv("PATH");
        if (path != null) for (String dir : path.split(":")) {
            Path p = Path.of(dir, "nvcc");
            if (!dir.isEmpty() && Files.isExecutable(p)) return p;
        }
        return null;
    }

    static String[] ask(String command) throws IOException {
        in.println(command);
        String line = out.readLine();
        assertNotNull(line, "kernels_host_test ended");
        return line.trim().isEmpty() ? new String[0] : line.trim().split(" ");
    }

    static String h(float x) { return Integer.toHexString(Float.floatToRawIntBits(x)); }
    static String h(double x) { return Long.toHexString(Double.doubleToRawLongBits(x)); }
    static float f(String hex) { return Float.intBitsToFloat(Integer.parseUnsignedInt(hex, 16)); }
    static double d(String hex) { return Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16)); }

    static int bits(float x) { return Float.floatToRawIntBits(x); }

    static int ulps(float a, float b) {
        if (Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b)) return 0;
        return (int) Math.min(Integer.MAX_VALUE, Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b)));
    }

    @Test
    void philoxNormalsMatchTheJavaDefinition() throws IOException {
        assumeTrue(skip == null, skip);
        long[][] cases = {{12345L, 7L}, {0L, 0L}, {-1L, -1L}, {0x1234_5678_9ABC_DEF0L, 1L << 40}};
        int n = 40_001;  // not a multiple of 4: the last Philox block is cut
        for (long[] c : cases) {
            float[] java = new float[n];
            Philox.normals(java, 0, n, c[0], c[1]);
            String[] cu = ask("normals " + Long.toUnsignedString(c[0]) + " " + Long.toUnsignedString(c[1]) + " " + n);
            assertEquals(n, cu.length);
            int differ = 0;
            for (int i = 0; i < n; i++) {
                int u = ulps(java[i], f(cu[i]));
                // The host's libm and StrictMath may differ in the last bit of a double,
                // which moves the float only when it sits on a rounding boundary.
                assertTrue(u <= 1, "normal " + i + " of " + c[0] + "/" + c[1] + ": " + java[i] + " vs " + f(cu[i]));
                if (u != 0) differ++;
            }
            assertTrue(differ <= n / 1000, differ + " of " + n + " normals differ in the last bit");
        }
    }

    @Test
    void klElementMatchesTheReference() throws IOException {
        assumeTrue(skip == null, skip);
        ReferenceBackend ref = new ReferenceBackend();
        SplittableRandom r = new SplittableRandom(5);
        int differ = 0, n = 2000;
        for (int t = 0; t < n; t++) {
            float mu = (float) r.nextDouble(-3, 3), ls = (float) r.nextDouble(-3, 2);
            float pm = (float) r.nextDouble(-3, 3), pls = (float) r.nextDouble(-3, 2);
            float dqm = (float) r.nextDouble(-1, 1), dqs = (float) r.nextDouble(-1, 1);
            float weight = (float) r.nextDouble(0, 2);
            Tensor hq = tensor(ref, mu, ls), hp = tensor(ref, pm, pls), dq = tensor(ref, dqm, dqs);
            Tensor dp = ref.tensor(1, 2), acc = ref.tensor(1, 1);
            ref.klForwardBackward(dq, dp, hq, hp, weight, acc, 0);
            String[] cu = ask("kl " + h(mu) + " " + h(ls) + " " + h(pm) + " " + h(pls) + " "
                    + h((double) weight / 1) + " " + h(dqm) + " " + h(dqs));
            float[] expected = {data(dq)[0], data(dq)[1], data(dp)[0], data(dp)[1], data(acc)[0]};
            float[] actual = {f(cu[0]), f(cu[1]), f(cu[2]), f(cu[3]), (float) d(cu[4])};
            for (int i = 0; i < 5; i++) {
                int u = ulps(expected[i], actual[i]);
                assertTrue(u <= 1, "kl output " + i + " case " + t + ": " + expected[i] + " vs " + actual[i]);
                if (u != 0) differ++;
            }
        }
        assertTrue(differ <= 5 * n / 500, differ + " KL outputs differ in the last bit");
    }

    @Test
    void adamSigmoidAndReluAreBitExact() throws IOException {
        assumeTrue(skip == null, skip);
        ReferenceBackend ref = new ReferenceBackend();
        SplittableRandom r = new SplittableRandom(6);
        for (int t = 0; t < 2000; t++) {
            float p = (float) r.nextDouble(-1, 1), g = (float) r.nextDouble(-1, 1);
            float m = (float) r.nextDouble(-0.1, 0.1), v = (float) r.nextDouble(0, 0.01);
            float bc1 = (float) r.nextDouble(0.1, 1), bc2 = (float) r.nextDouble(0.001, 1);
            Tensor tp = tensor(ref, p), tm = tensor(ref, m), tv = tensor(ref, v);
            ref.adamStep(tp, tensor(ref, g), tm, tv, 1e-3f, 0.9f, 0.999f, 1e-8f, bc1, bc2);
            String[] cu = ask("adam " + h(p) + " " + h(g) + " " + h(m) + " " + h(v) + " " + h(1e-3f) + " "
                    + h(0.9f) + " " + h(0.999f) + " " + h(1e-8f) + " " + h(bc1) + " " + h(bc2));
            assertEquals(bits(data(tp)[0]), bits(f(cu[0])), "adam p, case " + t);
            assertEquals(bits(data(tm)[0]), bits(f(cu[1])), "adam m, case " + t);
            assertEquals(bits(data(tv)[0]), bits(f(cu[2])), "adam v, case " + t);

            float x = (float) r.nextDouble(-20, 20);
            Tensor s = tensor(ref, x);
            ref.sigmoidForward(s, s);
            assertTrue(ulps(data(s)[0], f(ask("sigmoid " + h(x))[0])) <= 1, "sigmoid " + x);
        }
        for (float x : new float[] {Float.NaN, -0f, 0f, -1f, 2.5f, Float.NEGATIVE_INFINITY, Float.MIN_VALUE}) {
            Tensor y = tensor(ref, x);
            ref.reluForward(y, y);
            assertEquals(bits(data(y)[0]), bits(f(ask("relu " + h(x))[0])), "relu " + x);
        }
    }

    static Tensor tensor(ReferenceBackend ref, float... v) {
        Tensor t = ref.tensor(1, v.length);
        ref.upload(t, v);
        return t;
    }

    static float[] data(Tensor t) { return ((ReferenceBackend.HeapTensor) t).data; }
}
