package burrow.agent.session;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.forward.ExchangeObserver;
import burrow.agent.forward.HttpForwarder;
import burrow.agent.forward.TcpForwarder;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.mux.MuxErrorCode;
import burrow.mux.MuxSession;
import burrow.mux.MuxStream;
import burrow.mux.NetSocketTransport;
import burrow.proto.ControlChannel;
import burrow.proto.ControlMessage;
import burrow.proto.ControlMessage.Auth;
import burrow.proto.ControlMessage.AuthResult;
import burrow.proto.ControlMessage.Bind;
import burrow.proto.ControlMessage.BindResult;
import burrow.proto.ConnHead;
import burrow.proto.Heads;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's session to an edge: dial over TLS, authenticate on stream 1, bind every tunnel, serve the streams the
 * edge opens, and after a drop reconnect with exponential backoff and jitter, binding the same URLs again.
 * Everything runs on one context.
 */
public final class EdgeSession {
  private static final Logger log = LoggerFactory.getLogger(EdgeSession.class);

  private final Vertx vertx;
  private final ContextInternal context;
  private final SessionOptions options;
  private final NetClient netClient;
  private final HttpForwarder http;
  private final TcpForwarder tcp;
  private final SessionListener listener;
  private final String clientId = UUID.randomUUID().toString();
  private final Map<String, TunnelDefinition> tunnels = new LinkedHashMap<>();
  private final Map<String, List<String>> urls = new LinkedHashMap<>();
  private final Map<String, String> hosts = new HashMap<>();
  private final Map<String, Promise<BindResult>> pendingBinds = new HashMap<>();
  private final Map<String, Promise<ControlMessage.UnbindResult>> pendingUnbinds = new HashMap<>();
  private MuxSession mux;
  private ControlChannel control;
  private boolean closed;
  private long backoff;
  private long reconnectTimer = -1;
  private int reqIds;
  private String sessionId;
  private JsonObject edgeMetadata;
  private int serverIndex;
  /** How long a session told to go away may finish its streams after the agent moved, in ms. */
  private static final long GO_AWAY_DRAIN = 30_000;

  public EdgeSession(Vertx vertx, SessionOptions options, List<TunnelDefinition> tunnels, SessionListener listener) {
    this(vertx, options, tunnels, listener, null);
  }

  /** @param observer sees the HTTP exchanges of tunnels with {@code inspect} on (the inspector); null for none */
  public EdgeSession(Vertx vertx, SessionOptions options, List<TunnelDefinition> tunnels, SessionListener listener,
                     ExchangeObserver observer) {
    this.vertx = vertx;
    this.context = (ContextInternal) vertx.getOrCreateContext();
    this.options = options;
    this.netClient = vertx.createNetClient(options.netClientOptions());
    this.http = new HttpForwarder(vertx, observer);
    this.tcp = new TcpForwarder(vertx);
    this.listener = listener;
    for (TunnelDefinition t : tunnels) {
      this.tunnels.put(t.name(), t);
    }
    this.backoff = options.getMinBackoff();
  }

  /** Who hears about each forwarded exchange (metrics, console, log). */
  public EdgeSession exchangeListener(burrow.agent.forward.ExchangeListener listener) {
    http.listener(listener);
    return this;
  }

  public String clientId() {
    return clientId;
  }

  /** @return the public URLs of each bound tunnel, by tunnel name */
  public Map<String, List<String>> urls() {
    return urls;
  }

  /** @return the live mux session to the edge, or null between sessions (for metrics and leak checks) */
  public MuxSession mux() {
    return mux;
  }

  public boolean isConnected() {
    return mux != null && !mux.isClosed();
  }

  /**
   * Connects, authenticates and binds every tunnel. Fails if the first attempt fails (the caller decides whether to
   * retry with {@link #startRetrying()}), and for good on an auth or bind rejection.
   */
  public Future<Map<String, List<String>>> start() {
    Promise<Map<String, List<String>>> p = context.promise();
    context.runOnContext(v -> connect().onComplete(ar -> {
      if (ar.succeeded()) {
        p.complete(urls);
      } else {
        p.fail(ar.cause());
      }
    }));
    return p.future();
  }

  /** Like {@link #start()}, but a failure to reach the edge goes into the reconnect loop instead of failing. */
  public Future<Map<String, List<String>>> startRetrying() {
    Promise<Map<String, List<String>>> first = context.promise();
    context.runOnContext(v -> attempt(first));
    return first.future();
  }

  private void attempt(Promise<Map<String, List<String>>> first) {
    connect().onComplete(ar -> {
      if (ar.succeeded()) {
        first.tryComplete(urls);
      } else if (isFatal(ar.cause())) {
        first.tryFail(ar.cause());
      } else {
        listener.onReconnecting(ar.cause(), backoff);
        scheduleReconnect(() -> attempt(first));
      }
    });
  }

  private static boolean isFatal(Throwable err) {
    if (err instanceof BurrowException be) {
      ErrorCode c = be.code();
      return c == ErrorCode.AUTH_FAILED || c == ErrorCode.AUTH_TOKEN_REVOKED || c == ErrorCode.SUBDOMAIN_TAKEN
          || c == ErrorCode.BAD_SUBDOMAIN || c == ErrorCode.BAD_BIND || c == ErrorCode.PROTOCOL_VERSION_UNSUPPORTED
          || c == ErrorCode.HOSTNAME_TAKEN || c == ErrorCode.RESERVED_ELSEWHERE
          || c == ErrorCode.RESERVED_IN_OTHER_REGION || c == ErrorCode.ADDRESS_TAKEN;
    }
    return false;
  }

  private Future<Void> connect() {
    if (closed) {
      return context.failedFuture(new BurrowException(ErrorCode.SESSION_CLOSED, "agent is shutting down"));
    }
    String serverHost = options.getServerHost();
    int serverPort = options.getServerPort();
    List<String> alternates = options.getAlternateServerAddrs();
    int pick = serverIndex % (alternates.size() + 1);
    if (pick > 0) {
      SessionOptions alt = new SessionOptions().setServerAddr(alternates.get(pick - 1));
      serverHost = alt.getServerHost();
      serverPort = alt.getServerPort();
    }
    String host = serverHost;
    int port = serverPort;
    ConnectOptions co = new ConnectOptions().setHost(host).setPort(port)
        .setSsl(true).setSniServerName(host.matches("[0-9.:]+") ? null : host)
        .setTimeout(options.getConnectTimeout());
    return netClient.connect(co)
        .recover(err -> context.failedFuture(options.getProxy() != null ? ProxyErrors.describe(options, err)
            : new BurrowException(ErrorCode.EDGE_UNREACHABLE, "cannot reach the edge at " + host + ":" + port + ": "
                + err.getMessage())))
        .compose(this::handshake)
        .compose(v -> bindAll())
        .onSuccess(v -> backoff = options.getMinBackoff())
        .onFailure(err -> serverIndex++);               // next time, try the region's next address
  }

  private Future<Void> handshake(NetSocket socket) {
    MuxSession m = new MuxSession(context, new NetSocketTransport(socket), options.getMux(), true);
    m.streamHandler(this::onStream);
    m.start();
    return m.open().<Void>compose(stream -> {
      ControlChannel c = new ControlChannel(stream);
      Promise<AuthResult> auth = context.promise();
      c.messageHandler(msg -> onControl(msg, auth));
      c.errorHandler(err -> log.atWarn().addKeyValue("code", err.code().code()).log(err.getMessage()));
      c.send(new Auth(ControlMessage.SUPPORTED_VERSIONS, options.getAuthtoken(), clientId, options.getAgentVersion(),
          System.getProperty("os.name"), options.getMetadata()));
      m.closeHandler(err -> {
        auth.tryFail(new BurrowException(ErrorCode.SESSION_CLOSED, "the edge closed the session"));
        onSessionClosed(m);
      });
      m.goAwayHandler(code -> {
        log.atInfo().addKeyValue("code", code.name()).log("edge is going away, reconnecting");
        if (m != mux) {
          m.close();
          return;
        }
        // Move now, and let the streams in flight on the old session finish before closing it.
        onSessionClosed(m);
        long deadline = System.currentTimeMillis() + GO_AWAY_DRAIN;
        vertx.setPeriodic(100, id -> {
          if (m.isClosed() || m.streamCount() <= 1 || System.currentTimeMillis() >= deadline) {
            vertx.cancelTimer(id);
            m.close();
          }
        });
      });
      return auth.future().timeout(options.getAuthTimeout(), TimeUnit.MILLISECONDS).compose(res -> {
        if (res.error() != null) {
          m.close();
          return context.failedFuture(res.error().toException());
        }
        this.mux = m;
        this.control = c;
        this.sessionId = res.sessionId();
        this.edgeMetadata = res.metadata();
        listener.onConnected(res.sessionId(), res.account());
        return context.<Void>succeededFuture();
      }).onFailure(err -> m.close());
    });
  }

  private void onControl(ControlMessage msg, Promise<AuthResult> auth) {
    if (msg instanceof AuthResult r) {
      auth.tryComplete(r);
    } else if (msg instanceof BindResult r) {
      Promise<BindResult> p = pendingBinds.remove(r.reqId());
      if (p != null) {
        p.complete(r);
      }
    } else if (msg instanceof ControlMessage.UnbindResult r) {
      Promise<ControlMessage.UnbindResult> p = pendingUnbinds.remove(r.reqId());
      if (p != null) {
        p.complete(r);
      }
    } else if (msg instanceof ControlMessage.ErrorReply e) {
      log.atWarn().addKeyValue("code", e.code()).log(e.message());
    }
  }

  private Future<Void> bindAll() {
    List<Future<?>> fs = new ArrayList<>();
    for (TunnelDefinition t : tunnels.values()) {
      fs.add(bind(t));
    }
    return Future.all(fs).mapEmpty();
  }

  /** Binds one more tunnel on the live session. */
  public Future<List<String>> addTunnel(TunnelDefinition t) {
    Promise<List<String>> p = context.promise();
    context.runOnContext(v -> {
      tunnels.put(t.name(), t);
      if (!isConnected()) {
        p.fail(new BurrowException(ErrorCode.SESSION_CLOSED, "not connected to the edge yet; retry shortly"));
        return;
      }
      bind(t).onComplete(p);
    });
    return p.future();
  }

  /**
   * Stops a tunnel: forgets its definition (so a reconnect does not bind it again) and, if it is bound, unbinds it at
   * the edge and waits for the answer. Stopping an unknown name fails with {@link ErrorCode#API_NOT_FOUND}.
   */
  public Future<Void> removeTunnel(String name) {
    Promise<Void> p = context.promise();
    context.runOnContext(v -> {
      TunnelDefinition t = tunnels.remove(name);
      List<String> bound = urls.remove(name);
      hosts.remove(name);
      if (t == null) {
        p.fail(new BurrowException(ErrorCode.API_NOT_FOUND, "tunnel \"" + name + "\" not found"));
        return;
      }
      if (bound == null || !isConnected()) {
        p.complete();
        return;
      }
      String reqId = Integer.toString(++reqIds);
      Promise<ControlMessage.UnbindResult> up = context.promise();
      pendingUnbinds.put(reqId, up);
      control.send(new ControlMessage.Unbind(reqId, name));
      up.future().timeout(options.getAuthTimeout(), TimeUnit.MILLISECONDS)
          .<Void>compose(r -> r.error() != null ? context.failedFuture(r.error().toException()) : context.succeededFuture())
          .onComplete(p);
    });
    return p.future();
  }

  /** A tunnel definition and its public URLs (empty until bound). */
  /** @param metadata the session metadata as the edge recorded it ({@code metadata} in the config), or null */
  public record TunnelState(TunnelDefinition definition, List<String> urls, String metadata) {
  }

  /** @return every tunnel definition and its URLs, in definition order, read on the session's context */
  public Future<List<TunnelState>> tunnelStates() {
    Promise<List<TunnelState>> p = context.promise();
    context.runOnContext(v -> {
      List<TunnelState> out = new ArrayList<>();
      for (TunnelDefinition t : tunnels.values()) {
        out.add(new TunnelState(t, List.copyOf(urls.getOrDefault(t.name(), List.of())),
            edgeMetadata == null ? null : edgeMetadata.getString("metadata")));
      }
      p.complete(out);
    });
    return p.future();
  }

  private Future<List<String>> bind(TunnelDefinition t) {
    String reqId = Integer.toString(++reqIds);
    Promise<BindResult> p = context.promise();
    pendingBinds.put(reqId, p);
    control.send(new Bind(reqId, t.toSpec().withPreferredHost(hosts.get(t.name()))));
    return p.future().timeout(options.getAuthTimeout(), TimeUnit.MILLISECONDS).compose(r -> {
      if (r.error() != null) {
        return context.failedFuture(r.error().toException());
      }
      urls.put(t.name(), r.urls());
      if (!r.urls().isEmpty()) {
        URI u = URI.create(r.urls().get(0));
        hosts.put(t.name(), "tcp".equals(t.proto()) ? u.getAuthority() : u.getHost());
      }
      listener.onTunnelBound(t, r.urls());
      return context.succeededFuture(r.urls());
    });
  }

  private void onStream(MuxStream stream) {
    Heads.readOne(stream).onSuccess(read -> {
      JsonObject head = read.head();
      TunnelDefinition t = tunnels.get(head.getString("t"));
      if (t == null) {
        stream.reset(MuxErrorCode.BAD_HEADER);
        return;
      }
      if (ConnHead.isConnection(head)) {
        tcp.forward(stream, ConnHead.fromJson(head), read.rest(), t);
      } else {
        http.forward(stream, head, read.rest(), t);
      }
    }).onFailure(err -> {
      log.atDebug().addKeyValue("reason", String.valueOf(err)).log("bad stream head");
      stream.reset(MuxErrorCode.BAD_HEADER);
    });
  }

  private void onSessionClosed(MuxSession m) {
    if (m != mux) {
      return;
    }
    mux = null;
    control = null;
    serverIndex++;                                     // reconnect through the region's next address first
    for (Promise<BindResult> p : pendingBinds.values()) {
      p.tryFail(new BurrowException(ErrorCode.SESSION_CLOSED, "session closed"));
    }
    pendingBinds.clear();
    for (Promise<ControlMessage.UnbindResult> p : pendingUnbinds.values()) {
      p.tryFail(new BurrowException(ErrorCode.SESSION_CLOSED, "session closed"));
    }
    pendingUnbinds.clear();
    if (closed) {
      return;
    }
    listener.onDisconnected(sessionId, backoff);
    scheduleReconnect(this::reconnect);
  }

  private void reconnect() {
    connect().onComplete(ar -> {
      if (ar.failed() && !closed) {
        if (isFatal(ar.cause())) {
          listener.onFatal(ar.cause());
          return;
        }
        listener.onReconnecting(ar.cause(), backoff);
        scheduleReconnect(this::reconnect);
      }
    });
  }

  /** Waits {@code backoff} with ±20% jitter, then doubles it up to the maximum. */
  private void scheduleReconnect(Runnable action) {
    long jitter = (long) (backoff * 0.2 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
    long delay = Math.max(1, backoff + jitter);
    backoff = Math.min(options.getMaxBackoff(), backoff * 2);
    reconnectTimer = vertx.setTimer(delay, id -> {
      reconnectTimer = -1;
      if (!closed) {
        action.run();
      }
    });
  }

  public Future<Void> close() {
    Promise<Void> p = context.promise();
    context.runOnContext(v -> {
      closed = true;
      if (reconnectTimer >= 0) {
        vertx.cancelTimer(reconnectTimer);
      }
      Future<Void> f = mux == null ? context.succeededFuture() : mux.close();
      f.eventually(() -> http.close()).eventually(() -> tcp.close()).eventually(() -> netClient.close()).onComplete(p);
    });
    return p.future();
  }
}
