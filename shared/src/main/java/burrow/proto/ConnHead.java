package burrow.proto;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * The head of a data stream for one public TCP or TLS connection (edge to agent); raw bytes follow both ways, and
 * the agent sends no head back. See docs/PROTOCOL.md, "Data streams".
 *
 * @param tunnelId the tunnel id, as bound ({@code t})
 * @param client   the public client's {@code ip:port} ({@code c})
 * @param proto    {@code tcp} or {@code tls} ({@code p})
 * @param dest     the public {@code ip:port} the client connected to ({@code d}), for PROXY protocol headers; may be null
 */
public record ConnHead(String tunnelId, String client, String proto, String dest) {

  public JsonObject toJson() {
    return new JsonObject().put("t", tunnelId).put("c", client).put("p", proto).put("d", dest);
  }

  public static ConnHead fromJson(JsonObject j) {
    String p = j.getString("p");
    if (j.getString("t") == null || !("tcp".equals(p) || "tls".equals(p))) {
      throw new BurrowException(ErrorCode.PROTOCOL_ERROR, "connection head without tunnel id or with proto " + p);
    }
    return new ConnHead(j.getString("t"), j.getString("c"), p, j.getString("d"));
  }

  /** @return true if a data stream head is for a TCP or TLS connection rather than an HTTP exchange */
  public static boolean isConnection(JsonObject head) {
    String p = head.getString("p");
    return "tcp".equals(p) || "tls".equals(p);
  }
}
