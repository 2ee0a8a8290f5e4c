package burrow.proto;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

  /** The same names, for the check on every header of every exchange: compared ignoring case, without a copy. */
  private static final String[] HOP_BY_HOP_NAMES = HOP_BY_HOP.toArray(new String[0]);

  public static boolean isHopByHop(String name) {
    for (String h : HOP_BY_HOP_NAMES) {
      if (h.length() == name.length() && h.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The framed request head the edge sends, written straight from the public request's headers: {@code t}, {@code c},
   * {@code p}, {@code m}, {@code u}, then {@code h} (Host first, the end-to-end headers as received, then
   * {@code X-Forwarded-For} and {@code X-Forwarded-Proto}), {@code up} for an upgrade and {@code nb} for no body.
   *
   * @param tunnelId     the tunnel the request is for
   * @param client       the public client's {@code ip:port}
   * @param scheme       {@code http} or {@code https}, as the public client used
   * @param upgrade      the {@code Upgrade} header value for a WebSocket (or other) upgrade, or null
   * @param forwardedFor the {@code X-Forwarded-For} value to send: the client's address, after the incoming value
   *                     if there was one; every incoming {@code X-Forwarded-For} header is dropped for it
   * @param bodyless     the request has no body ({@code nb}): the agent need not wait for one
   */
  public static Buffer encodeRequest(String tunnelId, String client, String scheme, String method, String uri,
                                     String host, MultiMap headers, String upgrade, String forwardedFor,
                                     boolean bodyless) {
    return Heads.write(g -> {
      g.writeStartObject();
      g.writeStringField("t", tunnelId);
      g.writeStringField("c", client);
      g.writeStringField("p", scheme);
      g.writeStringField("m", method);
      g.writeStringField("u", uri);
      g.writeArrayFieldStart("h");
      g.writeString("Host");
      g.writeString(host);
      for (Map.Entry<String, String> e : headers) {
        String name = e.getKey();
        if (isHopByHop(name) || name.equalsIgnoreCase("host") || name.startsWith(":")
            || name.equalsIgnoreCase("x-forwarded-for")) {
          continue;
        }
        g.writeString(name);
        g.writeString(e.getValue());
      }
      g.writeString("X-Forwarded-For");
      g.writeString(forwardedFor);
      g.writeString("X-Forwarded-Proto");
      g.writeString(scheme);
      g.writeEndArray();
      if (upgrade != null) {
        g.writeStringField("up", upgrade);
      }
      if (bodyless) {
        g.writeBooleanField("nb", true);
      }
      g.writeEndObject();
    });
  }

  /** The framed response head the agent sends: {@code s}, {@code r} and {@code h} (without hop-by-hop headers). */
  public static Buffer encodeResponse(int status, String reason, MultiMap headers) {
    return Heads.write(g -> {
      g.writeStartObject();
      g.writeNumberField("s", status);
      if (reason != null) {
        g.writeStringField("r", reason);
      }
      writeHeaders(g, headers);
      g.writeEndObject();
    });
  }

  private static void writeHeaders(JsonGenerator g, MultiMap headers) throws java.io.IOException {
    g.writeArrayFieldStart("h");
    for (Map.Entry<String, String> e : headers) {
      if (!isHopByHop(e.getKey())) {
        g.writeString(e.getKey());
        g.writeString(e.getValue());
      }
    }
    g.writeEndArray();
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
