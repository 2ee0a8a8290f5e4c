package burrow.dist;

import burrow.agent.api.AgentTunnels;
import burrow.agent.api.TunnelMetricsSource;
import burrow.agent.api.WebService;
import burrow.agent.config.TunnelDefinition;
import burrow.agent.inspect.CaptureStore;
import burrow.agent.inspect.InspectObserver;
import burrow.agent.inspect.InspectOptions;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The inspector's test bed: an upstream that records what reached it, a DevStack edge, one agent session with capture
 * on, and the web service on 127.0.0.1 port 0.
 */
final class InspectStack {
  /** What the upstream saw: method, uri, body. */
  record Seen(String method, String uri, String body) {
  }

  final Vertx vertx;
  final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  /** What reached the upstream's request handler (before its body was read), for diagnosing a stall. */
  final ConcurrentLinkedQueue<String> arrived = new ConcurrentLinkedQueue<>();
  DevStack dev;
  HttpServer upstream;
  CaptureStore store;
  EdgeSession session;
  WebService web;
  int webPort;
  HttpClient client;

  InspectStack(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Upstream answers {@code <method> <uri> <body length>} as text, or echoes the body when the path starts /echo. */
  Future<InspectStack> start(InspectOptions options, boolean connect) {
    // No keep-alive: every call on its own connection, so one stuck exchange cannot hold up the next call.
    client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
    return vertx.createHttpServer().requestHandler(this::serve).listen(0, "127.0.0.1").compose(s -> {
      upstream = s;
      return within(DevStack.start(vertx), "the edge's start");
    }).compose(d -> {
      dev = d;
      store = new CaptureStore(options);
      session = new EdgeSession(vertx, dev.sessionOptions(), List.of(TunnelDefinition.http("web", "127.0.0.1:" + upstream.actualPort())),
          new SessionListener() { }, new InspectObserver(store));
      web = new WebService(vertx, new InspectOptions(options).setWebAddr("127.0.0.1:0"), store, new AgentTunnels(session),
          TunnelMetricsSource.ZEROS);
      return within(web.start(), "the web service's start");
    }).compose(port -> {
      webPort = port;
      return connect ? within(session.start(), "the agent session's start").map(this) : Future.succeededFuture(this);
    });
  }

  void serve(HttpServerRequest req) {
    arrived.add(req.method() + " " + req.uri() + " len=" + req.getHeader("Content-Length") + " te="
        + req.getHeader("Transfer-Encoding") + " from " + req.remoteAddress().port());
    req.exceptionHandler(err -> arrived.add("error on " + req.uri() + ": " + err));
    if (req.path().startsWith("/ws")) {
      req.toWebSocket().onSuccess(ws -> ws.handler(ws::write));
      return;
    }
    req.body().onSuccess(body -> {
      seen.add(new Seen(req.method().name(), req.uri(), body.toString()));
      if (req.path().startsWith("/big/")) {
        int n = Integer.parseInt(req.path().substring(5));
        Buffer big = Buffer.buffer(n);
        for (int i = 0; i < n; i++) {
          big.appendByte((byte) ('a' + i % 26));
        }
        req.response().putHeader("Content-Type", "application/octet-stream").end(big);
      } else if (req.path().startsWith("/echo")) {
        req.response().putHeader("Content-Type", String.valueOf(req.getHeader("Content-Type"))).end(body);
      } else {
        req.response().putHeader("Content-Type", "text/plain").end(req.method() + " " + req.uri() + " " + body.length());
      }
    });
  }

  /** @return the tunnel's public http:// URL */
  Future<URI> httpUrl() {
    return session.tunnelStates().map(states -> URI.create(states.get(0).urls().stream()
        .filter(u -> u.startsWith("http:")).findFirst().orElseThrow()));
  }

  /** Sends a request through the tunnel and reads the whole response body, within 30 s. */
  Future<Buffer> bodyVia(HttpMethod m, String path, String contentType, Buffer body) {
    return within(httpUrl().compose(u -> {
      RequestOptions ro = new RequestOptions().setMethod(m).setHost("127.0.0.1").setPort(u.getPort()).setURI(path)
          .putHeader("Host", u.getHost() + ":" + u.getPort());
      if (contentType != null) {
        ro.putHeader("Content-Type", contentType);
      }
      return Http.exchange(client, ro, body);
    }).map(Http.Reply::body), m + " " + path + " (whole body) through the tunnel");
  }

  /** Calls the local API with Host 127.0.0.1:port. */
  Future<Api> api(HttpMethod m, String path, JsonObject body) {
    RequestOptions ro = new RequestOptions().setMethod(m).setHost("127.0.0.1").setPort(webPort).setURI(path);
    if (body != null) {
      ro.putHeader("Content-Type", "application/json");
    }
    return within(Http.exchange(client, ro, body == null ? null : body.toBuffer()).map(r -> new Api(r.response(), r.body())),
        "the API call " + m + " " + path);
  }

  /** Fails {@code f} after 30 s with a message naming what did not finish, so a hang in CI says where it was. */
  <T> Future<T> within(Future<T> f, String what) {
    return f.timeout(30, TimeUnit.SECONDS).recover(err -> {
      if (!(err instanceof java.util.concurrent.TimeoutException) && !err.getClass().getSimpleName().contains("Timeout")) {
        return Future.failedFuture(err);
      }
      return describe().transform(d -> Future.failedFuture(new AssertionError(what + " did not finish in 30 s; "
          + (d.succeeded() ? d.result() : "(state unavailable: " + d.cause() + ")"), err)));
    });
  }

  /** The upstream's log and every mux stream's state on both sides, read on each session's event loop. */
  Future<String> describe() {
    StringBuilder sb = new StringBuilder("upstream saw ").append(seen.size()).append(" requests, the last ")
        .append(seen.stream().skip(Math.max(0, seen.size() - 4)).map(x -> x.method() + " " + x.uri() + " " + x.body().length() + "B").toList())
        .append("; arrived but not read whole: ").append(arrived.stream().filter(a -> seen.stream()
            .noneMatch(x -> a.startsWith(x.method() + " " + x.uri() + " "))).toList());
    Future<Void> f = Future.succeededFuture();
    if (session != null && session.mux() != null) {
      var mux = session.mux();
      f = f.compose(v -> appendStreams(sb, "agent streams", mux));
    }
    if (dev != null) {
      for (var b : dev.edge.routes().bindings()) {
        f = f.compose(v -> appendStreams(sb, "edge streams of " + b.host(), b.session().mux()));
      }
    }
    return f.map(v -> sb.toString()).timeout(5, TimeUnit.SECONDS);
  }

  /** Appends every stream's state of {@code mux}, read on its event loop. */
  private static Future<Void> appendStreams(StringBuilder sb, String label, burrow.mux.MuxSession mux) {
    Promise<Void> p = Promise.promise();
    mux.context().runOnContext(y -> {
      sb.append("; ").append(label).append(' ');
      mux.streams().forEach(st -> sb.append(st.describe()).append(' '));
      p.complete();
    });
    return p.future();
  }

  record Api(HttpClientResponse resp, Buffer body) {
    int status() {
      return resp.statusCode();
    }

    JsonObject json() {
      return body.length() == 0 ? null : new JsonObject(body);
    }
  }

  String webUrl() {
    return "http://127.0.0.1:" + webPort;
  }

  Future<Void> close() {
    Future<Void> f = web == null ? Future.succeededFuture() : web.close();
    return f.eventually(() -> session == null ? Future.succeededFuture() : session.close())
        .eventually(() -> dev == null ? Future.succeededFuture() : dev.close())
        .eventually(() -> upstream == null ? Future.succeededFuture() : upstream.close());
  }
}
