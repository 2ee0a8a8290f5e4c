package burrow.agent.api;

import io.vertx.core.json.JsonObject;

/**
 * Where the API's tunnel {@code metrics} come from: {@code conns} (count, gauge, rate1, rate5, rate15, p50, p90, p95,
 * p99) and {@code http} (the same without gauge), by public tunnel name. Per-tunnel metrics plug in here; until they
 * do, {@link #ZEROS} answers zeros in the manual's shape.
 */
public interface TunnelMetricsSource {
  JsonObject conns(String publicName);

  JsonObject http(String publicName);

  TunnelMetricsSource ZEROS = new TunnelMetricsSource() {
    @Override
    public JsonObject conns(String publicName) {
      return zeros(true);
    }

    @Override
    public JsonObject http(String publicName) {
      return zeros(false);
    }
  };

  static JsonObject zeros(boolean gauge) {
    JsonObject j = new JsonObject().put("count", 0);
    if (gauge) {
      j.put("gauge", 0);
    }
    return j.put("rate1", 0).put("rate5", 0).put("rate15", 0).put("p50", 0).put("p90", 0).put("p95", 0).put("p99", 0);
  }
}
