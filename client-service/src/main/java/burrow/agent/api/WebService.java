package burrow.agent.api;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.inspect.Capture;
import burrow.agent.inspect.CaptureStore;
import burrow.agent.inspect.InspectObserver;
import burrow.agent.inspect.InspectOptions;
import burrow.agent.inspect.Replayer;
import burrow.agent.session.EdgeSession.TunnelState;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.BindException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local web interface at {@code web_addr}: the ngrok client API under {@code /api} (paths, fields and
 * status codes as the manual's "ngrok Client API" chapter) and the inspector UI at {@code /inspect/http}. If the port
 * is busy it says so and tries the next, as ngrok does.
 */
public final class WebService {
  private static final Logger log = LoggerFactory.getLogger(WebService.class);
  /** Largest API request body, in bytes: an edited replay of a 10 MiB body in base64, plus room. */
  static final long MAX_API_BODY = 16L * 1024 * 1024;

  private final Vertx vertx;
  private final InspectOptions options;
  private final CaptureStore store;
  private final AgentTunnels tunnels;
  private final Replayer replayer;
  private final TunnelMetricsSource metrics;
  private HttpServer server;

  public WebService(Vertx vertx, InspectOptions options, CaptureStore store, AgentTunnels tunnels,
                    TunnelMetricsSource metrics) {
    this.vertx = vertx;
    this.options = options;
    this.store = store;
    this.tunnels = tunnels;
    this.metrics = metrics == null ? TunnelMetricsSource.ZEROS : metrics;
    this.replayer = new Replayer(vertx, store, options);
  }

  /** @return the port it listens on; fails with {@link ErrorCode#WEB_ADDR_IN_USE} if every port tried was busy */
  public Future<Integer> start() {
    String addr = options.getWebAddr();
    int colon = addr.lastIndexOf(':');
    if (colon < 0) {
      return Future.failedFuture(new BurrowException(ErrorCode.CONFIG_INVALID, "web_addr must be host:port, not \"" + addr + "\""));
    }
    String host = addr.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      host = "127.0.0.1";
    }
    int port;
    try {
      port = Integer.parseInt(addr.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Future.failedFuture(new BurrowException(ErrorCode.CONFIG_INVALID, "web_addr must be host:port, not \"" + addr + "\""));
    }
    Router router = router(host);
    return listen(router, host, port, port == 0 ? 1 : Math.max(1, options.getPortAttempts()));
  }

  private Future<Integer> listen(Router router, String host, int port, int attemptsLeft) {
    HttpServer s = vertx.createHttpServer(new HttpServerOptions().setMaxFormAttributeSize(0));
    return s.requestHandler(router).listen(port, host).map(srv -> {
      this.server = srv;
      log.atInfo().addKeyValue("obj", "web").addKeyValue("addr", host + ":" + srv.actualPort())
          .log("starting web service");
      return srv.actualPort();
    }).recover(err -> {
      boolean inUse = err instanceof BindException || String.valueOf(err.getMessage()).contains("in use");
      if (inUse && attemptsLeft > 1) {
        log.atWarn().addKeyValue("obj", "web").addKeyValue("addr", host + ":" + port).addKeyValue("next", port + 1)
            .log("web service address in use, trying the next port");
        return listen(router, host, port + 1, attemptsLeft - 1);
      }
      return Future.failedFuture(new BurrowException(ErrorCode.WEB_ADDR_IN_USE, "cannot listen on " + host + ":" + port
          + " for the web interface: " + err.getMessage() + ". Set web_addr to a free address, or false"));
    });
  }

  private Router router(String host) {
    Router r = Router.router(vertx);
    r.route().handler(new LocalGuard(host));
    r.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_API_BODY));
    r.get("/api").handler(this::root);
    r.get("/api/").handler(this::root);
    r.get("/api/tunnels").handler(rc -> tunnels.list().onSuccess(states -> {
      List<JsonObject> all = new ArrayList<>();
      states.forEach(s -> all.addAll(TunnelJson.objects(s, metrics)));
      json(rc, 200, new JsonObject().put("tunnels", TunnelJson.array(all)).put("uri", "/api/tunnels"));
    }).onFailure(err -> ApiErrors.send(rc.response(), err)));
    r.post("/api/tunnels").handler(this::startTunnel);
    r.get("/api/tunnels/:name").handler(rc -> tunnelObject(rc.pathParam("name"))
        .onSuccess(t -> json(rc, 200, t)).onFailure(err -> ApiErrors.send(rc.response(), err)));
    r.delete("/api/tunnels/:name").handler(rc -> tunnels.stop(InspectObserver.definitionName(rc.pathParam("name")))
        .onSuccess(v -> rc.response().setStatusCode(204).end()).onFailure(err -> ApiErrors.send(rc.response(), err)));
    r.get("/api/requests/http").handler(this::listRequests);
    r.post("/api/requests/http").handler(this::replay);
    r.delete("/api/requests/http").handler(rc -> {
      store.clear();
      rc.response().setStatusCode(204).end();
    });
    r.get("/api/requests/http/:id").handler(rc -> {
      Capture c = store.get(rc.pathParam("id"));
      if (c == null) {
        ApiErrors.send(rc.response(), new BurrowException(ErrorCode.API_NOT_FOUND, "request \"" + rc.pathParam("id")
            + "\" not found; it may have been evicted (inspect_db_size)"));
        return;
      }
      json(rc, 200, c.toJson(true));
    });
    r.route("/api/*").handler(rc -> ApiErrors.send(rc.response(), new BurrowException(ErrorCode.API_NOT_FOUND,
        "no API resource " + rc.request().method() + " " + rc.request().path())));
    r.get("/inspect/events").handler(new CaptureEvents(vertx, store));
    r.get("/").handler(rc -> rc.redirect("/inspect/http"));
    r.get("/inspect/http").handler(rc -> rc.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .sendFile("webroot/inspect/index.html"));
    r.get("/inspect/static/*").handler(StaticHandler.create("webroot/inspect").setCachingEnabled(false));
    r.route().failureHandler(rc -> {
      Throwable f = rc.failure();
      if (f == null && rc.statusCode() == 413) {
        f = new BurrowException(ErrorCode.API_BAD_REQUEST, "request body larger than " + MAX_API_BODY + " bytes");
      } else if (f == null) {
        f = new BurrowException(rc.statusCode() == 404 ? ErrorCode.API_NOT_FOUND : ErrorCode.API_BAD_REQUEST,
            "HTTP " + rc.statusCode());
      }
      ApiErrors.send(rc.response(), f);
    });
    return r;
  }

  private void root(RoutingContext rc) {
    json(rc, 200, new JsonObject().put("uri", "/api").put("tunnels_uri", "/api/tunnels")
        .put("requests_uri", "/api/requests/http"));
  }

  private Future<JsonObject> tunnelObject(String name) {
    return tunnels.list().compose(states -> {
      for (TunnelState s : states) {
        for (JsonObject t : TunnelJson.objects(s, metrics)) {
          if (t.getString("name").equals(name)) {
            return Future.succeededFuture(t);
          }
        }
      }
      return Future.failedFuture(new BurrowException(ErrorCode.API_NOT_FOUND, "tunnel \"" + name + "\" not found"));
    });
  }

  private void startTunnel(RoutingContext rc) {
    Future.succeededFuture().map(v -> TunnelJson.definition(body(rc)))
        .compose(def -> tunnels.start(def).compose(urls -> tunnelObject(def.name())))
        .onSuccess(t -> json(rc, 201, t))
        .onFailure(err -> ApiErrors.send(rc.response(), notReady(err)));
  }

  /** ngrok answers a start before the session is up with a retryable 503. */
  private static Throwable notReady(Throwable err) {
    if (err instanceof BurrowException be && be.code() == ErrorCode.SESSION_CLOSED) {
      return new BurrowException(ErrorCode.SESSION_CLOSED, "tunnel session not ready yet; retry shortly");
    }
    return err;
  }

  private void listRequests(RoutingContext rc) {
    int limit;
    try {
      String l = rc.request().getParam("limit");
      limit = l == null || l.isEmpty() ? 0 : Integer.parseInt(l);
    } catch (NumberFormatException e) {
      ApiErrors.send(rc.response(), new BurrowException(ErrorCode.API_BAD_REQUEST, "limit must be a number"));
      return;
    }
    JsonArray reqs = new JsonArray();
    for (Capture c : store.list(limit, rc.request().getParam("tunnel_name"))) {
      reqs.add(c.toJson(true));
    }
    json(rc, 200, new JsonObject().put("uri", "/api/requests/http").put("requests", reqs));
  }

  private void replay(RoutingContext rc) {
    Future.succeededFuture().map(v -> body(rc)).compose(b -> {
      String id = b.getString("id");
      Capture c = id == null ? null : store.get(id);
      if (c == null) {
        return Future.failedFuture(new BurrowException(ErrorCode.API_NOT_FOUND, "request \"" + id + "\" not found"));
      }
      String publicName = b.getString("tunnel_name", c.tunnelName());
      Buffer raw;
      try {
        raw = b.getString("raw") == null ? null : Buffer.buffer(Base64.getDecoder().decode(b.getString("raw")));
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new BurrowException(ErrorCode.API_BAD_REQUEST, "\"raw\" must be base64"));
      }
      return tunnels.find(InspectObserver.definitionName(publicName))
          .compose((TunnelDefinition def) -> replayer.replay(c, def, publicName, raw));
    }).onSuccess(v -> rc.response().setStatusCode(204).end()).onFailure(err -> ApiErrors.send(rc.response(), err));
  }

  private static JsonObject body(RoutingContext rc) {
    try {
      JsonObject o = rc.body().asJsonObject();
      if (o == null) {
        throw new BurrowException(ErrorCode.API_BAD_REQUEST, "the request body must be a JSON object");
      }
      return o;
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw new BurrowException(ErrorCode.API_BAD_REQUEST, "the request body is not valid JSON: " + e.getMessage());
    }
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  public Future<Void> close() {
    Future<Void> f = server == null ? Future.succeededFuture() : server.close();
    return f.eventually(replayer::close);
  }
}
