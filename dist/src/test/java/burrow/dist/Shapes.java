package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Compares a JSON response with one of the manual's examples: same keys, same nesting, same value types. */
final class Shapes {
  /** Fields we add beyond the manual (non-breaking by its compatibility promise); {@code code} is details.code, BRW-xxx. */
  static final Set<String> EXTRAS = Set.of("truncated", "replay_of", "error", "code");

  private Shapes() {
  }

  static JsonObject manual(String name) {
    try (InputStream in = Shapes.class.getResourceAsStream("/manual/" + name + ".json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void assertSameShape(String manualName, JsonObject actual) {
    compare("$", manual(manualName), actual);
  }

  private static void compare(String path, Object expected, Object actual) {
    if (expected == null) {
      return;
    }
    if (actual == null) {
      fail(path + " is missing or null; the manual has " + expected);
    }
    if (expected instanceof JsonObject e) {
      assertThat(actual).as(path).isInstanceOf(JsonObject.class);
      JsonObject a = (JsonObject) actual;
      if (path.endsWith(".headers")) {                      // a map of name -> [values]
        a.forEach(en -> {
          assertThat(en.getValue()).as(path + "." + en.getKey()).isInstanceOf(JsonArray.class);
          ((JsonArray) en.getValue()).forEach(v -> assertThat(v).as(path + "." + en.getKey()).isInstanceOf(String.class));
        });
        return;
      }
      for (String k : e.fieldNames()) {
        assertThat(a.containsKey(k)).as(path + " has \"" + k + "\"").isTrue();
        compare(path + "." + k, e.getValue(k), a.getValue(k));
      }
      for (String k : a.fieldNames()) {
        assertThat(e.containsKey(k) || EXTRAS.contains(k)).as(path + " has unexpected field \"" + k + "\"").isTrue();
      }
    } else if (expected instanceof JsonArray e) {
      assertThat(actual).as(path).isInstanceOf(JsonArray.class);
      JsonArray a = (JsonArray) actual;
      assertThat(a.size()).as(path + " is empty").isPositive();
      for (int i = 0; i < a.size(); i++) {
        compare(path + "[" + i + "]", e.getValue(0), a.getValue(i));
      }
    } else if (expected instanceof Number) {
      assertThat(actual).as(path).isInstanceOf(Number.class);
    } else {
      assertThat(actual).as(path).isInstanceOf(expected.getClass());
    }
  }
}
