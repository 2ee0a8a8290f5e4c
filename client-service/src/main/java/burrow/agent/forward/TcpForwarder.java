package burrow.agent.forward;

import burrow.agent.config.LocalAddr;
import burrow.agent.config.TunnelDefinition;
import burrow.mux.MuxErrorCode;
import burrow.mux.MuxStream;
import burrow.net.BridgeSocket;
import burrow.net.ChannelSocket;
import burrow.net.HalfCloseSocket;
import burrow.net.StreamBridge;
import burrow.proto.ConnHead;
import burrow.net.DrainSafe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one public TCP or TLS connection, arriving as a mux stream, to the local service: raw bytes both ways
 * with backpressure and half-close, resets propagated. With {@code proxy_proto} 1 or 2 the local service first gets
 * a PROXY protocol header naming the public client. With {@code crt}/{@code key} the agent terminates TLS itself
 * ({@link TlsTerminator}) and the local service gets plaintext.
 *
 * <p>A plain local connection is a bare Netty channel on the stream's event loop ({@link ChannelSocket}): bytes go from
 * the mux to the local socket and back without a copy, and an idle connection costs little heap.
 */
public final class TcpForwarder {
  private static final Logger log = LoggerFactory.getLogger(TcpForwarder.class);
  private static final int CONNECT_TIMEOUT = 10_000;

  private final Vertx vertx;
  private final NetClient client;
  private final Map<String, TlsTerminator> terminators = new ConcurrentHashMap<>();

  public TcpForwarder(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(CONNECT_TIMEOUT));
  }

  /** Serves one connection whose head has been read; {@code rest} is what followed the head, or null. */
  public void forward(MuxStream stream, ConnHead head, Buffer rest, TunnelDefinition tunnel) {
    LocalAddr local = tunnel.localAddr();
    if (tunnel.crt() != null && tunnel.key() != null) {
      terminators.computeIfAbsent(tunnel.name(), n -> new TlsTerminator(vertx, tunnel,
              (tls, h) -> connectLocal(tunnel, local, h).onSuccess(plain -> bridgeSockets(tls, plain))
                  .onFailure(err -> tls.close())))
          .connect(head)
          .onSuccess(so -> start(stream, HalfCloseSocket.wrap(so), rest))
          .onFailure(err -> unreachable(stream, local, err));
      return;
    }
    ChannelSocket.connect((ContextInternal) stream.session().context(), local.host(), local.port(), CONNECT_TIMEOUT)
        .map(so -> {
          Integer pp = tunnel.proxyProto();
          if (pp != null && (pp == 1 || pp == 2)) {
            so.write(ProxyHeader.encode(pp, head.client(), head.dest()));
          }
          return so;
        })
        .onSuccess(so -> start(stream, so, rest))
        .onFailure(err -> unreachable(stream, local, err));
  }

  /** The plain connection behind an agent-terminated TLS connection (a Vert.x socket, piped to the TLS one). */
  private Future<NetSocket> connectLocal(TunnelDefinition tunnel, LocalAddr local, ConnHead head) {
    return client.connect(local.port(), local.host()).map(so -> {
      Integer pp = tunnel.proxyProto();
      if (pp != null && (pp == 1 || pp == 2)) {
        so.write(ProxyHeader.encode(pp, head.client(), head.dest()));
      }
      return so;
    });
  }

  private static void start(MuxStream stream, BridgeSocket socket, Buffer rest) {
    socket.pause();
    if (rest != null) {
      socket.write(rest);
    }
    StreamBridge.bridge(socket, stream);
  }

  /** The decrypted side of an agent-terminated TLS connection and the plain connection to the local service. */
  private static void bridgeSockets(NetSocket tls, NetSocket plain) {
    HalfCloseSocket local = HalfCloseSocket.wrap(plain);
    local.closeHandler(v -> tls.close());
    tls.closeHandler(v -> local.reset());
    DrainSafe.pipe(tls, local).onFailure(err -> local.reset());
    DrainSafe.pipe(local, tls).onFailure(err -> tls.close());
  }

  private static void unreachable(MuxStream stream, LocalAddr local, Throwable err) {
    log.atInfo().addKeyValue("code", "BRW-302").addKeyValue("local", local.hostPort())
        .addKeyValue("reason", String.valueOf(err.getMessage())).log("local service unreachable");
    stream.reset(MuxErrorCode.LOCAL_UNREACHABLE);
  }

  public Future<Void> close() {
    List<Future<?>> fs = new ArrayList<>();
    for (TlsTerminator t : terminators.values()) {
      fs.add(t.close());
    }
    return Future.join(fs).<Void>mapEmpty().eventually(client::close);
  }
}
