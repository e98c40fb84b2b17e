package cvae.harness.train;

import java.util.List;

/**
 * The pixel scale the model trains in, the configuration key {@code normalize}:
 * {@code none} keeps MNIST's [0, 1]; {@code standard} is torchvision's
 * {@code Normalize((0.1307,), (0.3081,))}, x' = (x − 0.1307) / 0.3081, which maps black to
 * −0.4242 and white to 2.8215. The decoder ends in a sigmoid either way, so under
 * {@code standard} it cannot reach the background's −0.4242 nor a stroke's 2.82: what the
 * article's colours showed depends on this choice, which is why it is a key.
 */
public record Normalization(String mode, double mean, double std) {
    public static final List<String> MODES = List.of("none", "standard");
    public static final Normalization NONE = new Normalization("none", 0, 1);
    public static final Normalization STANDARD = new Normalization("standard", 0.1307, 0.3081);

    public static Normalization of(String mode) {
        return switch (mode) {
            case "none" -> NONE;
            case "standard" -> STANDARD;
            default -> throw new IllegalArgumentException("normalize: " + mode);
        };
    }

    /** A pixel in [0, 1] in the model's scale. */
    public float apply(float pixel) { return (float) ((pixel - mean) / std); }

    /** Pixels in [0, 1] in the model's scale (a new array; the same one when the mode is none). */
    public float[] apply(float[] pixels) {
        if (this == NONE || (mean == 0 && std == 1)) return pixels;
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) out[i] = apply(pixels[i]);
        return out;
    }

    /** The model's value of a black pixel (0). */
    public double black() { return apply(0f); }

    /** The model's value of a white pixel (1). */
    public double white() { return apply(1f); }
}
