package cvae.bindings;

/**
 * A CUDA, cuBLAS or cuDNN call returned an error status. The message carries the call,
 * the status number and the library's own text for it (cudaGetErrorString,
 * cublasGetStatusString, cudnnGetErrorString).
 */
public class CudaException extends RuntimeException {
    private final String library;
    private final String call;
    private final int status;

    public CudaException(String library, String call, int status, String text) {
        super(call + " failed: " + text + " (" + library + " status " + status + ")");
        this.library = library;
        this.call = call;
        this.status = status;
    }

    /** "CUDA runtime", "CUDA driver", "cuBLAS" or "cuDNN". */
    public String library() { return library; }

    /** The function that failed. */
    public String call() { return call; }

    /** Its status code. */
    public int status() { return status; }
}
