package burrow.agent.inspect;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.forward.ExchangeObserver;
import burrow.agent.forward.ExchangeTap;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/** Captures the exchanges of tunnels with {@code inspect} on into a {@link CaptureStore}. */
public final class InspectObserver implements ExchangeObserver {
  private final CaptureStore store;

  public InspectObserver(CaptureStore store) {
    this.store = store;
  }

  @Override
  public ExchangeTap begin(TunnelDefinition tunnel, JsonObject head, MultiMap headers) {
    if (!store.enabled()) {
      return null;
    }
    Capture c = store.begin(publicName(tunnel, head.getString("p")), clientIp(head.getString("c")),
        head.getString("m"), head.getString("u"), headers, null);
    return c == null ? null : new CaptureTap(store, c);
  }

  /** A tap for a request the agent makes itself (a replay). */
  ExchangeTap tap(Capture c) {
    return new CaptureTap(store, c);
  }

  /**
   * The name ngrok 2 gives each public side of a tunnel: an http+https tunnel {@code web} shows as {@code web}
   * (https) and {@code web (http)}; a tunnel with one scheme keeps its plain name.
   */
  public static String publicName(TunnelDefinition tunnel, String scheme) {
    boolean both = tunnel.bindTls() == null || tunnel.bindTls().equals("both");
    return both && "http".equals(scheme) ? tunnel.name() + " (http)" : tunnel.name();
  }

  /** The tunnel name a public name stands for: {@code web (http)} is tunnel {@code web}. */
  public static String definitionName(String publicName) {
    return publicName.endsWith(" (http)") ? publicName.substring(0, publicName.length() - 7) : publicName;
  }

  static String clientIp(String client) {
    if (client == null) {
      return "";
    }
    int colon = client.lastIndexOf(':');
    return colon > 0 ? client.substring(0, colon) : client;
  }
}
