package cvae.bindings;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short helper program (python3, ldconfig) and returns its output, or null. */
final class ProcessOutput {
    private ProcessOutput() {}

    /**
     * The standard output of {@code command}, or null if it cannot be started, fails or
     * takes longer than {@code timeoutSeconds}: a broken Python must not hang the search.
     * The output goes to a temporary file so that waiting with a timeout cannot block on a
     * full pipe or on a child that never closes it.
     */
    static String run(List<String> command, long timeoutSeconds) {
        Path out = null;
        try {
            out = Files.createTempFile("cvae-probe", ".txt");
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (out != null) {
                try { Files.deleteIfExists(out); } catch (IOException ignored) { /* temp file */ }
            }
        }
    }
}
