package cvae.harness.cli;

import cvae.harness.UserError;
import cvae.harness.train.TrainConfig;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a config.yaml (YAML 1.2) back into a {@link TrainConfig}. */
public final class TrainConfigYaml {
    private TrainConfigYaml() {}

    public static TrainConfig parse(String yaml, String where) {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(where).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new UserError(where + ": " + e.getMessage());
        }
        if (!(doc instanceof Map<?, ?> m)) throw new UserError(where + ": expected a mapping of configuration keys");
        Map<String, Object> overrides = new LinkedHashMap<>();
        m.forEach((k, v) -> overrides.put(String.valueOf(k), v));
        return TrainConfig.defaults().with(overrides, where).validate(where);
    }
}
