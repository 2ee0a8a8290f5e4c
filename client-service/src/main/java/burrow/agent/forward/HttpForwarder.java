package burrow.agent.forward;

import burrow.agent.config.LocalAddr;
import burrow.agent.config.TunnelDefinition;
import burrow.error.ErrorCode;
import burrow.mux.MuxErrorCode;
import burrow.mux.MuxStream;
import burrow.proto.Heads;
import burrow.proto.HttpHead;
import burrow.net.DrainSafe;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one public HTTP exchange, arriving as a mux stream, to the local service with Vert.x's pooled HTTP client,
 * and streams the response back. Bodies stream both ways with backpressure; upgrades become raw byte pipes.
 * An {@link ExchangeListener} hears of every exchange (metrics, console); an {@link ExchangeObserver} taps the bytes of
 * exchanges on tunnels with {@code inspect} on (the inspector).
 */
public final class HttpForwarder {
  private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);
  /** Most pooled connections to one local service: 256. */
  public static final int POOL_SIZE = 256;

  private final HttpClient client;
  private final ExchangeObserver observer;
  private volatile ExchangeListener listener = ExchangeListener.NONE;

  public HttpForwarder(Vertx vertx) {
    this(vertx, null);
  }

  /** @param observer sees every exchange on tunnels with {@code inspect} on; null for none */
  public HttpForwarder(Vertx vertx, ExchangeObserver observer) {
    this.observer = observer;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
            .setTcpNoDelay(true).setConnectTimeout(10_000).setTrustAll(true).setVerifyHost(false)
            .setDecompressionSupported(false).setMaxInitialLineLength(64 * 1024).setMaxHeaderSize(64 * 1024)
            .setMaxChunkSize(64 * 1024),       // body pieces of up to 64 KiB (8 KiB by default): fewer per-piece costs
        new PoolOptions().setHttp1MaxSize(POOL_SIZE).setMaxWaitQueueSize(4 * POOL_SIZE));
  }

  /** Who hears about each exchange (metrics, console, log); none by default. */
  public HttpForwarder listener(ExchangeListener listener) {
    this.listener = listener;
    return this;
  }

  /** Serves one exchange whose request head has been read. */
  public void forward(MuxStream stream, JsonObject head, io.vertx.core.buffer.Buffer rest, TunnelDefinition tunnel) {
    LocalAddr local = tunnel.localAddr();
    ExchangeListener.attach(listener, stream, tunnel.name(), head.getString("m"), head.getString("u"));
    String upgrade = head.getString("up");
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.valueOf(head.getString("m")))
        .setURI(head.getString("u")).setHost(local.host()).setPort(local.port()).setSsl(local.https());
    MultiMap headers = HttpHeaders.headers();
    HttpHead.copyHeaders(head, headers);
    rewriteHost(headers, tunnel, local);
    if (upgrade != null) {
      headers.set(HttpHeaders.CONNECTION, "Upgrade").set(HttpHeaders.UPGRADE, upgrade);
    }
    ro.setHeaders(headers);
    ExchangeTap tap = observer == null || !tunnel.inspect() ? null : observer.begin(tunnel, head, headers);
    boolean bodyless = head.getBoolean("nb", false);
    client.request(ro)
        .compose(req -> upgrade != null ? exchangeUpgrade(stream, req, rest, tap)
            : exchange(stream, req, rest, headers, bodyless, tap))
        .onFailure(err -> {
          if (tap != null) {
            tap.failed(err);
          }
          fail(stream, local, err);
        });
  }

  private Future<Void> exchange(MuxStream stream, HttpClientRequest req, io.vertx.core.buffer.Buffer rest,
                                MultiMap headers, boolean bodyless, ExchangeTap tap) {
    stream.resetHandler(code -> req.reset());
    if (bodyless) {
      // The edge said there is no body ("nb"): send the request now, and just let the stream's FIN arrive.
      stream.handler(b -> { }).endHandler(v -> { });
      stream.resume();
      if (tap != null) {
        tap.requestEnd();
      }
      req.end();
    } else {
      if (!headers.contains(HttpHeaders.CONTENT_LENGTH)) {
        req.setChunked(true);
      }
      if (rest != null) {
        req.write(rest);
        if (tap != null) {
          tap.requestChunk(rest);
        }
      }
      DrainSafe.pipe(ExchangeTap.request(stream, tap), req).onFailure(err -> req.reset());
    }
    return req.response().compose(resp -> {
      ExchangeListener.status(stream, resp.statusCode());
      stream.write(HttpHead.encodeResponse(resp.statusCode(), resp.statusMessage(), resp.headers()));
      if (tap != null) {
        tap.response(resp.statusCode(), resp.statusMessage(), resp.headers());
      }
      ExchangeTap.response(SocketPausedBody.of(resp), tap).pipe().endOnFailure(false).to(stream)
          .onFailure(err -> stream.reset(MuxErrorCode.CANCEL));
      return Future.succeededFuture();
    });
  }

  private Future<Void> exchangeUpgrade(MuxStream stream, HttpClientRequest req, io.vertx.core.buffer.Buffer rest,
                                       ExchangeTap tap) {
    return req.connect().compose(resp -> {
      ExchangeListener.status(stream, resp.statusCode());
      stream.write(HttpHead.encodeResponse(resp.statusCode(), resp.statusMessage(), resp.headers()));
      if (tap != null) {
        tap.requestEnd();
        tap.response(resp.statusCode(), resp.statusMessage(), resp.headers());
        tap.responseEnd();                                   // WebSocket frames after the 101 are not captured
      }
      if (resp.statusCode() != 101) {
        SocketPausedBody.of(resp).pipe().endOnFailure(false).to(stream)
            .onFailure(err -> stream.reset(MuxErrorCode.CANCEL));
        return Future.succeededFuture();
      }
      var socket = resp.netSocket();
      if (rest != null) {
        socket.write(rest);
      }
      socket.pipe().endOnFailure(false).to(stream).onFailure(err -> stream.reset(MuxErrorCode.CANCEL));
      DrainSafe.pipe(stream, socket).onFailure(err -> socket.close());
      return Future.succeededFuture();
    });
  }

  private static void rewriteHost(MultiMap headers, TunnelDefinition tunnel, LocalAddr local) {
    String hh = tunnel.hostHeader();
    if (hh == null || hh.isEmpty() || hh.equals("preserve")) {
      return;
    }
    String original = headers.get(HttpHeaders.HOST);
    headers.set(HttpHeaders.HOST, hh.equals("rewrite") ? local.hostPort() : hh);
    if (original != null) {
      headers.set("X-Original-Host", original);
    }
  }

  private void fail(MuxStream stream, LocalAddr local, Throwable err) {
    log.atDebug().addKeyValue("local", local.hostPort()).addKeyValue("reason", String.valueOf(err.getMessage()))
        .log("local service unreachable");
    ExchangeListener.status(stream, ErrorCode.LOCAL_UNREACHABLE.status());
    if (stream.isReset()) {
      return;
    }
    stream.write(Heads.encode(HttpHead.error(ErrorCode.LOCAL_UNREACHABLE.code(),
        "The connection was tunneled to your burrow agent, but the agent failed to establish a connection to the"
            + " local address " + local.hostPort() + ". Make sure that a web service is running on "
            + local.hostPort() + " and that it is a valid address (" + err.getMessage() + ").")));
    stream.end();
  }

  public Future<Void> close() {
    return client.close();
  }
}
