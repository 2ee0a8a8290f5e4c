package burrow.metrics;

import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;

/** A tunnel's metrics, as ngrok 2's API shows them: {@code {"conns": {...}, "http": {...}}}. Thread-safe. */
public final class TunnelMetrics {
  private final ConnMetrics conns;
  private final ConnMetrics http;

  public TunnelMetrics() {
    this(System::nanoTime);
  }

  public TunnelMetrics(LongSupplier nanoClock) {
    this.conns = new ConnMetrics(nanoClock);
    this.http = new ConnMetrics(nanoClock);
  }

  /** Connections (each public connection or stream the edge opens to the agent). */
  public ConnMetrics conns() {
    return conns;
  }

  /** HTTP requests. */
  public ConnMetrics http() {
    return http;
  }

  public JsonObject toJson() {
    return new JsonObject().put("conns", conns.toJson()).put("http", http.toJson());
  }
}
