package burrow.edge.cluster;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.mux.MuxOptions;
import burrow.mux.MuxSession;
import burrow.mux.MuxStream;
import burrow.mux.NetSocketTransport;
import burrow.proto.Heads;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's relay sessions to its peers: one authenticated mux session per peer, dialled on first use and again
 * after it closes. Each relayed request or connection is one stream, opened with a small head naming the host.
 */
public final class RelayClient {
  private final Vertx vertx;
  private final ClusterOptions options;
  private final MuxOptions mux;
  private final String nodeId;
  private final NetClient client;
  private final Map<String, Future<MuxSession>> sessions = new ConcurrentHashMap<>();
  private final AtomicLong opened = new AtomicLong();

  public RelayClient(Vertx vertx, ClusterOptions options, MuxOptions mux, String nodeId) {
    this.vertx = vertx;
    this.options = options;
    this.mux = mux;
    this.nodeId = nodeId;
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout((int) options.getRelayConnectTimeout()));
  }

  /** @return relay streams opened by this node so far (a metric) */
  public long openedCount() {
    return opened.get();
  }

  /** Opens a stream to the peer at {@code address} ({@code host:port}) and writes {@code head} on it. */
  public Future<MuxStream> open(String address, JsonObject head) {
    return session(address).compose(MuxSession::open).map(stream -> {
      opened.incrementAndGet();
      stream.write(Heads.encode(head));
      return stream;
    });
  }

  private Future<MuxSession> session(String address) {
    Future<MuxSession> f = sessions.get(address);
    if (f != null && !(f.succeeded() && f.result().isClosed())) {
      return f;
    }
    Context ctx = vertx.getOrCreateContext();
    Future<MuxSession> dial = connect(address, ctx);
    Future<MuxSession> raced = f == null ? sessions.putIfAbsent(address, dial)
        : (sessions.replace(address, f, dial) ? null : sessions.get(address));
    if (raced != null && raced != dial) {
      dial.onSuccess(MuxSession::close);
      return raced;
    }
    dial.onFailure(err -> sessions.remove(address, dial));
    return dial;
  }

  private Future<MuxSession> connect(String address, Context ctx) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    return client.connect(port, host).compose(socket -> {
      MuxSession m = new MuxSession(ctx, new NetSocketTransport(socket), mux, true);
      m.streamHandler(s -> s.reset(burrow.mux.MuxErrorCode.REFUSED));
      m.start();
      return m.open().compose(control -> {
        control.write(Heads.encode(new JsonObject().put("v", 1).put("node", nodeId)
            .put("secret", options.getSecret() == null ? "" : options.getSecret())));
        return Heads.readOne(control);
      }).timeout(options.getRelayConnectTimeout() * 2, TimeUnit.MILLISECONDS).compose(read -> {
        if (!read.head().getBoolean("ok", false)) {
          m.close();
          return Future.failedFuture(new BurrowException(ErrorCode.CLUSTER_AUTH_FAILED,
              "the peer " + address + " refused this node: " + read.head().getString("msg", "bad cluster secret")));
        }
        m.closeHandler(err -> sessions.computeIfPresent(address, (k, v) -> v.succeeded() && v.result() == m ? null : v));
        return Future.succeededFuture(m);
      }).onFailure(err -> m.close());
    });
  }

  public Future<Void> close() {
    for (Future<MuxSession> f : sessions.values()) {
      f.onSuccess(MuxSession::close);
    }
    sessions.clear();
    return client.close();
  }
}
