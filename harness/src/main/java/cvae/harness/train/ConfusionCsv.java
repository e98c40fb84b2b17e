package cvae.harness.train;

import cvae.harness.UserError;
import cvae.harness.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * confusion.csv: the digit classifier's confusion matrix of each epoch's samples, ten rows
 * per epoch, {@code epoch,label,pred_0,…,pred_9}: how many samples drawn for {@code label}
 * the classifier called each digit. Written whole, atomically, after every epoch.
 */
public final class ConfusionCsv {
    public static final String FILE = "confusion.csv";
    public static final String HEADER = "epoch,label,pred_0,pred_1,pred_2,pred_3,pred_4,pred_5,pred_6,pred_7,pred_8,pred_9";

    private ConfusionCsv() {}

    /** The ten rows of one epoch. */
    public static List<String> rows(int epoch, int[][] confusion) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < confusion.length; k++) {
            StringBuilder sb = new StringBuilder().append(epoch).append(',').append(k);
            for (int c : confusion[k]) sb.append(',').append(c);
            out.add(sb.toString());
        }
        return out;
    }

    public static void write(Path file, List<String> rows) {
        AtomicFiles.writeString(file, HEADER + "\n" + String.join("\n", rows) + (rows.isEmpty() ? "" : "\n"));
    }

    /** The rows of the first {@code epochs} epochs (what a resumed run keeps); none when the file is missing. */
    public static List<String> read(Path file, int epochs) {
        List<String> out = new ArrayList<>();
        if (epochs == 0 || !Files.exists(file)) return out;
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) continue;
                int e;
                try {
                    e = Integer.parseInt(line.substring(0, line.indexOf(',')));
                } catch (RuntimeException ex) {
                    throw new UserError(file + ":" + (i + 1) + ": cannot read the row '" + line + "'");
                }
                if (e < epochs) out.add(line);
            }
            return out;
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Parses rows written by {@link #rows}: epoch → 10×10 counts, in file order. */
    public static Map<Integer, int[][]> parse(Path file) {
        Map<Integer, int[][]> out = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                String[] f = lines.get(i).split(",");
                try {
                    int e = Integer.parseInt(f[0]), k = Integer.parseInt(f[1]);
                    int[] counts = new int[10];
                    for (int j = 0; j < 10; j++) counts[j] = Integer.parseInt(f[2 + j]);
                    out.computeIfAbsent(e, x -> new int[10][])[k] = counts;
                } catch (RuntimeException ex) {
                    throw new UserError(file + ":" + (i + 1) + ": expected epoch,label and 10 counts, found '" + lines.get(i) + "'");
                }
            }
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        return out;
    }
}
