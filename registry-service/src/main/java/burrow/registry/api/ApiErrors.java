package burrow.registry.api;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.RegistryException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place REST failures become responses:
 * {@code {"error_code":"BRW-4xx","status_code":N,"msg":"...","details":{"field":"..."}}}. Every code on
 * this surface is a registry code (BRW-4xx); edge codes from shared logic are mapped by their status.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() { }

  static void handle(RoutingContext ctx) {
    Throwable err = ctx.failure();
    RegistryException e = toRegistry(err, ctx.statusCode());
    send(ctx, e);
  }

  static void send(RoutingContext ctx, RegistryException e) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonObject body = new JsonObject().put("error_code", e.code().code()).put("status_code", e.code().status())
        .put("msg", e.getMessage());
    JsonObject details = new JsonObject();
    if (e.field() != null) {
      details.put("field", e.field());
    }
    body.put("details", details);
    ctx.response().setStatusCode(e.code().status()).putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  static RegistryException toRegistry(Throwable err, int status) {
    if (err instanceof RegistryException re) {
      return re;
    }
    if (err instanceof BurrowException be) {
      ErrorCode code = switch (be.code()) {
        case AUTH_FAILED, AUTH_TOKEN_REVOKED -> ErrorCode.REG_UNAUTHORIZED;
        case AUTH_RATE_LIMITED -> ErrorCode.REG_RATE_LIMITED;
        case RESERVED_ELSEWHERE, RESERVED_IN_OTHER_REGION -> ErrorCode.REG_CONFLICT;
        default -> be.code().number() >= 400 && be.code().number() < 500 ? be.code() : ErrorCode.REG_VALIDATION;
      };
      return new RegistryException(code, null, be.getMessage());
    }
    if (err instanceof DecodeException) {
      return RegistryException.invalid("body", "the body is not a JSON object");
    }
    if (err == null) {
      return switch (status) {
        case 413 -> new RegistryException(ErrorCode.REG_PAYLOAD_TOO_LARGE, "body", "the request body is too large");
        case 415 -> new RegistryException(ErrorCode.REG_UNSUPPORTED_MEDIA, "Content-Type", "send application/json");
        case 404 -> new RegistryException(ErrorCode.REG_NOT_FOUND, null, "no such resource");
        case 405 -> new RegistryException(ErrorCode.REG_METHOD_NOT_ALLOWED, null, "method not allowed on this resource");
        case 401 -> new RegistryException(ErrorCode.REG_UNAUTHORIZED, null, "authentication required");
        case 403 -> new RegistryException(ErrorCode.REG_FORBIDDEN, null, "not allowed");
        case 400 -> new RegistryException(ErrorCode.REG_VALIDATION, null, "bad request");
        default -> new RegistryException(ErrorCode.REG_INTERNAL, null, "internal error");
      };
    }
    // a store or cluster failure, or a bug: log it (with the stack), answer without internals
    log.atError().setCause(err).log("registry request failed");
    return new RegistryException(ErrorCode.REG_STORE_FAILED, null, "the registry could not complete the request; try again");
  }
}
