package cvae.kernels.cpu;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * What the probes that train take from a build's harness.jar: a class loader of their own for
 * it (so that two builds can run side by side), and MNIST's training set loaded by that build's
 * {@code cvae.harness.data.Mnist}, by reflection (the probes compile against the kernels only).
 */
final class HarnessJar {
    private HarnessJar() {}

    /** A class loader for the jar, above the platform's (not this process's classpath). */
    static ClassLoader open(Path jar) throws Exception {
        return new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    /** MNIST's training images (784 floats each, in [0, 1]) and labels. */
    record Train(float[] images, byte[] labels, int count) {}

    static Train mnistTrain(ClassLoader cl, Path dataDir) throws Exception {
        Object dataset = cl.loadClass("cvae.harness.data.Mnist").getMethod("load", Path.class).invoke(null, dataDir);
        Object train = dataset.getClass().getMethod("train").invoke(dataset);
        return new Train((float[]) train.getClass().getMethod("images").invoke(train),
                (byte[]) train.getClass().getMethod("labels").invoke(train),
                (int) train.getClass().getMethod("count").invoke(train));
    }
}
