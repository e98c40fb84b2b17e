package cvae.bindings;

import java.util.List;

/**
 * What to look for when finding one native library: the file names in order of
 * preference (newest major version first), the environment variables that may point
 * at it, and what to tell a user who has none of them.
 *
 * @param displayName  the library as users know it ("cuDNN")
 * @param fileNames    sonames to try, preferred first
 * @param envVars      variables naming a file or an install folder, checked first, in order
 * @param useCudaHome  whether the CUDA toolkit folder (CUDA_HOME, default /usr/local/cuda) may hold it
 * @param fixHint      how to make it findable, printed when it is not found
 */
public record LibrarySpec(String displayName, List<String> fileNames, List<String> envVars,
                          boolean useCudaHome, String fixHint) {

    public static final LibrarySpec CUDART = new LibrarySpec(
            "CUDA runtime",
            List.of("libcudart.so.13", "libcudart.so.12", "libcudart.so"),
            List.of("CUDART_PATH"),
            true,
            "install a CUDA 12 or 13 toolkit and set CUDA_HOME, or `pip install nvidia-cuda-runtime-cu12`"
                    + " (found in the Python environment), or set CUDART_PATH to libcudart.so.*");

    /** The driver API library, installed with the NVIDIA driver (never with the toolkit). */
    public static final LibrarySpec CUDA_DRIVER = new LibrarySpec(
            "CUDA driver",
            List.of("libcuda.so.1"),
            List.of("CUDA_DRIVER_PATH"),
            false,
            "this needs an NVIDIA GPU and its driver; if the driver is installed in an unusual place,"
                    + " add its folder to LD_LIBRARY_PATH or set CUDA_DRIVER_PATH to libcuda.so.1");

    public static final LibrarySpec CUBLAS = new LibrarySpec(
            "cuBLAS",
            List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so"),
            List.of("CUBLAS_PATH"),
            true,
            "set CUBLAS_PATH to the folder holding libcublas.so.* (and libcublasLt beside it),"
                    + " or `pip install nvidia-cublas-cu12` (or nvidia-cublas for CUDA 13)");

    public static final LibrarySpec CUDNN = new LibrarySpec(
            "cuDNN",
            List.of("libcudnn.so.9"),
            List.of("CUDNN_PATH"),
            true,
            "install cuDNN 9 and set CUDNN_PATH to its folder (or to libcudnn.so.9),"
                    + " or `pip install nvidia-cudnn-cu12` (nvidia-cudnn-cu13 for CUDA 13)");

    /** OpenBLAS, for the benchmarks that compare the cpu backend's GEMM with it (not used in training). */
    public static final LibrarySpec OPENBLAS = new LibrarySpec(
            "OpenBLAS",
            List.of("libopenblas.so.0", "libopenblas.so"),
            List.of("OPENBLAS_PATH"),
            false,
            "install it (Debian: apt-get install libopenblas0-pthread) or set OPENBLAS_PATH to libopenblas.so.0");

    public LibrarySpec {
        fileNames = List.copyOf(fileNames);
        envVars = List.copyOf(envVars);
    }
}
