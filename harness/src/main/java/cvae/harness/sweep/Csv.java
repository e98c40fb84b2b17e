package cvae.harness.sweep;

import cvae.harness.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: a header and rows of text; fields with a comma, quote or line break are quoted. */
public final class Csv {
    private Csv() {}

    /** A table read from a CSV file: {@code header} and rows of the same width. */
    public record Table(String source, List<String> header, List<List<String>> rows) {
        public int column(String name) { return header.indexOf(name); }
    }

    public static String write(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        for (List<String> r : rows) line(sb, r);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(',');
            String f = fields.get(i) == null ? "" : fields.get(i);
            if (f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r"))
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            else sb.append(f);
        }
        sb.append('\n');
    }

    public static Table read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static Table parse(String text, String source) {
        List<List<String>> lines = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false, any = false;
        int lineNo = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') { f.append('"'); i++; }
                    else quoted = false;
                } else {
                    if (c == '\n') lineNo++;
                    f.append(c);
                }
            } else if (c == '"' && f.isEmpty()) {
                quoted = true;
                any = true;
            } else if (c == ',') {
                cur.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                if (any || !f.isEmpty()) {
                    cur.add(f.toString());
                    lines.add(cur);
                }
                cur = new ArrayList<>();
                f.setLength(0);
                any = false;
                lineNo++;
            } else {
                f.append(c);
                any = true;
            }
        }
        if (quoted) throw new UserError(source + ":" + lineNo + ": unterminated quoted field");
        if (any || !f.isEmpty()) {
            cur.add(f.toString());
            lines.add(cur);
        }
        if (lines.isEmpty()) throw new UserError(source + ": empty CSV file (no header)");
        List<String> header = lines.get(0);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).size() != header.size())
                throw new UserError(source + ": row " + (i + 1) + " has " + lines.get(i).size() + " fields, the header " + header.size());
            rows.add(lines.get(i));
        }
        return new Table(source, header, rows);
    }
}
