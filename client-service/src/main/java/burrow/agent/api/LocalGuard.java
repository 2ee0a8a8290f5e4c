package burrow.agent.api;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Keeps web pages away from the local interface. Only a loopback {@code Host} is served (so a DNS-rebound name
 * pointing at 127.0.0.1 gets 403), a request with a body must be {@code application/json} (a page cannot post a form
 * here; ngrok 2.2 made the same change), and no CORS header is ever sent, so a cross-origin page can neither preflight
 * its way in nor read an answer. Pages also get a strict Content-Security-Policy: no inline script, nothing external.
 */
public final class LocalGuard implements Handler<RoutingContext> {
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
      + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final String boundHost;

  /** @param boundHost the host of {@code web_addr}; besides loopback names it is the one other Host accepted */
  public LocalGuard(String boundHost) {
    this.boundHost = boundHost == null ? "" : boundHost.toLowerCase(Locale.ROOT);
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    HostAndPort authority = req.authority();
    if (authority == null || !allowedHost(authority.host())) {
      ApiErrors.send(rc.response(), new BurrowException(ErrorCode.API_FORBIDDEN_HOST, "Host \""
          + (authority == null ? "" : authority.host()) + "\" is not allowed: open the web interface as localhost or"
          + " 127.0.0.1 (this blocks DNS rebinding)"));
      return;
    }
    if (hasBody(req) && !isJson(req.getHeader("Content-Type"))) {
      ApiErrors.send(rc.response(), new BurrowException(ErrorCode.API_UNSUPPORTED_MEDIA,
          "request bodies must be application/json"));
      return;
    }
    rc.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", CSP).putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-store");
    rc.next();
  }

  boolean allowedHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1") || h.matches("127(\\.\\d{1,3}){3}")) {
      return true;
    }
    return !boundHost.isEmpty() && !boundHost.equals("0.0.0.0") && !boundHost.equals("::") && h.equals(boundHost);
  }

  private static boolean hasBody(HttpServerRequest req) {
    if (req.method() == HttpMethod.POST || req.method() == HttpMethod.PUT || req.method() == HttpMethod.PATCH) {
      return true;
    }
    String len = req.getHeader("Content-Length");
    return req.getHeader("Transfer-Encoding") != null || (len != null && !len.trim().equals("0"));
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String ct = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
    return ct.equals("application/json");
  }
}
