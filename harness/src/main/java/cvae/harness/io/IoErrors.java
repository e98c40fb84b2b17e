package cvae.harness.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns an {@link IOException} into a short reason a user can act on.
 *
 * <p>Why: NIO's exceptions often carry only the path as their message ("/x/y"), which,
 * printed alone by the CLI, says nothing about what went wrong.
 */
public final class IoErrors {
    private IoErrors() {}

    /** A short reason such as "permission denied" or "no such file or directory". */
    public static String describe(IOException e) {
        String what = switch (e) {
            case AccessDeniedException x -> "permission denied";
            case NoSuchFileException x -> "no such file or directory";
            case NotDirectoryException x -> "not a directory";
            case FileAlreadyExistsException x -> "already exists";
            case DirectoryNotEmptyException x -> "directory not empty";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> null;
        };
        if (what != null) {
            return what;
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }
}
