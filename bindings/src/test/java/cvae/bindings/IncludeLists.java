package cvae.bindings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the jextract include lists (tests run in the module folder) and checks symbols. */
final class IncludeLists {
    private IncludeLists() {}

    /** The function names an include list asks jextract for. */
    static List<String> functions(String list) {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("includes", list))) {
                String[] t = line.trim().split("\\s+");
                if (t.length >= 2 && t[0].equals("--include-function")) out.add(t[1]);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The functions of {@code list} that no loaded library defines (should be none). */
    static List<String> missing(String list) {
        // The generated bindings resolve through this same loader lookup.
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        return functions(list).stream().filter(f -> lookup.find(f).isEmpty()).toList();
    }
}
