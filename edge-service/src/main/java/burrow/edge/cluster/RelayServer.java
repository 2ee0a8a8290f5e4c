package burrow.edge.cluster;

import burrow.error.ErrorCode;
import burrow.mux.MuxErrorCode;
import burrow.mux.MuxOptions;
import burrow.mux.MuxSession;
import burrow.mux.MuxStream;
import burrow.mux.NetSocketTransport;
import burrow.proto.Heads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay port: peers dial it, prove the cluster secret on stream 1 (compared in constant time), then open one
 * stream per relayed request or connection. Each stream starts with {@code {"h": host, "hop": n}}; everything after
 * it is spliced, unparsed and with backpressure both ways, onto a new stream to the agent that holds the host.
 */
public final class RelayServer {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
  /** How long a peer has to authenticate, in ms. */
  private static final long AUTH_TIMEOUT = 10_000;

  private final Vertx vertx;
  private final ClusterOptions options;
  private final MuxOptions mux;
  private volatile ClusterRoutes routes;
  private final AtomicLong served = new AtomicLong();
  private NetServer server;

  public RelayServer(Vertx vertx, ClusterOptions options, MuxOptions mux, ClusterRoutes routes) {
    this.vertx = vertx;
    this.options = options;
    this.mux = mux;
    this.routes = routes;
  }

  /** Sets the routes relayed streams are resolved in (they need this server's address first). */
  public void routes(ClusterRoutes routes) {
    this.routes = routes;
  }

  /** @return relay streams served by this node so far (a metric) */
  public long servedCount() {
    return served.get();
  }

  public Future<Integer> listen() {
    server = vertx.createNetServer(new NetServerOptions().setHost(options.getRelayHost())
        .setPort(options.getRelayPort()).setTcpNoDelay(true)).connectHandler(this::onConnect);
    return server.listen().map(NetServer::actualPort);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void onConnect(NetSocket socket) {
    MuxSession m = new MuxSession(vertx.getOrCreateContext(), new NetSocketTransport(socket), mux, false);
    boolean[] authed = {false};
    long timer = vertx.setTimer(AUTH_TIMEOUT, id -> {
      if (!authed[0]) {
        m.close();
      }
    });
    m.streamHandler(stream -> {
      if (authed[0]) {
        serve(stream);
      } else if (stream.id() == 1) {
        Heads.readOne(stream).onSuccess(read -> {
          if (secretMatches(read.head().getString("secret"))) {
            authed[0] = true;
            vertx.cancelTimer(timer);
            stream.write(Heads.encode(new JsonObject().put("ok", true)));
            log.atInfo().addKeyValue("peer", read.head().getString("node")).log("relay peer connected");
          } else {
            log.atWarn().addKeyValue("code", ErrorCode.CLUSTER_AUTH_FAILED.code())
                .addKeyValue("peer", String.valueOf(socket.remoteAddress())).log("relay peer refused: bad cluster secret");
            stream.write(Heads.encode(new JsonObject().put("ok", false).put("e", ErrorCode.CLUSTER_AUTH_FAILED.code())
                .put("msg", "bad cluster secret"))).eventually(m::close);
          }
        }).onFailure(err -> m.close());
      } else {
        stream.reset(MuxErrorCode.REFUSED);
        m.close();
      }
    });
    m.start();
  }

  private boolean secretMatches(String offered) {
    String mine = options.getSecret();
    if (mine == null || mine.isEmpty() || offered == null) {
      return false;
    }
    return MessageDigest.isEqual(mine.getBytes(StandardCharsets.UTF_8), offered.getBytes(StandardCharsets.UTF_8));
  }

  private void serve(MuxStream relay) {
    Heads.readOne(relay).onSuccess(read -> {
      String host = read.head().getString("h");
      int hops = read.head().getInteger("hop", 1);
      if (host == null) {
        relay.reset(MuxErrorCode.BAD_HEADER);
        return;
      }
      served.incrementAndGet();
      routes.resolve(host, hops)
          .compose(route -> route == null ? Future.failedFuture("no route") : route.openStream())
          .onSuccess(agent -> splice(relay, read.rest(), agent))
          .onFailure(err -> relay.reset(MuxErrorCode.REFUSED));
    }).onFailure(err -> {
      log.atDebug().addKeyValue("reason", String.valueOf(err)).log("bad relay head");
      relay.reset(MuxErrorCode.BAD_HEADER);
    });
  }

  private static void splice(MuxStream relay, io.vertx.core.buffer.Buffer rest, MuxStream agent) {
    if (rest != null) {
      agent.write(rest);
    }
    relay.resetHandler(code -> agent.reset(MuxErrorCode.CANCEL));
    agent.resetHandler(code -> relay.reset(code));
    relay.pipe().endOnFailure(false).to(agent).onFailure(err -> agent.reset(MuxErrorCode.CANCEL));
    agent.pipe().endOnFailure(false).to(relay).onFailure(err -> relay.reset(MuxErrorCode.CANCEL));
  }

}
