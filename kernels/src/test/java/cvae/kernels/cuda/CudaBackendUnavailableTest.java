package cvae.kernels.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cvae.bindings.LibrarySpec;
import cvae.bindings.NativeLibraries;
import cvae.kernels.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * What every machine can check of the CUDA backend: that it refuses to open, at once and
 * saying what is missing, where there is no GPU; that {@code info()} never throws; and
 * that the committed fatbin was built from the committed kernels.cu.
 */
class CudaBackendUnavailableTest {

    @Test
    void withoutADriverOpenFailsAtOnceSayingWhatIsMissing() {
        assumeTrue(!NativeLibraries.available(LibrarySpec.CUDA_DRIVER),
                "this machine has an NVIDIA driver: CudaBackendTest covers it");
        long start = System.nanoTime();
        var e = assertThrows(BackendUnavailableException.class, CudaBackend::open);
        long millis = (System.nanoTime() - start) / 1_000_000;
        String m = e.getMessage();
        assertTrue(m.startsWith("cuda: cannot run on this machine:"), m);
        assertTrue(m.contains("CUDA driver library not found (libcuda.so.1)"), m);
        assertTrue(m.contains("Looked in:") && m.contains("To fix:"), m);
        assertTrue(millis < 20_000, "open took " + millis + " ms");
    }

    @Test
    void withoutCudnnTheMessageSaysHowToGetIt() {
        assumeTrue(!NativeLibraries.available(LibrarySpec.CUDNN), "cuDNN is installed here");
        var e = assertThrows(BackendUnavailableException.class, CudaBackend::open);
        assertTrue(e.getMessage().contains("cuDNN library not found (libcudnn.so.9)"), e.getMessage());
        assertTrue(e.getMessage().contains("CUDNN_PATH") && e.getMessage().contains("nvidia-cudnn-cu12"), e.getMessage());
    }

    @Test
    void infoNeverThrowsAndReportsEveryPiece() {
        String info = CudaBackend.info();
        String[] lines = info.split("\n");
        assertEquals(5, lines.length, info);
        assertTrue(lines[0].startsWith("GPU"), info);
        assertTrue(lines[1].startsWith("driver: "), info);
        assertTrue(lines[2].startsWith("CUDA runtime: "), info);
        assertTrue(lines[3].startsWith("cuBLAS: "), info);
        assertTrue(lines[4].startsWith("cuDNN: "), info);
    }

    @Test
    void theCommittedFatbinWasBuiltFromTheCommittedSource() throws IOException, NoSuchAlgorithmException {
        byte[] fatbin;
        try (InputStream in = CudaBackend.class.getResourceAsStream(KernelModule.RESOURCE)) {
            assertNotNull(in, "no " + KernelModule.RESOURCE + ": run kernels/src/main/cuda/build.sh");
            fatbin = in.readAllBytes();
        }
        assertTrue(fatbin.length > 1000, "fatbin of " + fatbin.length + " bytes");
        String recorded;
        try (InputStream in = CudaBackend.class.getResourceAsStream(KernelModule.RESOURCE + ".source-sha256")) {
            assertNotNull(in, "no source hash beside the fatbin: run kernels/src/main/cuda/build.sh");
            recorded = new String(in.readAllBytes()).trim();
        }
        byte[] source = Files.readAllBytes(Path.of("src/main/cuda/kernels.cu"));
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source));
        assertEquals(recorded, actual, "kernels.cu changed since the fatbin was built: run kernels/src/main/cuda/build.sh");
    }
}
