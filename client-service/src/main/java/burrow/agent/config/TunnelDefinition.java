package burrow.agent.config;

import burrow.proto.TunnelSpec;

/**
 * One tunnel as the user defines it (config file {@code tunnels:} entry or command-line flags), with the manual's keys.
 *
 * @param name       the tunnel's name (from the config file, or {@code command_line})
 * @param proto      {@code http}, {@code tcp} or {@code tls}
 * @param addr       the local address, see {@link LocalAddr}
 * @param hostHeader null to pass Host as sent, {@code rewrite} to send the local address, or a literal value
 * @param bindTls    {@code both} (default), {@code true} (https only), {@code false} (http only)
 * @param inspect    whether requests are captured for the inspector
 */
public record TunnelDefinition(String name, String proto, String addr, String subdomain, String hostname,
                               String auth, String hostHeader, String bindTls, boolean inspect, String remoteAddr,
                               String crt, String key, String clientCas, Integer proxyProto) {

  public static TunnelDefinition http(String name, String addr) {
    return new TunnelDefinition(name, "http", addr, null, null, null, null, "both", true, null, null, null, null, null);
  }

  public LocalAddr localAddr() {
    return LocalAddr.parse(addr);
  }

  /** What travels to the edge in a bind message. */
  public TunnelSpec toSpec() {
    return new TunnelSpec(name, proto, subdomain, hostname, auth, bindTls == null ? "both" : bindTls, remoteAddr, null);
  }
}
