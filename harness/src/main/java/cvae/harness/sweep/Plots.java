package cvae.harness.sweep;

import cvae.harness.plot.BitmapFont;
import cvae.harness.plot.LinePlot;
import cvae.harness.plot.Png;
import cvae.harness.plot.SampleGrid;
import cvae.harness.train.EpochMetrics;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The sweep's pictures.
 *
 * <p>{@code curves.png}: the test loss per epoch of every trial, as small multiples. For each
 * swept key with 2 to 10 values there is one section, "effect of KEY": one panel per
 * combination of the other swept keys that has two or more of them, holding one line per value
 * of KEY (the same colour for the same value in every panel). A lr × batch sweep thus shows
 * lines of lr side by side for each batch size, then lines of batch size for each lr. When
 * some trial is in no panel (keys with more than 10 values, a sparse random sample), a first
 * panel shows every trial.
 *
 * <p>{@code samples.png}: the last epoch's sample grid of every trial (its
 * {@code samples/epochNNNN.png}), stacked in table order, labelled with the swept values.
 */
public final class Plots {
    public static final String CURVES = "curves.png", SAMPLES = "samples.png";
    static final int PANEL_W = 520, PANEL_H = 340, PER_ROW = 4, MAX_PANELS = 12, MAX_VALUES = 10;
    private static final Color TEXT = new Color(0x22, 0x22, 0x22);

    private Plots() {}

    public static void write(Results.Sweep s) throws IOException {
        Png.write(s.dir().resolve(CURVES), curves(s));
        Png.write(s.dir().resolve(SAMPLES), samples(s));
    }

    record Panel(String title, List<LinePlot.Series> series) {}

    record Section(String heading, List<Panel> panels) {}

    public static BufferedImage curves(Results.Sweep s) {
        List<Results.Trial> trials = s.trials().stream().filter(t -> !t.rows().isEmpty()).toList();
        List<Section> sections = new ArrayList<>();
        java.util.Set<Results.Trial> shown = new java.util.HashSet<>();
        List<String> varying = new ArrayList<>();
        for (String k : s.swept()) if (values(trials, k).size() > 1) varying.add(k);
        for (String key : varying) {
            TreeSet<String> vals = values(trials, key);
            if (vals.size() > MAX_VALUES) continue;
            List<String> others = varying.stream().filter(k -> !k.equals(key)).toList();
            Map<List<String>, Map<String, Results.Trial>> groups = new TreeMap<>(Values.NATURAL_LIST);
            for (Results.Trial t : trials) {
                List<String> group = new ArrayList<>();
                for (String o : others) group.add(t.params().get(o));
                groups.computeIfAbsent(group, x -> new LinkedHashMap<>()).put(t.params().get(key), t);
            }
            // a panel with one line shows no effect (a random sample rarely fills the grid): only panels of 2+ lines
            groups.values().removeIf(g -> g.size() < 2);
            if (groups.isEmpty()) continue;
            List<Panel> panels = new ArrayList<>();
            for (Map.Entry<List<String>, Map<String, Results.Trial>> g : groups.entrySet()) {
                if (panels.size() == MAX_PANELS) break;
                shown.addAll(g.getValue().values());
                List<LinePlot.Series> series = new ArrayList<>();
                for (String v : vals) {
                    Results.Trial t = g.getValue().get(v);
                    // a missing value keeps its place (an empty, unnamed series) so colours match across panels
                    series.add(t == null ? new LinePlot.Series("", new double[0], new double[0])
                            : curve(key + "=" + v + (t.status() == Results.Status.DIVERGED ? " (diverged)" : ""), t));
                }
                List<String> title = new ArrayList<>();
                for (int i = 0; i < others.size(); i++) title.add(others.get(i) + "=" + g.getKey().get(i));
                panels.add(new Panel(title.isEmpty() ? "test loss" : String.join(", ", title), series));
            }
            String heading = "effect of " + key + (others.isEmpty() ? "" : " (one panel per " + String.join(" x ", others) + ")")
                    + (groups.size() > MAX_PANELS ? ", first " + MAX_PANELS + " of " + groups.size() + " panels" : "");
            sections.add(new Section(heading, panels));
        }
        if (sections.isEmpty() || shown.size() < trials.size()) {     // trials no panel shows: all of them on one panel first
            List<LinePlot.Series> series = new ArrayList<>();
            for (Results.Trial t : trials) series.add(curve(trials.size() <= MAX_VALUES ? t.label(", ") : "", t));
            sections.addFirst(new Section("all trials", List.of(new Panel("test loss", series))));
        }
        return compose(s.name() + ": test loss per epoch (" + trials.size() + " trials)", sections);
    }

    /**
     * compare's picture: for each trial (or epoch table) the two sides' test loss curves on one
     * panel, A solid in blue, B in orange; the first {@value #MAX_PANELS} trials A and B share.
     */
    public static BufferedImage comparison(List<Results.Trial> a, List<Results.Trial> b, String nameA, String nameB) {
        java.util.Map<String, Results.Trial> byId = new LinkedHashMap<>();
        for (Results.Trial t : b) byId.put(t.id(), t);
        List<Panel> panels = new ArrayList<>();
        int shared = 0;
        for (Results.Trial t : a) {
            Results.Trial u = a.size() == 1 && b.size() == 1 ? b.getFirst() : byId.get(t.id());   // two single runs: pair them
            if (u == null || (t.rows().isEmpty() && u.rows().isEmpty())) continue;
            shared++;
            if (panels.size() < MAX_PANELS) panels.add(new Panel(a.size() == 1 ? "test loss" : t.label(", "),
                    List.of(curve("A", t), curve("B", u))));
        }
        String heading = "A = " + nameA + "   B = " + nameB + (shared > MAX_PANELS ? "   (first " + MAX_PANELS + " of " + shared + " trials)" : "");
        return compose("test loss, A and B", List.of(new Section(heading, panels)));
    }

    private static LinePlot.Series curve(String name, Results.Trial t) {
        int n = t.rows().size();
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            EpochMetrics m = t.rows().get(i);
            x[i] = m.epoch();
            y[i] = m.testLoss();
        }
        return new LinePlot.Series(name, x, y);
    }

    private static TreeSet<String> values(List<Results.Trial> trials, String key) {
        TreeSet<String> v = new TreeSet<>(Values.NATURAL);
        for (Results.Trial t : trials) v.add(t.params().get(key));
        return v;
    }

    static BufferedImage compose(String title, List<Section> sections) {
        int titleH = 44, headH = 34, pad = 10;
        int cols = 1, height = titleH;
        for (Section sec : sections) {
            cols = Math.max(cols, Math.min(PER_ROW, sec.panels().size()));
            height += headH + ((sec.panels().size() + PER_ROW - 1) / PER_ROW) * PANEL_H + pad;
        }
        int width = Math.max(cols * PANEL_W, BitmapFont.boldWidth(title, 3) + 2 * pad);
        BufferedImage img = canvas(width, height);
        Graphics2D g = img.createGraphics();
        BitmapFont.drawBold(g, title, pad, 12, 3, TEXT);
        int y = titleH;
        for (Section sec : sections) {
            BitmapFont.drawBold(g, sec.heading(), pad, y + 10, 2, TEXT);
            y += headH;
            for (int i = 0; i < sec.panels().size(); i++) {
                Panel p = sec.panels().get(i);
                boolean markers = p.series().stream().allMatch(se -> se.x().length <= 20);
                BufferedImage im = LinePlot.render(PANEL_W, PANEL_H, p.title(), "epoch", "test loss", p.series(), true, markers);
                g.drawImage(im, (i % PER_ROW) * PANEL_W, y + (i / PER_ROW) * PANEL_H, null);
            }
            y += ((sec.panels().size() + PER_ROW - 1) / PER_ROW) * PANEL_H + pad;
        }
        g.dispose();
        return img;
    }

    public static BufferedImage samples(Results.Sweep s) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Results.Trial t : s.trials()) {
            Path png = lastSample(s.dir().resolve(t.id()));
            String status = switch (t.status()) {
                case FINISHED -> null;
                case DIVERGED -> "diverged at " + t.divergedAt();
                default -> t.status().label() + " (" + t.rows().size() + " ep.)";
            };
            BufferedImage im = png == null ? null : ImageIO.read(png.toFile());
            if (im == null) im = placeholder(status == null ? "no samples" : "no samples: " + status);
            images.add(im);
            String label = t.label("\n");
            labels.add(status == null ? label : label + "\n" + status);
        }
        if (images.isEmpty()) {
            images.add(placeholder("no trials"));
            labels.add(null);
        }
        return SampleGrid.stack(images, labels);
    }

    /** The sample grid of the highest epoch in {@code runDir/samples}, or null. */
    static Path lastSample(Path runDir) throws IOException {
        Path dir = runDir.resolve("samples");
        if (!Files.isDirectory(dir)) return null;
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("epoch\\d+\\.png")).max(Path::compareTo).orElse(null);
        }
    }

    private static BufferedImage placeholder(String text) {
        BufferedImage img = canvas(1176, 182);
        Graphics2D g = img.createGraphics();
        BitmapFont.draw(g, text, 20, 80, 2, new Color(0x88, 0x88, 0x88));
        g.dispose();
        return img;
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.dispose();
        return img;
    }
}
