package burrow.agent.api;

import burrow.agent.config.LocalAddr;
import burrow.agent.config.TunnelDefinition;
import burrow.agent.inspect.InspectObserver;
import burrow.agent.session.EdgeSession.TunnelState;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tunnel objects as the manual's "Tunnel detail" shows them, one per public URL: an http+https tunnel {@code web} is
 * {@code web} (https) and {@code web (http)}. And the other way: a tunnel definition from a "Start tunnel" body.
 */
final class TunnelJson {
  private TunnelJson() {
  }

  static List<JsonObject> objects(TunnelState s, TunnelMetricsSource metrics) {
    List<JsonObject> out = new ArrayList<>();
    TunnelDefinition d = s.definition();
    for (String url : s.urls()) {
      String scheme = URI.create(url).getScheme();
      String name = InspectObserver.publicName(d, scheme);
      LocalAddr local = d.localAddr();
      JsonObject o = new JsonObject().put("name", name).put("uri", "/api/tunnels/" + name.replace(" ", "%20"))
          .put("public_url", url).put("proto", scheme)
          .put("config", new JsonObject().put("addr", local.https() ? local.url() : local.hostPort())
              .put("inspect", d.inspect()))
          .put("metrics", new JsonObject().put("conns", metrics.conns(name)).put("http", metrics.http(name)));
      if (s.metadata() != null) {
        o.put("metadata", s.metadata());                    // the config's metadata, as the edge recorded it
      }
      out.add(o);
    }
    // https first, as ngrok lists them
    out.sort((a, b) -> Boolean.compare(!"https".equals(a.getString("proto")), !"https".equals(b.getString("proto"))));
    return out;
  }

  static JsonArray array(List<JsonObject> objects) {
    return new JsonArray(new ArrayList<>(objects));
  }

  /** A tunnel definition from the body of {@code POST /api/tunnels}: the config file's tunnel keys. */
  static TunnelDefinition definition(JsonObject b) {
    String name = str(b, "name");
    String proto = str(b, "proto");
    String addr = str(b, "addr");
    if (name == null || name.isBlank()) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "a tunnel needs a \"name\"");
    }
    if (proto == null || !proto.matches("http|tcp|tls")) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "\"proto\" must be http, tcp or tls");
    }
    if (addr == null) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "a tunnel needs an \"addr\" (a port, host:port or URL)");
    }
    LocalAddr.parse(addr);
    String bindTls = str(b, "bind_tls");
    bindTls = bindTls == null ? "both" : bindTls.toLowerCase(Locale.ROOT);
    if (!bindTls.matches("both|true|false")) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "\"bind_tls\" must be true, false or both");
    }
    String inspect = str(b, "inspect");
    if (inspect != null && !inspect.matches("true|false")) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "\"inspect\" must be true or false");
    }
    String auth = str(b, "auth");
    if (auth != null && !auth.contains(":")) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "\"auth\" must be \"user:password\"");
    }
    Object pp = b.getValue("proxy_proto");
    Integer proxyProto;
    try {
      proxyProto = pp == null ? null : Integer.valueOf(String.valueOf(pp));
    } catch (NumberFormatException e) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "\"proxy_proto\" must be 1 or 2");
    }
    return new TunnelDefinition(name, proto, addr, str(b, "subdomain"), str(b, "hostname"), auth, str(b, "host_header"),
        bindTls, inspect == null ? proto.equals("http") : Boolean.parseBoolean(inspect), str(b, "remote_addr"),
        str(b, "crt"), str(b, "key"), str(b, "client_cas"), proxyProto);
  }

  private static String str(JsonObject b, String key) {
    Object v = b.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonObject || v instanceof JsonArray) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "\"" + key + "\" must be a string");
    }
    return String.valueOf(v);
  }
}
