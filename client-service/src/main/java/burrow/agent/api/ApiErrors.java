package burrow.agent.api;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The one place API failures become responses: ngrok's error body {@code {error_code, status_code, msg, details}},
 * with our stable code in {@code details.code}. A 503 carries {@code Retry-After}: try again shortly.
 */
public final class ApiErrors {
  private ApiErrors() {
  }

  public static int status(ErrorCode c) {
    return switch (c) {
      case API_UNSUPPORTED_MEDIA -> 415;
      case API_FORBIDDEN_HOST -> 403;
      case API_NOT_FOUND -> 404;
      case INTERNAL -> 500;
      default -> c.number() < 200 ? 400 : c.status();  // agent/config codes are the caller's mistake
    };
  }

  public static JsonObject body(BurrowException e) {
    int status = status(e.code());
    return new JsonObject().put("error_code", e.code().number()).put("status_code", status).put("msg", e.getMessage())
        .put("details", new JsonObject().put("err", e.getMessage()).put("code", e.code().code()));
  }

  public static void send(HttpServerResponse resp, Throwable err) {
    if (resp.headWritten()) {
      resp.reset();
      return;
    }
    BurrowException be = BurrowException.of(err, ErrorCode.INTERNAL);
    JsonObject body = body(be);
    int status = body.getInteger("status_code");
    resp.setStatusCode(status).putHeader("Content-Type", "application/json");
    if (status == 503) {
      resp.putHeader("Retry-After", "1");
    }
    resp.end(body.encode());
  }
}
