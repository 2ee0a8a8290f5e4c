package burrow.edge.front;

import burrow.edge.admit.Authenticator;
import burrow.edge.route.Binding;
import burrow.edge.route.RemoteRoutes;
import burrow.edge.route.Route;
import burrow.edge.route.RouteTable;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.mux.MuxErrorCode;
import burrow.mux.MuxStream;
import burrow.proto.Heads;
import burrow.proto.HttpHead;
import burrow.net.DrainSafe;
import burrow.net.OwnedPipe;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import java.util.Locale;

/**
 * Public HTTP and HTTPS requests: route by host, admit (basic auth), open one mux stream per exchange, send the
 * parsed request head and stream the body; then write the agent's response head and stream its body back.
 * Upgrades (WebSocket) become raw byte pipes after the 101.
 */
public final class HttpFrontend implements Handler<HttpServerRequest> {
  private final RouteTable routes;
  private final String scheme;
  private final Authenticator policy;
  private final RemoteRoutes remote;

  public HttpFrontend(RouteTable routes, String scheme) {
    this(routes, scheme, Authenticator.acceptAll());
  }

  public HttpFrontend(RouteTable routes, String scheme, Authenticator policy) {
    this(routes, scheme, policy, null);
  }

  /** @param remote where hosts this node does not hold are looked up (the cluster), or null */
  public HttpFrontend(RouteTable routes, String scheme, Authenticator policy, RemoteRoutes remote) {
    this.routes = routes;
    this.scheme = scheme;
    this.policy = policy;
    this.remote = remote;
  }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause();                                            // read nothing until we know where it goes
    HostAndPort authority = req.authority();
    String host = authority == null ? null : authority.host().toLowerCase(Locale.ROOT);
    Context reqContext = io.vertx.core.Vertx.currentContext();
    Binding local = host == null ? null : routes.lookup(host);
    if (local == null && host != null && remote != null) {
      remote.resolve(host).onComplete(ar -> {
        if (ar.succeeded()) {
          serve(req, reqContext, host, authority, ar.result(), true);
        } else {
          ErrorPages.send(req, ar.cause());
        }
      });
      return;
    }
    serve(req, reqContext, host, authority, local, false);
  }

  private void serve(HttpServerRequest req, Context reqContext, String host, HostAndPort authority, Route b,
                     boolean mayRetry) {
    if (b == null || !(scheme.equals("https") ? b.spec().wantsHttps() : b.spec().wantsHttp())) {
      String shown = host == null ? "(no Host header)" : host;
      ErrorPages.send(req, new BurrowException(ErrorCode.TUNNEL_NOT_FOUND, "tunnel " + shown
          + " not found. Start it with: burrow http -subdomain=" + label(shown, routes.domain()) + " 8080"));
      return;
    }
    if (!policy.allows(b.account(), req.remoteAddress().hostAddress())) {
      ErrorPages.send(req, new BurrowException(ErrorCode.IP_NOT_ALLOWED, "your address "
          + req.remoteAddress().hostAddress() + " is not on this tunnel's IP whitelist"));
      return;
    }
    if (b.auth() != null && !b.auth().check(req.getHeader(HttpHeaders.AUTHORIZATION))) {
      ErrorPages.send(req, new BurrowException(ErrorCode.AUTH_REQUIRED, "this tunnel requires a user name and password"));
      return;
    }
    // Build and encode the head here, on the public connection's event loop; the session's loop (which serves
    // every request of this agent) then only writes it.
    String upgrade = isUpgrade(req) ? req.getHeader(HttpHeaders.UPGRADE) : null;
    boolean bodyless = upgrade == null && !hasBody(req);
    String client = req.remoteAddress().hostAddress();
    String xff = req.getHeader("X-Forwarded-For");
    if (bodyless) {
      req.resume();                                         // nothing to read: let the request end
    }
    Buffer encoded = HttpHead.encodeRequest(b.spec().id(), client + ":" + req.remoteAddress().port(), scheme,
        req.method().name(), req.uri(), authority.toString(), req.headers(), upgrade,
        xff == null ? client : xff + ", " + client, bodyless);
    b.openStream()
        .compose(stream -> exchange(req, reqContext, stream, encoded, upgrade != null, bodyless))
        .onFailure(err -> {
          // A relayed request without a body whose owner node died before answering is asked again: the cluster
          // holds it until the agent is back (safe methods only; nothing of the response was written yet).
          if (mayRetry && !(b instanceof Binding) && bodyless && !req.response().headWritten()
              && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD
                  || req.method() == HttpMethod.OPTIONS)) {
            remote.resolve(host).onComplete(ar -> {
              if (ar.succeeded()) {
                serve(req, reqContext, host, authority, ar.result(), false);
              } else {
                ErrorPages.send(req, ar.cause());
              }
            });
          } else {
            ErrorPages.send(req, err);
          }
        });
  }

  private Future<Void> exchange(HttpServerRequest req, Context reqContext, MuxStream stream, Buffer head,
                                boolean upgrade, boolean bodyless) {
    HttpServerResponse resp = req.response();
    resp.closeHandler(v -> stream.reset(MuxErrorCode.CANCEL));
    stream.write(head);
    if (bodyless) {
      stream.end();                                         // head and FIN leave in one frame batch
    } else if (!upgrade) {
      req.pipe().endOnFailure(false).to(stream).onFailure(err -> stream.reset(MuxErrorCode.CANCEL));
    }
    if (!upgrade) {
      // The body goes out through an OwnedPipe: from the first frame on, take the link's buffers without a copy (the
      // frames that arrive while the head hops to the public connection's loop were a quarter of a 1 MiB body).
      stream.deliverOwned();
    }
    // The response head is written on the public connection's loop (one hop), not the session's.
    return Heads.readOne(stream).compose(read -> {
      Promise<Void> done = Promise.promise();
      reqContext.runOnContext(v -> respond(req, stream, read, upgrade).onComplete(done));
      return done.future();
    }).onFailure(err -> stream.reset(MuxErrorCode.CANCEL));  // nobody reads it now: release what it holds
  }

  /** A request has a body when it says so: a Content-Length above 0 or a Transfer-Encoding (HTTP/2: not ended). */
  private static boolean hasBody(HttpServerRequest req) {
    String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (cl != null) {
      return !cl.trim().equals("0");
    }
    if (req.version() == HttpVersion.HTTP_2) {
      return !req.isEnded();
    }
    return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  private Future<Void> respond(HttpServerRequest req, MuxStream stream, Heads.Read read, boolean upgrade) {
    JsonObject h = read.head();
    String error = h.getString("e");
    if (error != null) {
      stream.reset(MuxErrorCode.CANCEL);
      return Future.failedFuture(new BurrowException(ErrorCode.fromCode(error), h.getString("msg", "agent error")));
    }
    int status = h.getInteger("s", 502);
    HttpServerResponse resp = req.response();
    resp.setStatusCode(status);
    if (h.getString("r") != null && req.version() != HttpVersion.HTTP_2) {
      resp.setStatusMessage(h.getString("r"));
    }
    HttpHead.copyHeaders(h, resp.headers());
    if (upgrade && status == 101) {
      // Connection and Upgrade are hop-by-hop, so the agent's head does not carry them; a 101 without them is no
      // switch at all (clients reject the handshake). The protocol switched to is the one the client asked for.
      resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE).putHeader(HttpHeaders.UPGRADE, req.getHeader(HttpHeaders.UPGRADE));
      return req.toNetSocket().map(socket -> {
        if (read.rest() != null) {
          socket.write(read.rest());
        }
        socket.pipe().endOnFailure(false).to(stream).onFailure(err -> stream.reset(MuxErrorCode.CANCEL));
        DrainSafe.pipe(stream, socket).onFailure(err -> socket.close());
        return null;
      });
    }
    if (upgrade) {
      // The local service declined the upgrade: the request had no body we kept back, so end our side.
      stream.end();
    }
    boolean bodyless = req.method() == HttpMethod.HEAD || status == 204 || status == 304;
    if (!bodyless && !resp.headers().contains(HttpHeaders.CONTENT_LENGTH) && req.version() == HttpVersion.HTTP_1_1) {
      resp.setChunked(true);
    }
    if (read.rest() != null) {
      resp.write(read.rest());
    }
    OwnedPipe.pipe(stream, resp).onFailure(err -> resp.reset());
    return Future.succeededFuture();
  }

  private static boolean isUpgrade(HttpServerRequest req) {
    if (req.version() != HttpVersion.HTTP_1_1 || req.getHeader(HttpHeaders.UPGRADE) == null) {
      return false;
    }
    String conn = req.getHeader(HttpHeaders.CONNECTION);
    return conn != null && conn.toLowerCase(Locale.ROOT).contains("upgrade");
  }

  private static String label(String host, String domain) {
    return host.endsWith("." + domain) ? host.substring(0, host.length() - domain.length() - 1) : "NAME";
  }

}
