package burrow.proto;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The heads of an HTTP exchange on a data stream: the edge sends the request head it already parsed (so the agent
 * never re-parses HTTP), the agent answers with the response head, and raw body bytes follow each until FIN.
 * Field names are part of the wire contract in docs/PROTOCOL.md.
 */
public final class HttpHead {
  /** Hop-by-hop headers (RFC 9110 7.6.1) that each hop sets for itself and never forwards. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect",
      "http2-settings");

  private HttpHead() {
  }

  public static boolean isHopByHop(String name) {
    return HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * @param tunnelId the tunnel the request is for
   * @param client   the public client's {@code ip:port}
   * @param scheme   {@code http} or {@code https}, as the public client used
   * @param upgrade  the {@code Upgrade} header value for a WebSocket (or other) upgrade, or null
   */
  public static JsonObject request(String tunnelId, String client, String scheme, String method, String uri,
                                   String host, MultiMap headers, String upgrade) {
    JsonArray h = new JsonArray();
    h.add("Host").add(host);
    for (Map.Entry<String, String> e : headers) {
      String name = e.getKey();
      if (isHopByHop(name) || name.equalsIgnoreCase("host") || name.startsWith(":")) {
        continue;
      }
      h.add(name).add(e.getValue());
    }
    return new JsonObject().put("t", tunnelId).put("c", client).put("p", scheme).put("m", method).put("u", uri)
        .put("h", h).put("up", upgrade);
  }

  public static JsonObject response(int status, String reason, MultiMap headers) {
    JsonArray h = new JsonArray();
    for (Map.Entry<String, String> e : headers) {
      if (!isHopByHop(e.getKey())) {
        h.add(e.getKey()).add(e.getValue());
      }
    }
    return new JsonObject().put("s", status).put("r", reason).put("h", h);
  }

  /** A response head that carries an error instead of a response: the edge renders its error page. */
  public static JsonObject error(String code, String message) {
    return new JsonObject().put("s", 502).put("e", code).put("msg", message);
  }

  /** Adds the name/value pairs of a head's {@code h} array to {@code into}. */
  public static void copyHeaders(JsonObject head, MultiMap into) {
    JsonArray h = head.getJsonArray("h");
    if (h == null) {
      return;
    }
    for (int i = 0; i + 1 < h.size(); i += 2) {
      into.add(h.getString(i), h.getString(i + 1));
    }
  }

  /** @return the first value of header {@code name} in a head, or null */
  public static String header(JsonObject head, String name) {
    JsonArray h = head.getJsonArray("h");
    if (h != null) {
      for (int i = 0; i + 1 < h.size(); i += 2) {
        if (name.equalsIgnoreCase(h.getString(i))) {
          return h.getString(i + 1);
        }
      }
    }
    return null;
  }
}
