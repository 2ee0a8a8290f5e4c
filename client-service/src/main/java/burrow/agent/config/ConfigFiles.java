package burrow.agent.config;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the YAML config files in order and merges them: a later file overrides an earlier one key by key, and
 * {@code tunnels} merge by name. Blocking: call before the event loops start.
 */
public final class ConfigFiles {
  private ConfigFiles() {
  }

  public static Map<String, Object> load(List<String> explicit) {
    Map<String, Object> merged = new LinkedHashMap<>();
    if (explicit.isEmpty()) {
      Path def = BurrowHome.defaultConfig();
      if (Files.isRegularFile(def)) {
        merge(merged, read(def));
      }
      return merged;
    }
    for (String f : explicit) {
      merge(merged, read(Path.of(f)));
    }
    return merged;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new BurrowException(ErrorCode.CONFIG_UNREADABLE, "cannot read config file " + file + ": "
          + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
    }
    try {
      Object o = new Yaml().load(text);
      if (o == null) {
        return new LinkedHashMap<>();
      }
      if (!(o instanceof Map)) {
        throw new BurrowException(ErrorCode.CONFIG_WRONG_TYPE, file + ": the top level must be a map of keys");
      }
      return (Map<String, Object>) o;
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark();
      String where = m == null ? "" : ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
      throw new BurrowException(ErrorCode.CONFIG_YAML_SYNTAX, file + where + ": invalid YAML: " + e.getProblem());
    }
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> into, Map<String, Object> from) {
    for (Map.Entry<String, Object> e : from.entrySet()) {
      if (e.getKey().equals("tunnels") && e.getValue() instanceof Map<?, ?> t && into.get("tunnels") instanceof Map<?, ?> old) {
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) old);
        m.putAll((Map<String, Object>) t);
        into.put("tunnels", m);
      } else {
        into.put(e.getKey(), e.getValue());
      }
    }
  }

  /** @return a string key of the merged config, or null; a non-scalar value is a wrong type */
  public static String string(Map<String, Object> config, String key) {
    Object v = config.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      throw new BurrowException(ErrorCode.CONFIG_WRONG_TYPE, "config key " + key + " must be a string");
    }
    return String.valueOf(v);
  }
}
