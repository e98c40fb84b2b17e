package cvae.harness.model;

/**
 * Layer sizes of the CVAE (SPEC.md's defaults: encoder 794→512→2L, prior encoder
 * 10→128→2L, decoder (L+10)→512→784, L = 20). The article leaves them out; these are
 * configuration so that other sizes can be swept.
 */
public record ModelConfig(int latent, int encoderHidden, int priorHidden, int decoderHidden) {
    public static final int PIXELS = 784;
    public static final int CLASSES = 10;

    public static ModelConfig defaults() { return new ModelConfig(20, 512, 128, 512); }

    public ModelConfig {
        if (latent <= 0 || encoderHidden <= 0 || priorHidden <= 0 || decoderHidden <= 0)
            throw new IllegalArgumentException("layer sizes must be positive");
    }
}
