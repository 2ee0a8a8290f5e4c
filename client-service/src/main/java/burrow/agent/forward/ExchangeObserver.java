package burrow.agent.forward;

import burrow.agent.config.TunnelDefinition;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * Watches the HTTP exchanges a {@link HttpForwarder} serves, e.g. to capture them for the inspector. Called on the
 * forwarder's context; must not block and must not hold the exchange back.
 */
public interface ExchangeObserver {
  /**
   * A request is about to be sent to the local service.
   *
   * @param head    the request head as the edge sent it (see docs/PROTOCOL.md)
   * @param headers the headers going to the local service, after any Host rewrite
   * @return the tap that sees the rest of this exchange, or null to watch nothing of it
   */
  ExchangeTap begin(TunnelDefinition tunnel, JsonObject head, MultiMap headers);
}
