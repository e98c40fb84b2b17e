package cvae.kernels;

/**
 * A backend cannot run on this machine (no library, no driver, no device). The message
 * says what is missing and how to fix it; the CLI prints it without a stack trace.
 */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) { super(message); }
    public BackendUnavailableException(String message, Throwable cause) { super(message, cause); }
}
