package cvae.bindings;

import java.util.List;

/**
 * A native library could not be found or loaded. The message names the library, every
 * place that was searched (and why it was searched there) and how to fix it, so that it
 * can be shown to a user as it is.
 */
public class NativeLibraryNotFoundException extends RuntimeException {
    private final transient LibrarySpec spec;
    private final List<String> searched;

    public NativeLibraryNotFoundException(LibrarySpec spec, List<String> searched, String detail) {
        super(message(spec, searched, detail));
        this.spec = spec;
        this.searched = List.copyOf(searched);
    }

    /** The library that was looked for. */
    public LibrarySpec spec() { return spec; }

    /** The places searched, each as "path (why)". */
    public List<String> searched() { return searched; }

    /** The message without the list of places: what is missing and how to fix it, in one line. */
    public String summary() {
        String first = getMessage().lines().findFirst().orElse("");
        return first + " To fix: " + spec.fixHint();
    }

    private static String message(LibrarySpec spec, List<String> searched, String detail) {
        StringBuilder sb = new StringBuilder();
        sb.append(spec.displayName()).append(" library not found (")
          .append(String.join(" or ", spec.fileNames())).append(")");
        if (detail != null && !detail.isEmpty()) sb.append(": ").append(detail);
        sb.append(".\n  Looked in:");
        if (searched.isEmpty()) sb.append(" nowhere");
        for (String s : searched) sb.append("\n    ").append(s);
        sb.append("\n  To fix: ").append(spec.fixHint());
        return sb.toString();
    }
}
