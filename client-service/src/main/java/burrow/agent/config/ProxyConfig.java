package burrow.agent.config;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The outbound proxy the agent dials the edge through: {@code http_proxy} (HTTP CONNECT, credentials in the URL),
 * else {@code socks5_proxy}, else the {@code http_proxy}/{@code HTTPS_PROXY} environment variables (honouring
 * {@code no_proxy}), as ngrok 2 does.
 */
public record ProxyConfig(ProxyType type, String host, int port, String username, String password) {

  /** @param schemes the schemes accepted, e.g. {@code http} or {@code socks5} */
  public static ProxyConfig parse(String url, String... schemes) {
    URI u;
    try {
      u = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new BurrowException(ErrorCode.CONFIG_INVALID, "\"" + redact(url) + "\" is not a proxy URL: " + e.getReason());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!Arrays.asList(schemes).contains(scheme)) {
      throw new BurrowException(ErrorCode.CONFIG_INVALID, "\"" + redact(url) + "\" must be a URL of scheme "
          + String.join(" or ", schemes) + "://[user:password@]host:port");
    }
    if (u.getHost() == null) {
      throw new BurrowException(ErrorCode.CONFIG_INVALID, "\"" + redact(url) + "\" names no proxy host");
    }
    ProxyType type = scheme.startsWith("socks5") ? ProxyType.SOCKS5 : ProxyType.HTTP;
    int port = u.getPort() > 0 ? u.getPort() : (type == ProxyType.SOCKS5 ? 1080 : 80);
    String user = null;
    String pass = null;
    if (u.getRawUserInfo() != null) {
      String[] up = u.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(up[0], StandardCharsets.UTF_8);
      pass = up.length > 1 ? URLDecoder.decode(up[1], StandardCharsets.UTF_8) : "";
    }
    return new ProxyConfig(type, u.getHost(), port, user, pass);
  }

  /**
   * @param env the process environment
   * @param edgeHost the edge's host, matched against {@code no_proxy}
   * @return the proxy to use, or null for a direct connection
   */
  public static ProxyConfig select(AgentConfig config, Map<String, String> env, String edgeHost) {
    if (config.httpProxy() != null) {
      return parse(config.httpProxy(), "http");
    }
    if (config.socks5Proxy() != null) {
      return parse(config.socks5Proxy(), "socks5", "socks5h");
    }
    for (String name : new String[] {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"}) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        if (noProxy(env, edgeHost)) {
          return null;
        }
        try {
          return parse(v.contains("://") ? v : "http://" + v, "http");
        } catch (BurrowException e) {
          throw new BurrowException(ErrorCode.PROXY_FAILED, "environment variable " + name + ": " + e.getMessage());
        }
      }
    }
    return null;
  }

  private static boolean noProxy(Map<String, String> env, String host) {
    String list = env.getOrDefault("no_proxy", env.get("NO_PROXY"));
    if (list == null || host == null) {
      return false;
    }
    for (String raw : list.split(",")) {
      String p = raw.trim().toLowerCase(Locale.ROOT);
      if (p.isEmpty()) {
        continue;
      }
      String h = host.toLowerCase(Locale.ROOT);
      if (p.equals("*") || h.equals(p) || h.equals(p.replaceFirst("^\\.", ""))
          || h.endsWith(p.startsWith(".") ? p : "." + p)) {
        return true;
      }
    }
    return false;
  }

  public ProxyOptions toOptions() {
    ProxyOptions o = new ProxyOptions().setType(type).setHost(host).setPort(port);
    if (username != null) {
      o.setUsername(username).setPassword(password);
    }
    return o;
  }

  /** @return e.g. {@code HTTP proxy 127.0.0.1:3128}, never the password */
  public String describe() {
    return (type == ProxyType.SOCKS5 ? "SOCKS5" : "HTTP") + " proxy " + host + ":" + port
        + (username != null ? " (as " + username + ")" : "");
  }

  /** @return the URL with any password replaced by {@code HIDDEN} */
  public static String redact(String url) {
    return url == null ? null : url.replaceAll("(//[^/:@]*):[^/@]*@", "$1:HIDDEN@");
  }

  @Override
  public String toString() {
    return describe();
  }
}
