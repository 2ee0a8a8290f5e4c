package burrow.proto;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * What an agent asks the edge to expose, as it travels in a {@code bind} message. Local-only settings (the local
 * address, inspection, host-header rewriting, TLS termination) never leave the agent.
 *
 * @param id        the agent's name for the tunnel, unique within its session
 * @param proto     {@code http}, {@code tcp} or {@code tls}
 * @param subdomain requested subdomain of the edge domain, or null for a random one
 * @param hostname  requested full hostname, or null
 * @param auth      {@code user:pass} enforced by the edge on every request, or null
 * @param bindTls   {@code both}, {@code true} (https only) or {@code false} (http only)
 * @param remoteAddr requested {@code host:port} for tcp tunnels, or null
 * @param preferredHost the host this tunnel had before a reconnect: the edge gives it back when it is free
 */
public record TunnelSpec(String id, String proto, String subdomain, String hostname, String auth, String bindTls,
                         String remoteAddr, String preferredHost) {

  public TunnelSpec withPreferredHost(String host) {
    return new TunnelSpec(id, proto, subdomain, hostname, auth, bindTls, remoteAddr, host);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("proto", proto).put("subdomain", subdomain).put("hostname", hostname)
        .put("auth", auth).put("bind_tls", bindTls).put("remote_addr", remoteAddr).put("preferred_host", preferredHost);
  }

  public static TunnelSpec fromJson(JsonObject j) {
    if (j == null || j.getString("id") == null || j.getString("proto") == null) {
      throw new BurrowException(ErrorCode.BAD_BIND, "bind without a tunnel id and proto");
    }
    return new TunnelSpec(j.getString("id"), j.getString("proto"), j.getString("subdomain"), j.getString("hostname"),
        j.getString("auth"), j.getString("bind_tls", "both"), j.getString("remote_addr"),
        j.getString("preferred_host"));
  }

  public boolean wantsHttp() {
    return "http".equals(proto) && !"true".equals(bindTls);
  }

  public boolean wantsHttps() {
    return "http".equals(proto) && !"false".equals(bindTls);
  }
}
