package burrow.registry.api;

import burrow.error.ErrorCode;
import burrow.registry.Registry;
import burrow.registry.RegistryException;
import burrow.registry.Secrets;
import burrow.registry.model.Account;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The REST API (documented in {@code openapi.yaml}), the OpenAPI document and the dashboard.
 * Operators authenticate with the admin token, users with an authtoken, both as {@code Authorization: Bearer}.
 * A user reaches only their own account, as {@code /api/accounts/me/...} or by id.
 */
public final class RestApi {
  private static final String ACCOUNT = "burrow.account";
  private static final String ADMIN = "burrow.admin";

  private final Vertx vertx;
  private final Registry registry;
  private final String adminToken;

  private RestApi(Vertx vertx, Registry registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.adminToken = registry.options().getAdminToken();
  }

  public static Router router(Vertx vertx, Registry registry) {
    return new RestApi(vertx, registry).build();
  }

  private Router build() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store");
      ctx.next();
    });
    router.get("/").handler(ctx -> ctx.redirect("/dashboard/"));
    Buffer openapi = openapi();
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
        .end(openapi));
    router.route("/dashboard/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; frame-ancestors 'none'");
      ctx.next();
    });
    router.route("/dashboard/*").handler(StaticHandler.create("burrow/registry/webroot").setCachingEnabled(false));
    router.get("/api/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));

    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(registry.options().getMaxBodyBytes())
        .setHandleFileUploads(false));
    router.route("/api/*").handler(this::authenticate);

    router.post("/api/accounts").handler(ctx -> adminOnly(ctx, () -> {
      JsonObject body = body(ctx, Set.of("name"));
      return registry.createAccount(str(body, "name")).map(n -> new JsonObject()
          .put("account", n.account().toJson()).put("token", n.token().toJson()));
    }, 201));
    router.get("/api/accounts").handler(ctx -> adminOnly(ctx, () -> registry.accounts()
        .map(list -> new JsonObject().put("accounts", array(list, Account::toJson))), 200));
    router.get("/api/accounts/:account").handler(ctx -> forAccount(ctx, a -> Future.succeededFuture(a.toJson()), 200));
    router.delete("/api/accounts/:account").handler(ctx -> adminOnly(ctx,
        () -> registry.deleteAccount(ctx.pathParam("account")).map((JsonObject) null), 204));

    router.get("/api/accounts/:account/tokens").handler(ctx -> forAccount(ctx, a -> registry.tokens(a.id())
        .map(l -> new JsonObject().put("tokens", array(l, t -> t.toPublicJson()))), 200));
    router.post("/api/accounts/:account/tokens").handler(ctx -> forAccount(ctx, a -> {
      JsonObject body = body(ctx, Set.of("description"));
      return registry.createToken(a.id(), str(body, "description")).map(t -> t.toJson());
    }, 201));
    router.delete("/api/accounts/:account/tokens/:id").handler(ctx -> forAccount(ctx,
        a -> registry.revokeToken(a.id(), ctx.pathParam("id")).map(t -> t.toPublicJson()), 200));

    router.get("/api/accounts/:account/domains").handler(ctx -> forAccount(ctx, a -> registry.domains(a.id())
        .map(l -> new JsonObject().put("domains", array(l, d -> d.toJson()))), 200));
    router.post("/api/accounts/:account/domains").handler(ctx -> forAccount(ctx, a -> {
      JsonObject body = body(ctx, Set.of("subdomain", "hostname", "region"));
      return registry.reserveDomain(a.id(), str(body, "subdomain"), str(body, "hostname"), str(body, "region"))
          .map(d -> d.toJson());
    }, 201));
    router.delete("/api/accounts/:account/domains/:id").handler(ctx -> forAccount(ctx,
        a -> registry.releaseDomain(a.id(), ctx.pathParam("id")).map((JsonObject) null), 204));

    router.get("/api/accounts/:account/addresses").handler(ctx -> forAccount(ctx, a -> registry.addresses(a.id())
        .map(l -> new JsonObject().put("addresses", array(l, x -> x.toJson()))), 200));
    router.post("/api/accounts/:account/addresses").handler(ctx -> forAccount(ctx, a -> {
      JsonObject body = body(ctx, Set.of("region", "port"));
      return registry.reserveAddress(a.id(), str(body, "region"), port(body)).map(x -> x.toJson());
    }, 201));
    router.delete("/api/accounts/:account/addresses/:id").handler(ctx -> forAccount(ctx,
        a -> registry.releaseAddress(a.id(), ctx.pathParam("id")).map((JsonObject) null), 204));

    router.get("/api/accounts/:account/whitelist").handler(ctx -> forAccount(ctx, a -> registry.whitelist(a.id())
        .map(l -> new JsonObject().put("whitelist", array(l, w -> w.toJson()))), 200));
    router.post("/api/accounts/:account/whitelist").handler(ctx -> forAccount(ctx, a -> {
      JsonObject body = body(ctx, Set.of("ip_net", "description"));
      return registry.addWhitelist(a.id(), str(body, "ip_net"), str(body, "description")).map(w -> w.toJson());
    }, 201));
    router.delete("/api/accounts/:account/whitelist/:id").handler(ctx -> forAccount(ctx,
        a -> registry.removeWhitelist(a.id(), ctx.pathParam("id")).map((JsonObject) null), 204));

    router.route().failureHandler(ApiErrors::handle);
    router.errorHandler(404, ctx -> ApiErrors.send(ctx, ApiErrors.toRegistry(null, 404)));
    router.errorHandler(405, ctx -> ApiErrors.send(ctx, ApiErrors.toRegistry(null, 405)));
    return router;
  }

  // ---- authentication ----

  private void authenticate(RoutingContext ctx) {
    if (ctx.request().path().equals("/api/health")) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ApiErrors.send(ctx, new RegistryException(ErrorCode.REG_UNAUTHORIZED, "Authorization",
          "send Authorization: Bearer <authtoken>"));
      return;
    }
    String token = header.substring(7).trim();
    if (adminToken != null && !adminToken.isEmpty() && Secrets.sameSecret(token, adminToken)) {
      ctx.put(ADMIN, Boolean.TRUE);
      ctx.next();
      return;
    }
    registry.authenticate(token, ctx.request().remoteAddress().hostAddress())
        .onSuccess(account -> {
          ctx.put(ACCOUNT, account);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  private boolean isAdmin(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(ADMIN));
  }

  private void adminOnly(RoutingContext ctx, java.util.function.Supplier<Future<JsonObject>> op, int status) {
    if (!isAdmin(ctx)) {
      ApiErrors.send(ctx, new RegistryException(ErrorCode.REG_FORBIDDEN, null, "this needs the admin token"));
      return;
    }
    run(ctx, () -> op.get(), status);
  }

  /** Resolves {@code :account} (or {@code me}) to an account the caller may manage, then runs {@code op}. */
  private void forAccount(RoutingContext ctx, Function<Account, Future<JsonObject>> op, int status) {
    String id = ctx.pathParam("account");
    Account self = ctx.get(ACCOUNT);
    run(ctx, () -> {
      if (isAdmin(ctx)) {
        if ("me".equals(id)) {
          throw new RegistryException(ErrorCode.REG_VALIDATION, "account", "the admin token has no account; use an account id");
        }
        return registry.account(id).compose(op);
      }
      if (!"me".equals(id) && !self.id().equals(id)) {
        throw new RegistryException(ErrorCode.REG_FORBIDDEN, "account", "an authtoken manages only its own account");
      }
      return op.apply(self);
    }, status);
  }

  private void run(RoutingContext ctx, java.util.function.Supplier<Future<JsonObject>> op, int status) {
    Future<JsonObject> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onSuccess(body -> {
      if (status == 204) {
        ctx.response().setStatusCode(204).end();
      } else {
        json(ctx, status, body);
      }
    }).onFailure(ctx::fail);
  }

  // ---- bodies ----

  private static JsonObject body(RoutingContext ctx, Set<String> allowed) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw new RegistryException(ErrorCode.REG_UNSUPPORTED_MEDIA, "Content-Type",
          "send the body as Content-Type: application/json");
    }
    Buffer buf = ctx.body().buffer();
    JsonObject json;
    try {
      Object parsed = buf == null || buf.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(buf);
      if (!(parsed instanceof JsonObject o)) {
        throw RegistryException.invalid("body", "the body must be a JSON object");
      }
      json = o;
    } catch (io.vertx.core.json.DecodeException e) {
      throw RegistryException.invalid("body", "the body is not valid JSON");
    }
    for (String key : json.fieldNames()) {
      if (!allowed.contains(key)) {
        throw RegistryException.invalid(key, "unknown field \"" + key + "\"; allowed: " + allowed);
      }
    }
    return json;
  }

  private static String str(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw RegistryException.invalid(field, field + " must be a string");
    }
    return (String) v;
  }

  private static Integer port(JsonObject body) {
    Object v = body.getValue("port");
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer) && !(v instanceof Long)) {
      throw RegistryException.invalid("port", "port must be an integer 1-65535");
    }
    long p = ((Number) v).longValue();
    if (p < 1 || p > 65535) {
      throw RegistryException.invalid("port", "port must be 1-65535");
    }
    return (int) p;
  }

  private static <T> JsonArray array(List<T> list, Function<T, JsonObject> f) {
    JsonArray a = new JsonArray();
    list.forEach(x -> a.add(f.apply(x)));
    return a;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static Buffer openapi() {
    try (java.io.InputStream in = RestApi.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read openapi.yaml", e);
    }
  }
}
