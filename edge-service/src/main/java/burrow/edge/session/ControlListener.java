package burrow.edge.session;

import burrow.edge.EdgeOptions;
import burrow.edge.admit.Authenticator;
import burrow.edge.route.RouteTable;
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
import burrow.proto.ControlMessage.ErrorReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control port: agents dial it over TLS, open stream 1 and authenticate. A connection that sends garbage, plain
 * HTTP, or never finishes its TLS handshake or its auth is closed alone, with a logged code.
 */
public final class ControlListener {
  private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

  private final Vertx vertx;
  private final EdgeOptions options;
  private final NetServerOptions serverOptions;
  private final Authenticator authenticator;
  private final RouteTable routes;
  private final AgentSession.UrlFormatter urls;
  private final java.util.Map<String, TunnelBinder> binders;
  private final SecureRandom random = new SecureRandom();
  private NetServer server;

  public ControlListener(Vertx vertx, EdgeOptions options, NetServerOptions serverOptions, Authenticator authenticator,
                         RouteTable routes, AgentSession.UrlFormatter urls) {
    this(vertx, options, serverOptions, authenticator, routes, urls, java.util.Map.of());
  }

  /** @param binders binders for protocols other than http (tcp, tls), by proto */
  public ControlListener(Vertx vertx, EdgeOptions options, NetServerOptions serverOptions, Authenticator authenticator,
                         RouteTable routes, AgentSession.UrlFormatter urls, java.util.Map<String, TunnelBinder> binders) {
    this.binders = binders;
    this.vertx = vertx;
    this.options = options;
    this.serverOptions = serverOptions;
    this.authenticator = authenticator;
    this.routes = routes;
    this.urls = urls;
  }

  public Future<NetServer> listen() {
    server = vertx.createNetServer(serverOptions)
        .connectHandler(this::onConnect)
        .exceptionHandler(err -> log.atInfo().addKeyValue("code", ErrorCode.TLS_HANDSHAKE_FAILED.code())
            .addKeyValue("reason", String.valueOf(err.getMessage())).log("control connection rejected"));
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void onConnect(NetSocket socket) {
    String remote = String.valueOf(socket.remoteAddress());
    MuxSession mux = new MuxSession(vertx.getOrCreateContext(), new NetSocketTransport(socket), options.getMux(), false);
    Promise<MuxStream> controlStream = Promise.promise();
    mux.streamHandler(stream -> {
      if (stream.id() == 1 && !controlStream.future().isComplete()) {
        controlStream.complete(stream);
      } else {
        stream.reset(MuxErrorCode.REFUSED);
      }
    });
    mux.closeHandler(err -> controlStream.tryFail(new BurrowException(ErrorCode.SESSION_CLOSED, "closed before auth")));
    mux.start();
    controlStream.future()
        .compose(stream -> authenticate(stream, remote, mux))
        .timeout(options.getAuthTimeout(), TimeUnit.MILLISECONDS)
        .onFailure(err -> {
          BurrowException be = BurrowException.of(err, ErrorCode.SESSION_TIMEOUT);
          log.atInfo().addKeyValue("code", be.code().code()).addKeyValue("peer", remote)
              .addKeyValue("reason", be.getMessage()).log("agent not admitted");
          mux.close();
        });
  }

  private Future<AgentSession> authenticate(MuxStream stream, String remote, MuxSession mux) {
    ControlChannel control = new ControlChannel(stream);
    Promise<Auth> auth = Promise.promise();
    control.messageHandler(msg -> {
      if (msg instanceof Auth a) {
        auth.tryComplete(a);
      } else {
        auth.tryFail(new BurrowException(ErrorCode.PROTOCOL_ERROR, "expected auth, got " + msg.getClass().getSimpleName()));
      }
    });
    control.errorHandler(auth::tryFail);
    return auth.future().compose(a -> {
      if (!a.versions().contains(1)) {
        return reject(control, new BurrowException(ErrorCode.PROTOCOL_VERSION_UNSUPPORTED,
            "this edge speaks protocol version 1, the agent offered " + a.versions() + ". Upgrade burrow."));
      }
      String ip = remote.contains(":") ? remote.substring(0, remote.lastIndexOf(':')) : remote;
      return authenticator.authenticate(a.token(), ip)
          .recover(err -> reject(control, BurrowException.of(err, ErrorCode.AUTH_FAILED)))
          .compose(account -> {
            String sessionId = HexFormat.of().formatHex(nextId());
            String clientId = a.clientId() == null || a.clientId().isBlank() ? sessionId : a.clientId();
            AgentSession session = new AgentSession(sessionId, clientId, account, mux, control, routes, urls,
                authenticator, options.getRegion(), binders);
            session.start();
            log.atInfo().addKeyValue("session", sessionId).addKeyValue("account", account).addKeyValue("peer", remote)
                .log("agent session established");
            return control.send(new AuthResult(1, sessionId, clientId, account, null, a.metadata())).map(session);
          });
    });
  }

  private byte[] nextId() {
    byte[] b = new byte[6];
    random.nextBytes(b);
    return b;
  }

  private <T> Future<T> reject(ControlChannel control, BurrowException err) {
    return control.send(new AuthResult(1, null, null, null, ErrorReply.of(err)))
        .transform(ar -> Future.failedFuture(err));
  }
}
