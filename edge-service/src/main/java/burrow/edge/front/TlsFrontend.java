package burrow.edge.front;

import burrow.edge.EdgeOptions;
import burrow.edge.admit.Authenticator;
import burrow.edge.route.Binding;
import burrow.edge.route.RemoteRoutes;
import burrow.edge.route.Route;
import burrow.edge.route.RouteHook;
import burrow.edge.route.RouteTable;
import burrow.edge.session.AgentSession;
import burrow.edge.session.TunnelBinder;
import burrow.error.ErrorCode;
import burrow.net.HalfCloseSocket;
import burrow.net.StreamBridge;
import burrow.proto.ConnHead;
import burrow.proto.Heads;
import burrow.proto.TunnelSpec;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public TLS listener: reads the ClientHello itself (at most {@code maxClientHello} bytes, within
 * {@code clientHelloTimeout}), takes the SNI name, and forwards the raw bytes, ClientHello included, to the agent
 * that bound that name, so the local server does the handshake with the client. TLS is never terminated here.
 * No SNI, an unknown name or a malformed hello closes the connection with a logged code and, when the client spoke
 * TLS, an alert. Also binds {@code tls} tunnels: names live in their own route table, apart from HTTP hosts.
 */
public final class TlsFrontend implements Handler<NetSocket>, TunnelBinder {
  private static final Logger log = LoggerFactory.getLogger(TlsFrontend.class);
  /** TLS alert descriptions (RFC 8446 6.2). */
  private static final int ALERT_HANDSHAKE_FAILURE = 40;
  private static final int ALERT_DECODE_ERROR = 50;
  private static final int ALERT_UNRECOGNIZED_NAME = 112;

  /** TLS alert access_denied (RFC 8446 6.2). */
  private static final int ALERT_ACCESS_DENIED = 49;
  private final Vertx vertx;
  private final RouteTable names;
  private final EdgeOptions options;
  private final IntSupplier port;
  private volatile RemoteRoutes remote;
  private volatile Authenticator policy;

  /** @param port the bound TLS port, for URLs */
  public TlsFrontend(Vertx vertx, RouteTable names, EdgeOptions options, IntSupplier port) {
    this.vertx = vertx;
    this.names = names;
    this.options = options;
    this.port = port;
  }

  public RouteTable names() {
    return names;
  }

  /** @return the cluster routes key of a TLS name: {@code tls:<name>} (HTTP hosts are keyed by the bare name) */
  public static String key(String name) {
    return "tls:" + name;
  }

  /** @return this node's binding for a key made by {@link #key}, or null */
  public Binding lookupKey(String key) {
    return key.startsWith("tls:") ? names.lookup(key.substring(4)) : null;
  }

  /**
   * Joins the cluster: names are claimed through {@code hook} under {@link #key}, and a ClientHello for a name this
   * node does not hold is relayed (or held while its agent reconnects) through {@code remote}, checked against the
   * owning account's whitelist by {@code policy}.
   */
  public void cluster(RouteHook hook, RemoteRoutes remote, Authenticator policy) {
    this.policy = policy;
    this.remote = remote;
    names.hook(new RouteHook() {
      @Override
      public Future<Void> bound(Binding b) {
        return hook.bound(keyed(b));
      }

      @Override
      public void released(Binding b, boolean sessionEnded) {
        hook.released(keyed(b), sessionEnded);
      }
    });
  }

  private static Binding keyed(Binding b) {
    return new Binding(key(b.host()), b.session(), b.spec(), b.auth());
  }

  @Override
  public Future<Bound> bind(AgentSession session, TunnelSpec spec) {
    try {
      Binding b = names.claim(session, spec);
      int p = port.getAsInt();
      String url = "tls://" + b.host() + (p == 443 || p <= 0 ? "" : ":" + p);
      return names.publish(b).map(x -> new Bound(List.of(url), ended -> names.release(session, b.host(), ended)));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public void handle(NetSocket so) {
    HalfCloseSocket socket = HalfCloseSocket.wrap(so);
    String client = so.remoteAddress().hostAddress() + ":" + so.remoteAddress().port();
    String dest = so.localAddress().hostAddress() + ":" + so.localAddress().port();
    Buffer acc = Buffer.buffer(1024);
    boolean[] done = {false};
    long timer = vertx.setTimer(options.getClientHelloTimeout(), id -> {
      if (!done[0]) {
        done[0] = true;
        refuse(socket, acc, ErrorCode.CLIENT_HELLO_MALFORMED, "no complete ClientHello within "
            + options.getClientHelloTimeout() + " ms", client, ALERT_DECODE_ERROR);
      }
    });
    socket.exceptionHandler(err -> {
      if (!done[0]) {
        done[0] = true;
        vertx.cancelTimer(timer);
        socket.reset();
      }
    });
    socket.endHandler(v -> {
      if (!done[0]) {
        done[0] = true;
        vertx.cancelTimer(timer);
        log.atDebug().addKeyValue("code", ErrorCode.CLIENT_HELLO_MALFORMED.code()).addKeyValue("client", client)
            .log("TLS client closed before its ClientHello");
        socket.reset();
      }
    });
    socket.handler(chunk -> {
      if (done[0]) {
        return;
      }
      acc.appendBuffer(chunk);
      ClientHello.Result r = acc.length() > options.getMaxClientHello()
          ? ClientHello.Result.malformed("ClientHello longer than " + options.getMaxClientHello() + " bytes")
          : ClientHello.sniff(acc, options.getMaxClientHello());
      if (r.status() == ClientHello.Status.NEED_MORE) {
        return;
      }
      done[0] = true;
      vertx.cancelTimer(timer);
      socket.pause();
      socket.handler(null);
      socket.endHandler(null);
      socket.exceptionHandler(null);
      switch (r.status()) {
        case MALFORMED -> refuse(socket, acc, ErrorCode.CLIENT_HELLO_MALFORMED, r.reason(), client, ALERT_DECODE_ERROR);
        case NO_SNI -> refuse(socket, acc, ErrorCode.SNI_MISSING, "ClientHello without a server name (SNI)", client,
            ALERT_HANDSHAKE_FAILURE);
        default -> route(socket, acc, r.name(), client, dest);
      }
    });
  }

  private void route(HalfCloseSocket socket, Buffer hello, String name, String client, String dest) {
    Binding local = names.lookup(name);
    RemoteRoutes r = remote;
    if (local == null && r != null) {
      r.resolve(key(name)).onComplete(ar -> forward(socket, hello, name, client, dest, ar.succeeded() ? ar.result() : null));
      return;
    }
    forward(socket, hello, name, client, dest, local);
  }

  private void forward(HalfCloseSocket socket, Buffer hello, String name, String client, String dest, Route b) {
    if (b == null || !"tls".equals(b.spec().proto())) {
      refuse(socket, hello, ErrorCode.TUNNEL_NOT_FOUND, "no tls tunnel for " + name, client, ALERT_UNRECOGNIZED_NAME);
      return;
    }
    String ip = client.substring(0, client.lastIndexOf(':'));
    boolean allowed = b instanceof Binding local ? local.session().allows(ip) : policy.allows(b.account(), ip);
    if (!allowed) {
      refuse(socket, hello, ErrorCode.IP_NOT_ALLOWED, "client not on the IP whitelist of " + name, client, ALERT_ACCESS_DENIED);
      return;
    }
    b.openStream().onComplete(ar -> {
      if (ar.failed()) {
        log.atInfo().addKeyValue("code", ErrorCode.STREAM_LIMIT.code()).addKeyValue("name", name)
            .addKeyValue("reason", String.valueOf(ar.cause().getMessage())).log("tls connection not forwarded");
        socket.reset();
        return;
      }
      var stream = ar.result();
      stream.write(Heads.encode(new ConnHead(b.spec().id(), client, "tls", dest).toJson()));
      stream.write(hello);
      StreamBridge.bridge(socket, stream);
      log.atDebug().addKeyValue("name", name).addKeyValue("client", client).addKeyValue("stream", stream.id())
          .log("tls connection forwarded");
    });
  }

  private void refuse(HalfCloseSocket socket, Buffer hello, ErrorCode code, String reason, String client, int alert) {
    log.atInfo().addKeyValue("code", code.code()).addKeyValue("client", client).addKeyValue("reason", reason)
        .log("tls connection refused");
    if (ClientHello.looksLikeTls(hello)) {
      // a fatal alert in a TLS 1.0-versioned record, which every client version reads before it gives up
      Buffer a = Buffer.buffer(7).appendByte((byte) 21).appendByte((byte) 3).appendByte((byte) 1)
          .appendShort((short) 2).appendByte((byte) 2).appendByte((byte) alert);
      socket.write(a).onComplete(ar -> socket.socket().close());
    } else {
      socket.socket().close();
    }
  }

}
