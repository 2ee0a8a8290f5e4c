package burrow.agent.config;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The local address a tunnel forwards to, as ngrok 2 accepts it: {@code 8080}, {@code host:port},
 * {@code http://host:port} or {@code https://host:port}.
 *
 * @param https true when the local service speaks TLS (the agent does not verify its certificate, as ngrok)
 */
public record LocalAddr(String scheme, String host, int port, boolean https) {

  /** Parsed addresses, since every forwarded request asks (at most {@value #CACHE_SIZE} kept). */
  private static final int CACHE_SIZE = 256;
  private static final java.util.Map<String, LocalAddr> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  public static LocalAddr parse(String addr) {
    LocalAddr cached = addr == null ? null : CACHE.get(addr);
    if (cached != null) {
      return cached;
    }
    LocalAddr parsed = parseUncached(addr);
    if (CACHE.size() < CACHE_SIZE) {
      CACHE.put(addr, parsed);
    }
    return parsed;
  }

  private static LocalAddr parseUncached(String addr) {
    if (addr == null || addr.isBlank()) {
      throw new BurrowException(ErrorCode.BAD_LOCAL_ADDR, "no local address given: use a port (8080), host:port, or a URL");
    }
    String a = addr.trim();
    if (a.matches("\\d+")) {
      return new LocalAddr("http", "localhost", port(a, addr), false);
    }
    if (a.startsWith("http://") || a.startsWith("https://")) {
      try {
        URI u = new URI(a);
        boolean https = "https".equals(u.getScheme());
        if (u.getHost() == null) {
          throw new URISyntaxException(a, "no host");
        }
        int port = u.getPort() > 0 ? u.getPort() : (https ? 443 : 80);
        return new LocalAddr(u.getScheme(), u.getHost(), port, https);
      } catch (URISyntaxException e) {
        throw new BurrowException(ErrorCode.BAD_LOCAL_ADDR, "cannot parse local address \"" + addr + "\": " + e.getReason());
      }
    }
    int colon = a.lastIndexOf(':');
    if (colon > 0 && colon < a.length() - 1) {
      String host = a.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (!host.matches("[A-Za-z0-9.\\-:]+")) {
        throw new BurrowException(ErrorCode.BAD_LOCAL_ADDR, "cannot parse local address \"" + addr + "\": bad host \"" + host + "\"");
      }
      return new LocalAddr("http", host, port(a.substring(colon + 1), addr), false);
    }
    throw new BurrowException(ErrorCode.BAD_LOCAL_ADDR, "cannot parse local address \"" + addr
        + "\": use a port (8080), host:port (localhost:8080), or a URL (https://localhost:8443)");
  }

  private static int port(String s, String addr) {
    int p;
    try {
      p = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new BurrowException(ErrorCode.BAD_PORT, "port \"" + s + "\" in \"" + addr + "\" is not a number");
    }
    if (p < 1 || p > 65535) {
      throw new BurrowException(ErrorCode.BAD_PORT, "port " + p + " in \"" + addr + "\" is out of range (1-65535)");
    }
    return p;
  }

  /** @return {@code host:port} */
  public String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** @return the address as a URL, e.g. {@code http://localhost:8080} */
  public String url() {
    return scheme + "://" + hostPort();
  }
}
