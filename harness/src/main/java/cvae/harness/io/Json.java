package cvae.harness.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and compact writer (RFC 8259), so that the harness needs no JSON
 * library for the safetensors header and its small result files.
 *
 * <p>Values map to Java as: object → {@code LinkedHashMap<String, Object>} (keys in file order;
 * a repeated key is an error), array → {@code ArrayList<Object>}, string → {@link String},
 * integer that fits a long → {@link Long}, any other number → {@link Double}, true/false →
 * {@link Boolean}, null → {@code null}. The writer also accepts Integer, Float, int[], long[],
 * float[] and double[], and writes compactly (no spaces), as serde_json does, so that a header
 * written here is byte-identical to the reference safetensors implementation's.
 */
public final class Json {
    private Json() {}

    /** Nesting deeper than this is refused rather than risking a StackOverflowError. */
    static final int MAX_DEPTH = 256;

    /** Malformed JSON; the message says what and at which character offset. */
    public static final class ParseException extends IllegalArgumentException {
        public final int offset;

        ParseException(String message, int offset) {
            super(message + " at offset " + offset);
            this.offset = offset;
        }
    }

    /** Parses one JSON value; only whitespace may follow it. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw new ParseException("unexpected '" + text.charAt(p.pos) + "' after the JSON value", p.pos);
        }
        return value;
    }

    /** Writes {@code value} as compact JSON. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> writeString(sb, s);
            case Boolean b -> sb.append(b);
            case Long n -> sb.append(n);
            case Integer n -> sb.append(n);
            case Short n -> sb.append(n);
            case Byte n -> sb.append(n);
            case Double d -> writeDouble(sb, d);
            case Float f -> writeDouble(sb, Double.parseDouble(Float.toString(f))); // shortest float digits
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                    }
                    if (!first) sb.append(',');
                    first = false;
                    writeString(sb, key);
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case Iterable<?> it -> {
                sb.append('[');
                boolean first = true;
                for (Object o : it) {
                    if (!first) sb.append(',');
                    first = false;
                    write(sb, o);
                }
                sb.append(']');
            }
            case int[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
                sb.append(']');
            }
            case long[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
                sb.append(']');
            }
            case float[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) sb.append(',');
                    write(sb, a[i]);
                }
                sb.append(']');
            }
            case double[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) sb.append(',');
                    writeDouble(sb, a[i]);
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }

    private static void writeDouble(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            // JSON has no NaN or Infinity; writing them would make a file no reader accepts.
            throw new IllegalArgumentException("JSON cannot represent " + d);
        }
        if (d == 0 && 1 / d < 0) {
            sb.append("-0.0");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d).append(".0"); // "3.0", not "3.0E0"; keeps the value a float for readers
        } else {
            sb.append(d); // Double.toString is valid JSON ("1.0E-5") and round-trips exactly
        }
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c); // non-ASCII stays as is: the output is UTF-8
                    }
                }
            }
        }
        sb.append('"');
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) { this.s = s; }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
                pos++;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw new ParseException("nesting deeper than " + MAX_DEPTH, pos);
            if (pos >= s.length()) throw new ParseException("unexpected end of input, expected a value", pos);
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw new ParseException("unexpected '" + c + "', expected a value", pos);
                }
            };
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) throw new ParseException("invalid literal, expected '" + word + "'", pos);
            pos += word.length();
            return value;
        }

        private Map<String, Object> object(int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++; // '{'
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') throw new ParseException("expected a string key", pos);
                int keyPos = pos;
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object v = value(depth + 1);
                if (map.containsKey(key)) throw new ParseException("duplicate key \"" + key + "\"", keyPos);
                map.put(key, v);
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == '}') return map;
                if (c != ',') throw new ParseException("expected ',' or '}' in object", pos - 1);
            }
        }

        private List<Object> array(int depth) {
            List<Object> list = new ArrayList<>();
            pos++; // '['
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth + 1));
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == ']') return list;
                if (c != ',') throw new ParseException("expected ',' or ']' in array", pos - 1);
            }
        }

        private String string() {
            int start = pos;
            pos++; // opening quote
            StringBuilder sb = null; // only built when the string has escapes
            int runStart = pos;
            while (true) {
                if (pos >= s.length()) throw new ParseException("unterminated string", start);
                char c = s.charAt(pos);
                if (c == '"') {
                    String result = sb == null ? s.substring(runStart, pos) : sb.append(s, runStart, pos).toString();
                    pos++;
                    return result;
                }
                if (c < 0x20) throw new ParseException("control character in string", pos);
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(s, runStart, pos);
                pos++;
                if (pos >= s.length()) throw new ParseException("unterminated string", start);
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw new ParseException("truncated \\u escape", pos - 2);
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos + i), 16);
                            if (d < 0) throw new ParseException("bad hex digit in \\u escape", pos + i);
                            code = code * 16 + d;
                        }
                        pos += 4;
                        sb.append((char) code); // surrogate pairs arrive as two escapes, joined by the String
                    }
                    default -> throw new ParseException("invalid escape '\\" + e + "'", pos - 2);
                }
                runStart = pos;
            }
        }

        private Object number() {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) pos++;
            } else {
                throw new ParseException("invalid number", start);
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) throw new ParseException("invalid number: digit expected after '.'", pos);
                while (isDigit(peek())) pos++;
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!isDigit(peek())) throw new ParseException("invalid number: digit expected in exponent", pos);
                while (isDigit(peek())) pos++;
            }
            String text = s.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException tooBig) {
                    return Double.parseDouble(text);
                }
            }
            return Double.parseDouble(text);
        }

        private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

        /** The current character, or NUL at the end (never valid where it is checked). */
        private char peek() { return pos < s.length() ? s.charAt(pos) : '\0'; }

        private void expect(char c) {
            if (peek() != c) throw new ParseException("expected '" + c + "'", pos);
            pos++;
        }
    }
}
