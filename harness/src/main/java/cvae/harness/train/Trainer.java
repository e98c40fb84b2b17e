package cvae.harness.train;

import cvae.harness.UserError;
import cvae.harness.data.Mnist;
import cvae.harness.io.AtomicFiles;
import cvae.harness.model.Cvae;
import cvae.harness.model.ModelConfig;
import cvae.harness.plot.LinePlot;
import cvae.harness.plot.SampleGrid;
import cvae.harness.quality.Classifiers;
import cvae.harness.quality.ImageMeasures;
import cvae.harness.quality.SampleQuality;
import cvae.harness.quality.SampleQualityMeter;
import cvae.kernels.Backend;
import cvae.kernels.IndexBuffer;
import cvae.kernels.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the CVAE for the configured epochs and writes the run directory:
 * config.yaml, metrics.csv, confusion.csv, samples/epochNNNN.png, curves.png, run.json and
 * checkpoint.safetensors (after every epoch, so that a run can be resumed).
 *
 * <p>With {@link #quality} set, every epoch also judges the prior samples
 * ({@link SampleQuality}); that uses its own eps stream and touches no weight, so the loss
 * curve is the same with it or without it.
 *
 * <p>Random streams: the shuffle of epoch e depends on (seed, e); the eps of training
 * step t on (seed, stream TRAIN + t); test-set eps and sample eps on fixed streams.
 * A resumed run therefore continues with the same curve it would have had.
 */
public final class Trainer {
    static final long STREAM_TRAIN = 1L << 40, STREAM_EVAL = 2L << 40, STREAM_SAMPLES = 3L << 40;

    /** Outcome of a run. */
    public enum Status { FINISHED, DIVERGED }

    public record Result(Status status, List<EpochMetrics> epochs, int divergedAtEpoch) {}

    /**
     * Follows a run from outside (the sweep's overall progress bar). When one is set, the
     * trainer draws no progress bar of its own.
     */
    public interface Listener {
        /** Training begins at {@code firstEpoch} (0, or the epochs a resumed checkpoint holds). */
        default void started(int firstEpoch) {}

        /** {@code step} of {@code stepsPerEpoch} training steps of {@code epoch} are done. */
        default void step(int epoch, int step, int stepsPerEpoch) {}
    }

    private final TrainConfig cfg;
    private final Backend be;
    private final Mnist.Dataset data;
    private final Path out;
    private final PrintStream log;
    private final Progress progress;
    private Listener listener;
    private Quality quality;

    /** Sample-quality metrics per epoch: the classifier file to judge with and the samples per label. */
    public record Quality(Path classifier, int perLabel) {
        public static Quality defaults() { return new Quality(Classifiers.defaultFile(), 100); }
    }

    public Trainer(TrainConfig cfg, Backend be, Mnist.Dataset data, Path out, PrintStream log) {
        this.cfg = cfg;
        this.be = be;
        this.data = data;
        this.out = out;
        this.log = log;
        this.progress = new Progress(log);
    }

    /** Reports progress to {@code l} instead of drawing the terminal progress bar; returns this trainer. */
    public Trainer listener(Listener l) {
        this.listener = l;
        return this;
    }

    /** Measures sample quality after every epoch (null: not at all); returns this trainer. */
    public Trainer quality(Quality q) {
        this.quality = q;
        return this;
    }

    public static Path checkpointFile(Path runDir) { return runDir.resolve("checkpoint.safetensors"); }

    /** Trains from scratch, or continues from the run directory's checkpoint when {@code resume}. */
    public Result run(boolean resume) throws IOException {
        Files.createDirectories(out.resolve("samples"));
        int nTrain = cfg.trainLimit() > 0 ? Math.min(cfg.trainLimit(), data.train().count()) : data.train().count();
        int nTest = cfg.testLimit() > 0 ? Math.min(cfg.testLimit(), data.test().count()) : data.test().count();
        int batch = Math.min(cfg.batchSize(), nTrain);
        int evalBatch = Math.min(cfg.evalBatch(), nTest);
        ModelConfig mc = cfg.model();
        List<EpochMetrics> history = new ArrayList<>();
        Instant started = Instant.now();

        try (Cvae model = new Cvae(be, mc, Math.max(Math.max(batch, evalBatch), 10 * cfg.sampleRows()))) {
            int firstEpoch = 0;
            Path ckpt = checkpointFile(out);
            if (resume && Files.exists(ckpt)) {
                Checkpoints.Restored r = Checkpoints.load(ckpt, model, be, cfg);
                firstEpoch = r.epochsDone();
                history.addAll(MetricsCsv.read(out.resolve("metrics.csv"), firstEpoch));
                log.println("resuming " + out + " after epoch " + (firstEpoch - 1));
            } else {
                model.initialise(cfg.seed());
            }
            if (listener != null) listener.started(firstEpoch);
            AtomicFiles.writeString(out.resolve("config.yaml"), cfg.toYaml());
            RunInfo info = new RunInfo(cfg, be, data, started);
            SampleQualityMeter meter = null;
            List<String> confusion = new ArrayList<>();
            if (quality != null) {
                Classifiers.Loaded cl = Classifiers.loadOrTrain(be, quality.classifier(), data, 1000, log::println);
                log.printf(Locale.ROOT, "digit classifier %s: test accuracy %.2f %%%n", cl.file(), 100 * cl.testAccuracy());
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("file", cl.file().toString());
                c.put("sha256", cl.sha256());
                c.put("test_accuracy", cl.testAccuracy());
                c.put("samples_per_label", quality.perLabel());
                info.put("classifier", c);
                meter = new SampleQualityMeter(be, model, cl.classifier(), data, cfg.normalization(), cfg.seed(), quality.perLabel());
                confusion.addAll(ConfusionCsv.read(out.resolve(ConfusionCsv.FILE), firstEpoch));
            }
            info.write(out.resolve("run.json"), null);

            // The dataset goes to the backend once, in the model's pixel scale; batches are gathered there.
            Normalization norm = cfg.normalization();
            Tensor trainX = upload(norm.apply(data.train().images()), nTrain, ModelConfig.PIXELS);
            Tensor trainY = upload(Mnist.oneHot(data.train().labels()), nTrain, ModelConfig.CLASSES);
            Tensor testX = upload(norm.apply(data.test().images()), nTest, ModelConfig.PIXELS);
            Tensor testY = upload(Mnist.oneHot(data.test().labels()), nTest, ModelConfig.CLASSES);
            // two batches: the step trains on one while the next is gathered into the other (Prefetch)
            Tensor[] xs = {be.tensor(batch, ModelConfig.PIXELS), be.tensor(batch, ModelConfig.PIXELS)};
            Tensor[] ys = {be.tensor(batch, ModelConfig.CLASSES), be.tensor(batch, ModelConfig.CLASSES)};
            Prefetch prefetch = new Prefetch(trainX, trainY);
            TrainStep trainStep = new TrainStep(model, cfg);
            Tensor ex = be.tensor(evalBatch, ModelConfig.PIXELS), ey = be.tensor(evalBatch, ModelConfig.CLASSES);
            IndexBuffer testOrder = be.indices(identity(nTest));
            SampleRenderer samples = new SampleRenderer(be, model, cfg);
            int stepsPerEpoch = (nTrain + batch - 1) / batch;
            be.fill(model.acc, 0f);

            for (int epoch = firstEpoch; epoch < cfg.epochs(); epoch++) {
                IndexBuffer order = be.indices(Shuffle.permutation(nTrain, cfg.seed(), epoch));
                be.forgetRecordedSteps();                      // the recorded steps gathered from last epoch's order
                long t0 = System.nanoTime();
                if (listener == null) progress.start(epoch, cfg.epochs(), stepsPerEpoch);
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int rows = Math.min(batch, nTrain - s * batch);
                    Tensor bx = xs[s % 2].rows(rows), by = ys[s % 2].rows(rows);
                    if (s == 0) {                              // later batches were gathered during the step before
                        be.gatherRows(bx, trainX, order, 0);
                        be.gatherRows(by, trainY, order, 0);
                    }
                    Prefetch next = null;
                    int nextRows = 0;
                    if (s + 1 < stepsPerEpoch) {
                        nextRows = Math.min(batch, nTrain - (s + 1) * batch);
                        next = prefetch.of(xs[(s + 1) % 2].rows(nextRows), ys[(s + 1) % 2].rows(nextRows), order, (s + 1) * batch);
                    }
                    long step = (long) epoch * stepsPerEpoch + s;
                    trainStep.of(bx, by, STREAM_TRAIN + step, next);
                    if (be.recordsSteps() && rows == batch && nextRows == batch)
                        // Full batches on the same two buffers: steps of one parity repeat the same ops
                        // (the cuda backend replays them as a CUDA graph; same bits).
                        be.recordedStep(s % 2, trainStep);
                    else
                        trainStep.run();
                    if (listener != null) listener.step(epoch, s + 1, stepsPerEpoch);
                    else progress.step(s + 1);
                }
                double[] sums = model.takeLossSums();          // the one host round trip of the epoch
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (listener == null) progress.end();
                double trainMse = sums[0] / nTrain, trainKl = sums[1] / nTrain;
                double trainLoss = trainMse + cfg.klWeight() * trainKl;

                long e0 = System.nanoTime();
                double[] test = evaluate(model, testX, testY, testOrder, ex, ey, nTest, false, epoch);
                double evalSeconds = (System.nanoTime() - e0) / 1e9;
                double testLoss = test[0] + cfg.klWeight() * test[1];
                SampleQuality q = meter == null || !Double.isFinite(testLoss) ? null : meter.measure();
                EpochMetrics m = new EpochMetrics(epoch, trainLoss, trainMse, trainKl, testLoss, test[0], test[1],
                        seconds, nTrain / seconds, evalSeconds, q);
                history.add(m);
                log.println(m.logLine(cfg.epochs()));
                if (q != null) {
                    log.println("  " + q.logLine());
                    confusion.addAll(ConfusionCsv.rows(epoch, q.confusion()));
                    ConfusionCsv.write(out.resolve(ConfusionCsv.FILE), confusion);
                }

                if (!Double.isFinite(trainLoss) || !Double.isFinite(testLoss)) {
                    MetricsCsv.write(out.resolve("metrics.csv"), history);
                    info.write(out.resolve("run.json"), "diverged at epoch " + epoch);
                    return new Result(Status.DIVERGED, history, epoch);
                }
                samples.write(out.resolve("samples").resolve(String.format(Locale.ROOT, "epoch%04d.png", epoch)), epoch, testLoss);
                MetricsCsv.write(out.resolve("metrics.csv"), history);
                writeCurves(history);
                Checkpoints.save(ckpt, model, be, cfg, epoch + 1);
                info.write(out.resolve("run.json"), "running");
            }
            info.write(out.resolve("run.json"), "finished");
        }
        return new Result(Status.FINISHED, history, -1);
    }

    /** Test-set loss: {mean MSE, mean KL} over nTest images, in fixed batches. */
    double[] evaluate(Cvae model, Tensor testX, Tensor testY, IndexBuffer order, Tensor ex, Tensor ey, int nTest,
                      boolean useMean, int epoch) {
        model.takeLossSums();
        int eb = ex.rows();
        for (int s = 0, b = 0; s < nTest; s += eb, b++) {
            int rows = Math.min(eb, nTest - s);
            be.gatherRows(ex.rows(rows), testX, order, s);
            be.gatherRows(ey.rows(rows), testY, order, s);
            model.evaluate(ex.rows(rows), ey.rows(rows), useMean, cfg.seed(), STREAM_EVAL + ((long) epoch << 20) + b);
        }
        double[] sums = model.takeLossSums();
        return new double[]{sums[0] / nTest, sums[1] / nTest};
    }

    /** The dataset on the backend; a host backend keeps the array itself (nothing changes it). */
    private Tensor upload(float[] values, int rows, int cols) {
        float[] part = values.length == rows * cols ? values : java.util.Arrays.copyOf(values, rows * cols);
        return be.tensorOf(part, rows, cols);
    }

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private void writeCurves(List<EpochMetrics> history) throws IOException {
        int n = history.size();
        double[] ep = new double[n], tr = new double[n], te = new double[n];
        for (int i = 0; i < n; i++) {
            ep[i] = history.get(i).epoch();
            tr[i] = history.get(i).trainLoss();
            te[i] = history.get(i).testLoss();
        }
        LinePlot.write(out.resolve("curves.png"),
                String.format(Locale.ROOT, "CVAE loss (batch %d, lr %s, w_KL %s, seed %d)", cfg.batchSize(),
                        TrainConfig.formatDouble(cfg.lr()), TrainConfig.formatDouble(cfg.klWeight()), cfg.seed()),
                "epoch", "loss (MSE + w_KL·KL)",
                List.of(new LinePlot.Series("train", ep, tr), new LinePlot.Series("test", ep, te)), true);
    }

    /** Writes the article's sample grid: one prior sample per label (or N rows), fixed eps per run. */
    static final class SampleRenderer {
        private final Backend be;
        private final Cvae model;
        private final TrainConfig cfg;
        private final Tensor labels, images;

        SampleRenderer(Backend be, Cvae model, TrainConfig cfg) {
            this.be = be;
            this.model = model;
            this.cfg = cfg;
            int n = 10 * cfg.sampleRows();
            float[] y = new float[n * ModelConfig.CLASSES];
            for (int i = 0; i < n; i++) y[i * ModelConfig.CLASSES + i % 10] = 1f;   // row r, column k: label k
            labels = be.tensor(n, ModelConfig.CLASSES);
            be.upload(labels, y);
            images = be.tensor(n, ModelConfig.PIXELS);
        }

        float[][] sample() {
            model.infer(images, labels, cfg.seed(), STREAM_SAMPLES);
            int n = images.rows();
            float[] all = new float[n * ModelConfig.PIXELS];
            be.download(all, images);
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) out[i] = java.util.Arrays.copyOfRange(all, i * ModelConfig.PIXELS, (i + 1) * ModelConfig.PIXELS);
            return out;
        }

        /**
         * The grid twice, one above the other: as the article drew it (its shift and
         * rescale of the figure, then each digit min-max scaled by imshow) and faithfully
         * (one fixed scale for all digits, from the data's black to its white in the
         * model's pixel scale), so that a colour can be told apart from an artefact of the plot.
         */
        void write(Path png, int epoch, double testLoss) throws IOException {
            float[][] x = sample();
            float[][] drawn = new float[x.length][];
            for (int r = 0; r < x.length; r += 10) {
                float[] batch = new float[10 * ModelConfig.PIXELS];
                for (int k = 0; k < 10; k++) System.arraycopy(x[r + k], 0, batch, k * ModelConfig.PIXELS, ModelConfig.PIXELS);
                float[] t = ImageMeasures.articleRendering(batch, 0, 10);
                for (int k = 0; k < 10; k++) drawn[r + k] = java.util.Arrays.copyOfRange(t, k * ModelConfig.PIXELS, (k + 1) * ModelConfig.PIXELS);
            }
            Normalization norm = cfg.normalization();
            String title = String.format(Locale.ROOT, "epoch %d   test loss %.5f", epoch, testLoss);
            SampleGrid.writeStack(png, List.of(
                    SampleGrid.render(drawn, cfg.sampleRows(), title, SampleGrid.Scale.FIXED, 0, 1),
                    SampleGrid.render(x, cfg.sampleRows(), null, SampleGrid.Scale.FIXED, norm.black(), norm.white())),
                    List.of("article\n(min-max)", "faithful\n(black to\nwhite)"));
        }
    }

    /** Checks that a run directory can be written: refuse to mix two runs in one folder. */
    public static void checkOutputDir(Path out, boolean resume) {
        if (!resume && Files.exists(out.resolve("metrics.csv")))
            throw new UserError(out + " already holds a run (metrics.csv exists): pass --resume to continue it, "
                    + "or choose another --out");
    }

    /**
     * One training step, run directly or handed to {@link Backend#recordedStep}; made once
     * and reused (no garbage a step).
     */
    private static final class TrainStep implements Runnable {
        private final Cvae model;
        private final TrainConfig cfg;
        private Tensor x, y;
        private long stream;
        private Prefetch next;

        TrainStep(Cvae model, TrainConfig cfg) { this.model = model; this.cfg = cfg; }

        TrainStep of(Tensor x, Tensor y, long stream, Prefetch next) {
            this.x = x; this.y = y; this.stream = stream; this.next = next;
            return this;
        }

        @Override public void run() {
            model.trainStep(x, y, (float) cfg.klWeight(), (float) cfg.lr(), cfg.seed(), stream, next);
        }
    }

    /**
     * Gathers the next batch while a step runs (Cvae.trainStep's {@code alongside}): the
     * gathers cost about 50 µs a step at batch 64, as much as a step's smaller parts, and
     * touch nothing the step reads. Made once per run: an object made per step would be
     * garbage every step.
     */
    private static final class Prefetch implements java.util.function.Consumer<Backend> {
        private final Tensor srcX, srcY;
        private Tensor x, y;
        private IndexBuffer order;
        private int offset;

        Prefetch(Tensor srcX, Tensor srcY) { this.srcX = srcX; this.srcY = srcY; }

        Prefetch of(Tensor x, Tensor y, IndexBuffer order, int offset) {
            this.x = x; this.y = y; this.order = order; this.offset = offset;
            return this;
        }

        @Override public void accept(Backend b) {
            b.gatherRows(x, srcX, order, offset);
            b.gatherRows(y, srcY, order, offset);
        }
    }
}
