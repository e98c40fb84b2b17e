package cvae.harness.sweep;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;

/** How parameter values are written in trial ids, tables and plot labels, and compared for sorting. */
public final class Values {
    private Values() {}

    /**
     * A short text that reads back as the same value: integers as they are; doubles in plain
     * decimal from 1e-4 to 1e7 ({@code 0.0003}, {@code 64}), else as {@code 1e-05}
     * (Python's {@code repr} style); strings as they are.
     */
    public static String format(Object v) {
        if (v instanceof Double d) return formatDouble(d);
        if (v instanceof Float f) return formatDouble(Double.parseDouble(Float.toString(f)));
        return String.valueOf(v);
    }

    static String formatDouble(double d) {
        if (!Double.isFinite(d)) return Double.toString(d);
        if (d == 0) return "0";
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double a = Math.abs(d);
        if (a >= 1e-4 && a < 1e6) return bd.toPlainString();
        int exp = bd.precision() - bd.scale() - 1;
        String mant = bd.movePointLeft(exp).stripTrailingZeros().toPlainString();
        return mant + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
    }

    /** Orders numbers numerically, numbers before text, text alphabetically. */
    public static final Comparator<String> NATURAL = (a, b) -> {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        Double x = number(a), y = number(b);
        if (x != null && y != null) return Double.compare(x, y);
        if (x != null) return -1;
        if (y != null) return 1;
        return a.compareTo(b);
    };

    /** Lists compared element by element with {@link #NATURAL}, shorter first on a tie. */
    public static final Comparator<java.util.List<String>> NATURAL_LIST = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = NATURAL.compare(a.get(i), b.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(a.size(), b.size());
    };

    static Double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Levenshtein distance (one implementation, TrainConfig's). */
    static int distance(String a, String b) { return cvae.harness.train.TrainConfig.distance(a, b); }

    /** " (did you mean 'x'?)" for the nearest of {@code valid}, or the list of valid words. */
    static String suggest(String unknown, Collection<String> valid) {
        String u = unknown.replace('-', '_');
        String best = valid.stream().min(Comparator.comparingInt(k -> distance(k, u))).orElseThrow();
        return distance(best, u) <= Math.max(2, best.length() / 2) ? " (did you mean '" + best + "'?)"
                : " (expected one of: " + String.join(", ", valid) + ")";
    }
}
