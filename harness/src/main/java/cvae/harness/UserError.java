package cvae.harness;

/**
 * A mistake of the user's (bad file, bad value, missing data): the CLI prints the
 * message alone, with no stack trace, and exits with a non-zero code.
 */
public class UserError extends RuntimeException {
    public UserError(String message) { super(message); }
    public UserError(String message, Throwable cause) { super(message, cause); }
}
