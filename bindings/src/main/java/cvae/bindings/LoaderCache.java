package cvae.bindings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dynamic loader's cache as {@code ldconfig -p} prints it: soname → file. This is
 * where dlopen would find a driver's libcuda.so.1 that sits in no folder we know of.
 */
final class LoaderCache {
    private LoaderCache() {}

    private static volatile Map<String, Path> cached;

    static Map<String, Path> entries() {
        Map<String, Path> c = cached;
        if (c == null) cached = c = read();
        return c;
    }

    private static Map<String, Path> read() {
        for (String ldconfig : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig")) {
            String out = ProcessOutput.run(List.of(ldconfig, "-p"), 5);
            if (out != null) return parse(out);
        }
        return Map.of();
    }

    /** Parses lines like {@code libcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1}. */
    static Map<String, Path> parse(String ldconfigOutput) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String line : ldconfigOutput.split("\n")) {
            int arrow = line.indexOf(" => ");
            if (arrow < 0) continue;
            String left = line.substring(0, arrow).trim();
            int space = left.indexOf(' ');
            String name = space < 0 ? left : left.substring(0, space);
            // 64-bit x86 entries only; the first entry for a name wins, as for dlopen.
            if (!left.contains("x86-64")) continue;
            out.putIfAbsent(name, Path.of(line.substring(arrow + 4).trim()));
        }
        return Map.copyOf(out);
    }
}
