package burrow.edge.front;

import burrow.edge.EdgeOptions;
import burrow.edge.admit.Authenticator;
import burrow.edge.route.Binding;
import burrow.edge.route.RemoteRoutes;
import burrow.edge.route.Route;
import burrow.edge.route.RouteHook;
import burrow.edge.route.TcpPorts;
import burrow.edge.session.AgentSession;
import burrow.edge.session.TunnelBinder;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.net.ChannelServer;
import burrow.net.ChannelSocket;
import burrow.net.StreamBridge;
import burrow.proto.ConnHead;
import burrow.proto.Heads;
import burrow.proto.TunnelSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP tunnels: one public port per tunnel, from the configured range (a random free one, or the port
 * {@code remote_addr} asks for), each with its own listener on the agent session's event loop, so a connection's
 * bytes and its mux stream share one thread. Every public connection becomes one mux stream. Connections are bare
 * Netty channels ({@link ChannelSocket}: a small heap per idle connection, no copies of the bytes).
 *
 * <p>A port stays leased to the agent (client id and tunnel id) for {@code nameLease} after its session ends, so a
 * reconnecting agent gets the same address back and nobody else can take it meanwhile. An agent reconnecting before
 * this edge noticed its old session's end takes the port over without closing the listener.
 *
 * <p>In a cluster ({@link #cluster}) a port is also claimed in the cluster's routes map under {@link TcpPorts#key}, so
 * no two nodes give it to different agents; every other node of the region follows it (listens on it too) and relays
 * each connection to the node holding the agent, or holds it while the agent reconnects, as for an HTTP host. A port
 * this node releases stays open as a follower, so its connections are held for the agent's return; a follower
 * closes once the port has neither route nor lease in the cluster.
 */
public final class TcpFrontend implements TunnelBinder, TcpPorts {
  private static final Logger log = LoggerFactory.getLogger(TcpFrontend.class);
  /** Random ports tried before a bind fails with BRW-314. */
  static final int ATTEMPTS = 64;

  private record Lease(String clientId, String tunnelId, long expiresAt) {
  }

  /** One bound public port; the owner changes when the same agent reconnects. */
  private static final class Port {
    volatile int port;
    volatile AgentSession session;
    volatile TunnelSpec spec;
    ChannelServer server;

    Port(int port, AgentSession session, TunnelSpec spec) {
      this.port = port;
      this.session = session;
      this.spec = spec;
    }
  }

  private final Vertx vertx;
  private final EdgeOptions options;
  private final LongSupplier clock;
  private final int low;
  private final int high;
  private final Map<Integer, Port> ports = new ConcurrentHashMap<>();
  private final Map<Integer, Lease> leases = new ConcurrentHashMap<>();
  /** Ports listened on for the cluster, with no agent of this node: each connection is relayed (or held). */
  private final Map<Integer, ChannelServer> followers = new ConcurrentHashMap<>();
  private final java.util.Set<Integer> startingFollowers = ConcurrentHashMap.newKeySet();
  private volatile RouteHook hook = RouteHook.NONE;
  private volatile RemoteRoutes remote;
  private volatile Authenticator policy;

  public TcpFrontend(Vertx vertx, EdgeOptions options, LongSupplier clock) {
    this.vertx = vertx;
    this.options = options;
    this.clock = clock;
    int[] r = parseRange(options.getTcpPortRange());
    this.low = r[0];
    this.high = r[1];
  }

  /** @return {low, high}; {0, 0} for "0" (any free port) */
  public static int[] parseRange(String range) {
    String s = range == null ? "" : range.trim();
    try {
      if (s.equals("0")) {
        return new int[] {0, 0};
      }
      String[] parts = s.split("-", 2);
      int lo = Integer.parseInt(parts[0].trim());
      int hi = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : lo;
      if (lo < 1 || hi > 65535 || lo > hi) {
        throw new NumberFormatException();
      }
      return new int[] {lo, hi};
    } catch (NumberFormatException e) {
      throw new BurrowException(ErrorCode.CONFIG_INVALID, "tcp port range \"" + range
          + "\" must be LOW-HIGH within 1-65535, or 0 for any free port");
    }
  }

  /** @return the number of public TCP ports bound on this node */
  public int size() {
    return ports.size();
  }

  /** @return ports this node listens on for agents of other nodes */
  public java.util.Set<Integer> followed() {
    return java.util.Set.copyOf(followers.keySet());
  }

  /**
   * Joins the cluster: ports are claimed through {@code hook}, connections to followed ports are resolved through
   * {@code remote} and checked against the owning account's whitelist by {@code policy}; followers of ports nobody
   * holds any more are closed every {@code sweepMillis}.
   */
  public void cluster(RouteHook hook, RemoteRoutes remote, Authenticator policy, long sweepMillis) {
    this.policy = policy;
    this.remote = remote;
    this.hook = hook;
    vertx.setPeriodic(sweepMillis, id -> sweep());
  }

  private String key(int port) {
    return TcpPorts.key(options.getRegion(), port);
  }

  @Override
  public Binding lookup(String key) {
    int port = TcpPorts.port(options.getRegion(), key);
    Port p = port > 0 ? ports.get(port) : null;
    return p == null || p.server == null ? null : new Binding(key, p.session, p.spec);
  }

  @Override
  public void follow(int port) {
    if (ports.containsKey(port) || followers.containsKey(port)) {
      return;
    }
    if (!startingFollowers.add(port)) {
      return;                                      // a listener for it is being set up
    }
    ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
    listen(context, port, so -> onConnect(port, so)).onComplete(ar -> {
      startingFollowers.remove(port);
      if (ar.failed()) {
        log.atWarn().addKeyValue("port", port).addKeyValue("reason", String.valueOf(ar.cause().getMessage()))
            .log("cannot listen on another node's tcp port; its connections must reach that node directly");
      } else if (ports.containsKey(port) || followers.putIfAbsent(port, ar.result()) != null) {
        ar.result().close();                       // taken meanwhile by an agent of this node
      } else {
        log.atInfo().addKeyValue("port", port).log("following a tcp port of another node");
      }
    });
  }

  /** Closes followers of ports with neither a route nor a lease left in the cluster. */
  private void sweep() {
    RemoteRoutes r = remote;
    for (Map.Entry<Integer, ChannelServer> e : followers.entrySet()) {
      int port = e.getKey();
      r.inUse(key(port)).onSuccess(used -> {
        if (!used && !ports.containsKey(port) && followers.remove(port, e.getValue())) {
          e.getValue().close();
          log.atInfo().addKeyValue("port", port).log("stopped following a tcp port: nobody holds it any more");
        }
      });
    }
  }

  @Override
  public Future<Bound> bind(AgentSession session, TunnelSpec spec) {
    if (spec.remoteAddr() != null && !spec.remoteAddr().isBlank()) {
      int p;
      try {
        p = portOf(spec.remoteAddr());
      } catch (BurrowException e) {
        return Future.failedFuture(e);
      }
      if (low > 0 && (p < low || p > high)) {
        return Future.failedFuture(new BurrowException(ErrorCode.BAD_BIND, "remote address " + spec.remoteAddr()
            + " is outside this edge's TCP port range " + low + "-" + high));
      }
      return claimAndListen(session, spec, p, true);
    }
    Integer wanted = leasedPort(session.clientId(), spec.id());
    if (wanted == null && spec.preferredHost() != null) {
      try {
        int p = portOf(spec.preferredHost());
        wanted = low == 0 || (p >= low && p <= high) ? p : null;
      } catch (BurrowException e) {
        wanted = null;
      }
    }
    if (wanted != null) {
      return claimAndListen(session, spec, wanted, false).recover(err -> random(session, spec, 0));
    }
    return random(session, spec, 0);
  }

  private Future<Bound> random(AgentSession session, TunnelSpec spec, int attempt) {
    if (low == 0) {
      return listen(new Port(0, session, spec));
    }
    if (attempt >= ATTEMPTS) {
      return Future.failedFuture(new BurrowException(ErrorCode.PORT_RANGE_EXHAUSTED, "no free TCP port in "
          + low + "-" + high + " after " + ATTEMPTS + " tries. Ask the operator for a wider range."));
    }
    int p = low + ThreadLocalRandom.current().nextInt(high - low + 1);
    return claimAndListen(session, spec, p, false).recover(err -> err instanceof BurrowException be
        && be.code() == ErrorCode.PORT_RANGE_EXHAUSTED ? Future.failedFuture(err) : random(session, spec, attempt + 1));
  }

  /** Reserves {@code port} for the session (or takes it over from the same agent), then listens on it. */
  private Future<Bound> claimAndListen(AgentSession session, TunnelSpec spec, int port, boolean explicit) {
    Port entry;
    synchronized (this) {
      Port current = ports.get(port);
      if (current != null) {
        if (current.session.clientId().equals(session.clientId()) && current.server != null) {
          current.session = session;               // the same agent reconnected before we saw it go
          current.spec = spec;
          return Future.succeededFuture(bound(current, session));
        }
        return Future.failedFuture(taken(port, explicit));
      }
      Lease lease = leases.get(port);
      if (lease != null && lease.expiresAt() > clock.getAsLong() && !lease.clientId().equals(session.clientId())) {
        return Future.failedFuture(taken(port, explicit));
      }
      entry = new Port(port, session, spec);
      ports.put(port, entry);
    }
    return listen(entry).recover(err -> {
      ports.remove(port, entry);
      boolean contended = err instanceof BurrowException be && be.code() == ErrorCode.SUBDOMAIN_TAKEN;
      return Future.failedFuture(err instanceof BurrowException && !contended ? err : taken(port, explicit));
    });
  }

  private static BurrowException taken(int port, boolean explicit) {
    return new BurrowException(ErrorCode.ADDRESS_TAKEN, "the TCP address with port " + port + " is already bound"
        + (explicit ? ". Pick another -remote-addr, or stop the agent that holds it." : ""));
  }

  private Future<ChannelServer> listen(ContextInternal context, int port, Handler<ChannelSocket> onAccept) {
    return ChannelServer.listen(context, options.getHost(), port, 1024, onAccept);
  }

  /** Listens on the entry's port (or takes over this node's follower of it), then claims it in the cluster. */
  private Future<Bound> listen(Port entry) {
    ChannelServer follower = entry.port == 0 ? null : followers.remove(entry.port);
    Future<ChannelServer> listening;
    if (follower != null) {
      listening = Future.succeededFuture(follower);
    } else {
      listening = listen((ContextInternal) entry.session.mux().context(), entry.port,
          so -> onConnect(so.localAddress().getPort(), so));
    }
    return listening.compose(s -> {
      entry.server = s;
      if (entry.port == 0) {
        entry.port = s.actualPort();                // "0": the OS picked a free port
        ports.put(entry.port, entry);
      }
      return hook.bound(new Binding(key(entry.port), entry.session, entry.spec)).transform(ar -> {
        if (ar.succeeded()) {
          return Future.succeededFuture(bound(entry, entry.session));
        }
        entry.server = null;                       // another node's agent holds it: back to following, or closed
        ports.remove(entry.port, entry);
        if (follower == null || followers.putIfAbsent(entry.port, s) != null) {
          s.close();
        }
        return Future.failedFuture(ar.cause());
      });
    });
  }

  private Bound bound(Port p, AgentSession session) {
    leases.put(p.port, new Lease(session.clientId(), p.spec.id(), Long.MAX_VALUE));
    return new Bound(List.of("tcp://" + publicHost() + ":" + p.port), ended -> release(p, session, ended));
  }

  private void release(Port p, AgentSession session, boolean sessionEnded) {
    ChannelServer server;
    synchronized (this) {
      if (p.session != session || ports.get(p.port) != p) {
        return;                                    // taken over by the agent's new session
      }
      ports.remove(p.port);
      leases.put(p.port, new Lease(session.clientId(), p.spec.id(), clock.getAsLong() + options.getNameLease()));
      leases.entrySet().removeIf(e -> e.getValue().expiresAt() <= clock.getAsLong());
      server = p.server;
    }
    if (hook != RouteHook.NONE) {
      hook.released(new Binding(key(p.port), session, p.spec), sessionEnded);
      if (server != null && followers.putIfAbsent(p.port, server) == null) {
        return;                                    // keep listening: connections are held for the agent's return
      }
    }
    if (server != null) {
      server.close();
    }
  }

  private synchronized Integer leasedPort(String clientId, String tunnelId) {
    long now = clock.getAsLong();
    for (Map.Entry<Integer, Lease> e : leases.entrySet()) {
      Lease l = e.getValue();
      if (l.clientId().equals(clientId) && l.tunnelId().equals(tunnelId) && l.expiresAt() > now
          && !ports.containsKey(e.getKey())) {
        return e.getKey();
      }
    }
    return null;
  }

  private String publicHost() {
    if (options.getTcpHost() != null) {
      return options.getTcpHost();
    }
    String h = options.getHost();
    return h.equals("0.0.0.0") || h.equals("::") ? options.getDomain() : h;
  }

  private static int portOf(String addr) {
    String a = addr.trim();
    if (a.startsWith("tcp://")) {
      a = a.substring(6);
    }
    int colon = a.lastIndexOf(':');
    try {
      int p = Integer.parseInt(colon < 0 ? a : a.substring(colon + 1));
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new BurrowException(ErrorCode.BAD_BIND, "remote address \"" + addr + "\" must be host:port");
    }
  }

  /**
   * One public connection: to this node's agent when it holds the port, else to the route the cluster resolves
   * (relayed to another node, or held while the agent reconnects); either way the same head, whitelist and bridge.
   */
  private void onConnect(int port, ChannelSocket socket) {
    Port p = ports.get(port);
    Future<Route> found;
    if (p != null) {                               // an agent of this node holds it (its listener may still be starting)
      found = Future.succeededFuture(new Binding(key(port), p.session, p.spec));
    } else if (remote != null) {
      found = remote.resolve(key(port));
    } else {
      socket.reset();
      return;
    }
    String ip = socket.remoteAddress().getAddress().getHostAddress();
    String client = ip + ":" + socket.remoteAddress().getPort();
    String dest = socket.localAddress().getAddress().getHostAddress() + ":" + socket.localAddress().getPort();
    found.compose(route -> {
      if (route == null || !"tcp".equals(route.spec().proto())) {
        return Future.failedFuture(new BurrowException(ErrorCode.TUNNEL_NOT_FOUND, "no tunnel holds tcp port " + port));
      }
      boolean allowed = route instanceof Binding b ? b.session().allows(ip) : policy.allows(route.account(), ip);
      if (!allowed) {
        return Future.failedFuture(new BurrowException(ErrorCode.IP_NOT_ALLOWED, "refused by the IP whitelist"));
      }
      return route.openStream().recover(err -> Future.failedFuture(BurrowException.of(err, ErrorCode.STREAM_LIMIT)))
          .map(stream -> {
            stream.write(Heads.encode(new ConnHead(route.spec().id(), client, "tcp", dest).toJson()));
            return stream;
          });
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        StreamBridge.bridge(socket, ar.result());
        return;
      }
      log.atInfo().addKeyValue("code", BurrowException.of(ar.cause(), ErrorCode.NODE_RELAY_FAILED).code().code())
          .addKeyValue("port", port).addKeyValue("client", client).addKeyValue("reason", ar.cause().getMessage())
          .log("tcp connection not forwarded");
      socket.reset();
    });
  }

}
