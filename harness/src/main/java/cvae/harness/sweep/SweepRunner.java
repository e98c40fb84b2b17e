package cvae.harness.sweep;

import cvae.harness.UserError;
import cvae.harness.data.Mnist;
import cvae.harness.io.AtomicFiles;
import cvae.harness.train.EpochMetrics;
import cvae.harness.train.TrainConfig;
import cvae.harness.quality.Classifiers;
import cvae.harness.train.Trainer;
import cvae.kernels.Backend;
import cvae.kernels.Backends;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs an experiment's trials into a results folder, N at once, each on its own backend in
 * this JVM (the dataset is loaded once), each writing the run directory of {@code train}
 * under {@code DIR/<trial-id>/}.
 *
 * <p>Resume: a trial whose run.json says finished or diverged is skipped; any other continues
 * from its checkpoint (the trainer's resume gives the curve an uninterrupted run has). Every
 * file is written atomically (temp file, fsync, rename), so a kill at any moment, SIGKILL
 * included, loses at most the epoch in progress; hidden temp files a kill leaves behind are
 * removed before a trial resumes. The manifest (sweep.json) is written before any training; a
 * rerun with a changed experiment is refused unless {@code --new}, which keeps the trials whose
 * configuration is unchanged and moves the others to {@code _superseded/<time>/}. A lock file
 * (.lock) keeps two sweeps out of one folder.
 */
public final class SweepRunner {
    public static final String LOCK = ".lock", EXPERIMENT_COPY = "experiment.yaml", SUPERSEDED = "_superseded";

    /**
     * jobs ≤ 0: one per core (as many as the Java heap holds; 1 on cuda); threads null: cores / jobs (or the
     * experiment's threads when it sets them).
     */
    public record Options(int jobs, Integer threads, boolean acceptChanged, boolean verbose) {}

    private final Experiment exp;
    private final Path dir;
    private final Options opt;
    private final PrintWriter out;
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private SweepProgress progress;

    public SweepRunner(Experiment exp, Path dir, Options opt, PrintWriter out) {
        this.exp = exp;
        this.dir = dir;
        this.opt = opt;
        this.out = out;
    }

    /** Runs the sweep; returns 0 when every trial finished or diverged, 1 when one failed. */
    public int run(Supplier<Mnist.Dataset> data) throws IOException {
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) throw new UserError(dir + ": another sweep is running in this folder (it holds " + LOCK + ")");
            try {
                return runLocked(data);
            } finally {
                lock.release();
            }
        }
    }

    private int runLocked(Supplier<Mnist.Dataset> data) throws IOException {
        checkManifest();
        removeTemps(dir);

        List<Experiment.Trial> todo = new ArrayList<>();
        int finished = 0, diverged = 0;
        for (Experiment.Trial t : exp.trials()) {
            Path rd = dir.resolve(t.id());
            Results.Status s = Files.exists(rd.resolve("config.yaml")) ? Results.status(rd) : Results.Status.PENDING;
            if (s == Results.Status.FINISHED) finished++;
            else if (s == Results.Status.DIVERGED) diverged++;
            else todo.add(t);
        }
        int n = exp.trials().size();
        if (finished + diverged > 0)
            out.println("skipping " + (finished + diverged) + " of " + n + " trials already done (" + finished + " finished, "
                    + diverged + " diverged)");
        if (todo.isEmpty()) {
            out.println("all " + n + " trials of " + exp.name() + " are done");
            return report();
        }

        int cores = Runtime.getRuntime().availableProcessors();
        String backend = exp.trials().getFirst().config().backend();
        // each cpu trial holds its own copy of the images it uses (4 bytes a pixel) besides the model
        long perTrial = 0;
        for (Experiment.Trial t : todo) {
            TrainConfig c = t.config();
            long images = (c.trainLimit() > 0 ? c.trainLimit() : 60_000) + (c.testLimit() > 0 ? c.testLimit() : 10_000);
            perTrial = Math.max(perTrial, images * 794 * 4 + (64L << 20));
        }
        long room = Runtime.getRuntime().maxMemory() - (70_000L * 794 * 4) - (256L << 20);
        int byMemory = backend.equals("cuda") ? Integer.MAX_VALUE : (int) Math.max(1, Math.min(Integer.MAX_VALUE, room / perTrial));
        int jobs = opt.jobs() > 0 ? opt.jobs() : backend.equals("cuda") ? 1 : Math.min(cores, byMemory);
        jobs = Math.max(1, Math.min(jobs, todo.size()));
        if (jobs > byMemory)
            out.println("warning: " + jobs + " trials at once may not fit the Java heap (" + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB; about " + (perTrial >> 20) + " MiB each): use fewer --jobs or more heap (CVAE_JAVA_OPTS=-Xmx...)");
        int baseThreads = exp.trials().getFirst().config().threads();
        int threads = opt.threads() != null && opt.threads() > 0 ? opt.threads() : baseThreads > 0 ? baseThreads : Math.max(1, cores / jobs);
        out.println(String.format(Locale.ROOT, "sweep %s: %d trials to run, %d at once%s -> %s", exp.name(), todo.size(), jobs,
                backend.equals("cpu") ? ", " + threads + " cpu thread(s) each" : ", backend " + backend, dir));

        Mnist.Dataset ds = data.get();
        // Every trial judges its samples with the same classifier: train it once, before the trials, when it is missing.
        Path classifier = Trainer.Quality.defaults().classifier();
        if (!Files.exists(classifier))
            try (Backend be = Backends.open("cpu", cores)) {
                Classifiers.train(be, ds, Classifiers.Settings.defaults(), classifier, out::println);
            }
        progress = new SweepProgress(out, n, SweepProgress.terminal());
        for (Experiment.Trial t : exp.trials()) {
            long work = (long) t.config().epochs() * images(t.config(), ds);
            progress.addTotal(work);
            if (!todo.contains(t)) {
                progress.addDoneBefore(work);
                progress.trialEnded();
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread th = new Thread(r, "trial");
            th.setDaemon(true);
            return th;
        });
        final int th = threads;
        for (Experiment.Trial t : todo) pool.submit(() -> runTrial(t, th, ds));
        pool.shutdown();
        try {
            while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
                // keep waiting: trials may take hours
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
        progress.end();
        int rc = report();
        if (!failures.isEmpty()) {
            out.println(failures.size() + " trial(s) failed (rerun the same command to retry them):");
            for (String f : failures) out.println("  " + f);
            return 1;
        }
        return rc;
    }

    private static int images(TrainConfig c, Mnist.Dataset ds) {
        int all = ds.train().count();
        return c.trainLimit() > 0 ? Math.min(c.trainLimit(), all) : all;
    }

    private void runTrial(Experiment.Trial t, int threads, Mnist.Dataset ds) {
        Path rd = dir.resolve(t.id());
        TrainConfig cfg = t.config().with(Map.of("threads", threads), "sweep");
        int nTrain = images(cfg, ds), batch = Math.min(cfg.batchSize(), nTrain);
        long t0 = System.nanoTime();
        try {
            removeTemps(rd);
            removeTemps(rd.resolve("samples"));
            PrintStream log = opt.verbose() ? new PrintStream(new LineSink(t.id()), true, StandardCharsets.UTF_8)
                    : new PrintStream(OutputStream.nullOutputStream());
            Trainer.Result r;
            try (Backend be = Backends.open(cfg.backend(), cfg.resolvedThreads())) {
                long[] seen = {0};
                r = new Trainer(cfg, be, ds, rd, log).quality(Trainer.Quality.defaults()).listener(new Trainer.Listener() {
                    @Override public void started(int firstEpoch) {
                        progress.addDoneBefore((long) firstEpoch * nTrain);
                        progress.line(firstEpoch == 0
                                ? "start   " + t.id() + "  (" + cfg.epochs() + " epochs)"
                                : "resume  " + t.id() + "  at epoch " + firstEpoch + "/" + cfg.epochs());
                    }

                    @Override public void step(int epoch, int step, int stepsPerEpoch) {
                        long doneInEpoch = Math.min((long) step * batch, nTrain);
                        progress.addWork(doneInEpoch - seen[0]);
                        seen[0] = step == stepsPerEpoch ? 0 : doneInEpoch;
                    }
                }).run(true);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            progress.trialEnded();
            if (r.status() == Trainer.Status.DIVERGED) {
                progress.addWork((long) (cfg.epochs() - r.divergedAtEpoch() - 1) * nTrain);    // never run: counts as done
                progress.line(String.format(Locale.ROOT, "DIVERGED %s  at epoch %d (loss not finite); the sweep goes on  %s",
                        t.id(), r.divergedAtEpoch(), progress.status()));
            } else {
                EpochMetrics last = r.epochs().getLast();
                EpochMetrics best = r.epochs().stream().min(java.util.Comparator.comparingDouble(EpochMetrics::testLoss)).orElse(last);
                progress.line(String.format(Locale.ROOT, "done    %s  test %.6f (best %.6f at epoch %d)  train %.6f  %s  %s",
                        t.id(), last.testLoss(), best.testLoss(), best.epoch(), last.trainLoss(), SweepProgress.duration(s), progress.status()));
            }
        } catch (Throwable e) {       // a failed trial is reported and the sweep goes on; a rerun retries it
            progress.trialEnded();
            String msg = e instanceof UserError || e instanceof cvae.kernels.BackendUnavailableException ? e.getMessage() : e.toString();
            failures.add(t.id() + ": " + msg);
            progress.line("FAILED  " + t.id() + ": " + msg);
            if (!(e instanceof UserError)) e.printStackTrace();
        }
        updateSummary();
    }

    /** Rewrites summary.csv and summary.md (after every trial, so they can be watched). */
    private synchronized void updateSummary() {
        try {
            Summary.write(Results.collect(dir));
        } catch (RuntimeException e) {
            progress.line("warning: cannot update the summary: " + e.getMessage());
        }
    }

    /** Writes the tables and plots and prints the table; 0. */
    private synchronized int report() throws IOException {
        Results.Sweep s = Results.collect(dir);
        Summary.write(s);
        Plots.write(s);
        out.println();
        out.print(Summary.markdown(s));
        out.println();
        out.println("wrote " + dir.resolve(Summary.CSV) + ", " + Summary.MD + ", " + Plots.CURVES + ", " + Plots.SAMPLES);
        return 0;
    }

    // ------------------------------------------------------------------- manifest, resume

    private void checkManifest() throws IOException {
        Manifest.Loaded old = Manifest.read(dir);
        if (old == null) {
            List<Path> strays = runDirs();
            if (!strays.isEmpty()) {
                if (!opt.acceptChanged())
                    throw new UserError(dir + " holds run directories but no " + Manifest.FILE + " (it is not this sweep's folder): "
                            + "pass --new to move them to " + SUPERSEDED + "/, or choose another --out");
                Path archive = archive();
                for (Path p : strays) Files.move(p, archive.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                out.println("moved " + strays.size() + " run directories to " + archive);
            }
            writeManifest(null);
            return;
        }
        List<String> diffs = new ArrayList<>(Manifest.differences(old, exp));
        if (old.name() != null && !old.name().equals(exp.name())) diffs.addFirst("experiment name " + old.name() + " -> " + exp.name());
        if (diffs.isEmpty()) {
            if (!exp.sha256().equals(old.experimentSha256()) || !Files.exists(dir.resolve(EXPERIMENT_COPY))) {
                writeManifest((String) old.raw().get("created"));     // edited (comments, order) but the same trials
            }
            return;
        }
        String list = "\n  " + String.join("\n  ", diffs.size() > 12 ? diffs.subList(0, 12) : diffs)
                + (diffs.size() > 12 ? "\n  ... and " + (diffs.size() - 12) + " more" : "");
        if (!opt.acceptChanged())
            throw new UserError(dir + " holds a sweep of a different experiment than " + exp.source() + ":" + list
                    + "\nPass --new to run the new experiment there (trials whose configuration is unchanged are kept, the others "
                    + "are moved to " + dir.resolve(SUPERSEDED) + "/), or --out DIR to write elsewhere.");
        Path archive = archive();
        int moved = 0;
        for (Manifest.Entry e : old.trials()) {
            Experiment.Trial now = exp.trial(e.id());
            boolean same = now != null && cvae.harness.io.Json.write(Experiment.identity(now.config())).equals(cvae.harness.io.Json.write(e.config()));
            Path rd = dir.resolve(e.id());
            if (!same && Files.exists(rd)) {
                Files.move(rd, archive.resolve(e.id()), StandardCopyOption.ATOMIC_MOVE);
                moved++;
            }
        }
        for (String f : List.of(Manifest.FILE, EXPERIMENT_COPY))
            if (Files.exists(dir.resolve(f))) Files.copy(dir.resolve(f), archive.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        out.println("the experiment changed (" + diffs.size() + " difference(s)); moved " + moved + " trial(s) and the old manifest to " + archive);
        writeManifest(null);
    }

    private void writeManifest(String created) {
        Manifest.write(dir, exp, created);
        AtomicFiles.writeString(dir.resolve(EXPERIMENT_COPY), exp.text());
    }

    private Path archive() throws IOException {
        String ts = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC).format(Instant.now());
        Path a = dir.resolve(SUPERSEDED).resolve(ts);
        for (int i = 2; Files.exists(a); i++) a = dir.resolve(SUPERSEDED).resolve(ts + "-" + i);
        Files.createDirectories(a);
        return a;
    }

    private List<Path> runDirs() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Results::isRunDir).sorted().toList();
        }
    }

    /** Removes the hidden temp files (".name.<hex>.tmp") an interrupted atomic write leaves behind. */
    static void removeTemps(Path d) throws IOException {
        if (!Files.isDirectory(d)) return;
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.toList())
                if (p.getFileName().toString().matches("\\..+\\.[0-9a-f]+\\.tmp") && Files.isRegularFile(p)) Files.deleteIfExists(p);
        }
    }

    /** The trainer's per-epoch lines under --verbose, prefixed with the trial id. */
    private final class LineSink extends OutputStream {
        private final String prefix;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        LineSink(String id) { this.prefix = "  " + id + ": "; }

        @Override public void write(int b) {
            if (b == '\n') {
                progress.line(prefix + buf.toString(StandardCharsets.UTF_8));
                buf.reset();
            } else {
                buf.write(b);
            }
        }
    }
}
