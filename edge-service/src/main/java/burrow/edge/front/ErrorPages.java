package burrow.edge.front;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.mux.MuxException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the public HTTP frontend turns failures into responses: an HTML page by default, JSON when the
 * client accepts JSON (and not HTML). Every page carries the stable code.
 */
public final class ErrorPages {
  private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

  private ErrorPages() {
  }

  public static void send(HttpServerRequest req, Throwable err) {
    BurrowException be = err instanceof MuxException me
        ? new BurrowException(ErrorCode.SESSION_CLOSED, "the agent's session ended during the request (" + me.code() + ")")
        : BurrowException.of(err, ErrorCode.INTERNAL);
    if (be.code() == ErrorCode.INTERNAL) {
      log.atWarn().setCause(err).log("unexpected error while proxying");
    }
    HttpServerResponse resp = req.response();
    if (resp.headWritten() || resp.ended() || resp.closed()) {
      resp.reset();
      return;
    }
    int status = be.code().status() >= 400 && be.code().status() < 600 ? be.code().status() : 502;
    resp.setStatusCode(status);
    resp.headers().clear();
    resp.putHeader("X-Burrow-Error-Code", be.code().code());
    if (be.code() == ErrorCode.AUTH_REQUIRED) {
      resp.putHeader("WWW-Authenticate", "Basic realm=\"burrow\"");
    }
    String accept = req.getHeader("Accept");
    String body;
    if (accept != null && accept.contains("json") && !accept.contains("html")) {
      resp.putHeader("Content-Type", "application/json");
      body = new JsonObject().put("error_code", be.code().code()).put("status_code", status)
          .put("msg", be.getMessage()).encode();
    } else {
      resp.putHeader("Content-Type", "text/html; charset=utf-8");
      body = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + status + " " + title(be.code())
          + "</title></head><body><h1>" + escape(title(be.code())) + "</h1><p>" + escape(be.getMessage())
          + "</p><p><code>" + be.code().code() + "</code></p></body></html>\n";
    }
    // Read nothing more of a body we will not forward, but let a small one drain so keep-alive survives.
    req.resume();
    resp.end(body);
  }

  static String title(ErrorCode code) {
    return switch (code) {
      case TUNNEL_NOT_FOUND -> "Tunnel not found";
      case LOCAL_UNREACHABLE -> "Bad gateway: the agent could not reach the local service";
      case AUTH_REQUIRED -> "Authentication required";
      case IP_NOT_ALLOWED -> "Forbidden";
      case REQUEST_TOO_LARGE -> "Request too large";
      case BAD_REQUEST -> "Bad request";
      default -> "Tunnel error";
    };
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
