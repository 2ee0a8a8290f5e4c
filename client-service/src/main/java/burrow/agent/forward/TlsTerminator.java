package burrow.agent.forward;

import burrow.agent.config.TunnelDefinition;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.proto.ConnHead;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Terminates TLS at the agent for a tunnel with {@code crt}/{@code key} (and requires client certificates signed by
 * {@code client_cas} when set): an in-process Vert.x TLS server on 127.0.0.1:0 that tunnel streams are piped into,
 * whose decrypted connections go on, in plaintext, to the local service.
 *
 * <p>Why a loopback server rather than a Netty SslHandler on the mux stream: it reuses Vert.x's whole TLS stack
 * (OpenSSL or JDK engine, client auth, handshake timeout, PEM loading) and its backpressure unchanged, and keeps the
 * stream code free of a hand-made Netty pipeline; the cost is one loopback hop per connection, which only tunnels
 * that terminate TLS pay.
 */
final class TlsTerminator {
  private final NetClient client;
  private final Map<Integer, ConnHead> pending = new ConcurrentHashMap<>();
  private final Future<NetServer> server;

  /** @param onPlain called with each decrypted connection and the head of the stream it came from */
  TlsTerminator(Vertx vertx, TunnelDefinition t, BiConsumer<NetSocket, ConnHead> onPlain) {
    NetServerOptions so = new NetServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true).setTcpNoDelay(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(t.crt()).setKeyPath(t.key()))
        .setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    if (t.clientCas() != null) {
      so.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(new PemTrustOptions().addCertPath(t.clientCas()));
    }
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
    this.server = vertx.createNetServer(so)
        .connectHandler(tls -> {
          tls.pause();                            // nothing is read until the local connection is up
          ConnHead head = pending.remove(tls.remoteAddress().port());
          if (head == null) {
            tls.close();                          // not one of ours
            return;
          }
          onPlain.accept(tls, head);
        })
        .listen()
        .recover(err -> Future.failedFuture(new BurrowException(ErrorCode.BAD_CERTIFICATE, "tunnel " + t.name()
            + ": cannot use crt " + t.crt() + " / key " + t.key() + ": " + err.getMessage())));
  }

  /** Opens a plain connection to the TLS server for one stream; the stream's bytes are the TLS records. */
  Future<NetSocket> connect(ConnHead head) {
    return server.compose(s -> client.connect(s.actualPort(), "127.0.0.1")).map(so -> {
      pending.put(so.localAddress().port(), head);
      return so;
    });
  }

  Future<Void> close() {
    return server.compose(NetServer::close).otherwiseEmpty().eventually(client::close);
  }
}
