package burrow.agent.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle lines ngrok 2 prints at info level, which tools wrapping it read from {@code --log=stdout}:
 * keep the messages and keys stable.
 */
public final class Lifecycle {
  private static final Logger log = LoggerFactory.getLogger("burrow.agent");

  private Lifecycle() {
  }

  /** {@code msg="starting web service" obj=web addr=127.0.0.1:4040}: call when the web interface listens. */
  public static void startingWebService(String addr) {
    log.atInfo().addKeyValue("obj", "web").addKeyValue("addr", addr).log("starting web service");
  }

  /** {@code msg="client session established" obj=csess id=...}. */
  public static void sessionEstablished(String sessionId, String account) {
    log.atInfo().addKeyValue("obj", "csess").addKeyValue("id", sessionId).addKeyValue("account", account)
        .log("client session established");
  }

  /** {@code msg="started tunnel" obj=tunnels name=web addr=http://localhost:8080 url=https://...}. */
  public static void startedTunnel(String name, String addr, String url) {
    log.atInfo().addKeyValue("obj", "tunnels").addKeyValue("name", name).addKeyValue("addr", addr)
        .addKeyValue("url", url).log("started tunnel");
  }

  /** {@code msg="session closed, starting reconnect loop" obj=csess id=... retry_ms=...}. */
  public static void sessionClosed(String sessionId, long retryMillis) {
    log.atInfo().addKeyValue("obj", "csess").addKeyValue("id", sessionId).addKeyValue("retry_ms", retryMillis)
        .log("session closed, starting reconnect loop");
  }

  /** A failed (re)connect attempt, at warn: an operator may need to act (proxy, network, edge down). */
  public static void connectFailed(String code, String message, long retryMillis) {
    log.atWarn().addKeyValue("obj", "csess").addKeyValue("code", code).addKeyValue("err", message)
        .addKeyValue("retry_ms", retryMillis).log("failed to reconnect session");
  }

  /** One HTTP exchange, logged when no console UI shows it. */
  public static void request(String tunnel, String method, String uri, int status, double millis) {
    log.atInfo().addKeyValue("obj", "http").addKeyValue("tunnel", tunnel).addKeyValue("method", method)
        .addKeyValue("uri", uri).addKeyValue("status", status).addKeyValue("dur_ms", Math.round(millis * 10) / 10.0)
        .log("request");
  }

  /** A config key accepted but not applicable. */
  public static void note(String text) {
    log.atInfo().addKeyValue("obj", "config").log(text);
  }
}
