package burrow.edge.cluster;

import burrow.edge.route.Binding;
import burrow.edge.route.RemoteRoutes;
import burrow.edge.route.Route;
import burrow.edge.route.RouteHook;
import burrow.edge.route.RouteTable;
import burrow.edge.route.TcpPorts;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.query.Predicates;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's view of routes, beside each node's own {@link RouteTable}:
 * <ul>
 *   <li>on bind, the owner publishes {@code host → node, relay address, session, client, tunnel, account, spec} in
 *       the routes map, refusing a host another agent (client id) holds or leases;</li>
 *   <li>on release, the owner removes its own entry only (a reconnected agent may already have re-bound it on
 *       another node) and leaves a lease: the agent's grace period (traffic is held) and its name lease (nobody
 *       else may bind the name);</li>
 *   <li>when a member dies, the oldest member turns its routes into leases with a grace period;</li>
 *   <li>a node asked for a host it does not hold relays to the owner, or holds the request until the agent is back
 *       (bounded by {@link ClusterOptions#getMaxHeld()} and the grace period).</li>
 * </ul>
 * Hazelcast calls with no async variant run off the event loop, ordered per agent session.
 */
public final class ClusterRoutes implements RouteHook, RemoteRoutes {
  private static final Logger log = LoggerFactory.getLogger(ClusterRoutes.class);

  private record Waiter(Context context, Promise<Void> promise) {
  }

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final ClusterOptions options;
  private final RouteTable local;
  private final String nodeId;
  private final String relayAddress;
  private final String region;
  private final long nameLease;
  private final RelayClient relay;
  private final IMap<String, HazelcastJsonValue> routes;
  private final IMap<String, HazelcastJsonValue> leases;
  private final Map<String, HazelcastJsonValue> published = new ConcurrentHashMap<>();
  private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
  private final AtomicInteger held = new AtomicInteger();
  /**
   * Other nodes' routes as last read here, so relaying a request costs no cluster round trip (a map read per request
   * took most of a relaying node's time). Every change event for a key drops its entry before waking anyone, and a
   * read is cached only if no change event came in while it was in flight ({@link #changes}), so an entry is never
   * older than the last event; a relay that fails drops its entry too. Only routes that exist are cached (a miss is
   * not), so it holds at most one entry per live route of the cluster.
   */
  private final Map<String, RelayRoute> relayCache = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();
  private volatile TcpPorts tcp;
  /** Where keys with a prefix ({@code tls:}) are looked up on this node, beside the HTTP route table. */
  private final Map<String, Function<String, Binding>> localByPrefix = new ConcurrentHashMap<>();
  private UUID entryListener;
  private UUID membershipListener;
  private volatile Runnable afterRouteMiss;

  public ClusterRoutes(Vertx vertx, HazelcastInstance hz, ClusterOptions options, RouteTable local, String region,
                       long nameLease, String relayAddress, RelayClient relay) {
    this.vertx = vertx;
    this.hz = hz;
    this.options = options;
    this.local = local;
    this.nodeId = hz.getCluster().getLocalMember().getUuid().toString();
    this.relayAddress = relayAddress;
    this.region = region;
    this.nameLease = nameLease;
    this.relay = relay;
    this.routes = hz.getMap(ClusterVertx.ROUTES);
    this.leases = hz.getMap(ClusterVertx.LEASES);
  }

  public String nodeId() {
    return nodeId;
  }

  public String memberAddress() {
    com.hazelcast.cluster.Address a = hz.getCluster().getLocalMember().getAddress();
    return a.getHost() + ":" + a.getPort();
  }

  /**
   * For tests: runs {@code hook} on the resolving node's event loop each time a resolve has missed the routes map,
   * before it reads the leases map (where a test puts the other side of a race); null for none.
   */
  public void afterRouteMiss(Runnable hook) {
    this.afterRouteMiss = hook;
  }

  /** @return requests and connections held right now, waiting for their agent */
  public int heldCount() {
    return held.get();
  }

  /**
   * Attaches this node's TCP ports: connections relayed here for a TCP key find their binding through it, and it
   * follows (listens on) every port other nodes of the region bind, those bound already included. Blocking.
   */
  public void tcp(TcpPorts ports) {
    this.tcp = ports;
    localByPrefix.put("tcp:", ports::lookup);
    for (Map.Entry<String, HazelcastJsonValue> e : routes.entrySet()) {
      followIfTcp(e.getKey(), e.getValue());
    }
  }

  private void followIfTcp(String key, HazelcastJsonValue value) {
    TcpPorts ports = tcp;
    int port = ports == null ? -1 : TcpPorts.port(region, key);
    if (port > 0 && value != null && !isMine(value)) {
      ports.follow(port);
    }
  }

  /** @return whether a TCP key still has a route or a lease anywhere in the cluster (its port is still wanted) */
  public Future<Boolean> inUse(String key) {
    Context ctx = vertx.getOrCreateContext();
    // routes, leases, then routes again: a rebind between the first two reads (route in, then lease out) would show as
    // neither (see attempt)
    return Future.fromCompletionStage(routes.getAsync(key), ctx).compose(r -> r != null ? Future.succeededFuture(true)
        : Future.fromCompletionStage(leases.getAsync(key), ctx).compose(l -> l != null ? Future.succeededFuture(true)
            : Future.fromCompletionStage(routes.getAsync(key), ctx).map(again -> again != null)));
  }

  /** Starts listening to route changes and member deaths. Blocking: call off the event loop. */
  public ClusterRoutes start() {
    entryListener = routes.addEntryListener(new Changes(), true);       // values: TCP keys say which node holds them
    membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        onMemberRemoved(e.getMember());
      }
    });
    return this;
  }

  public void stop() {
    try {
      if (entryListener != null) {
        routes.removeEntryListener(entryListener);
      }
      if (membershipListener != null) {
        hz.getCluster().removeMembershipListener(membershipListener);
      }
    } catch (RuntimeException e) {
      log.atDebug().addKeyValue("reason", e.getMessage()).log("cluster listeners already gone");
    }
  }

  // ---------------------------------------------------------------- owner side: publish and release

  @Override
  public Future<Void> bound(Binding b) {
    JsonObject value = new JsonObject().put("node", nodeId).put("relay", relayAddress).put("region", region)
        .put("session", b.session().id()).put("client", b.session().clientId()).put("tunnel", b.spec().id())
        .put("account", b.session().account()).put("spec", b.spec().toJson()).put("at", System.currentTimeMillis());
    HazelcastJsonValue mine = new HazelcastJsonValue(value.encode());
    String client = b.session().clientId();
    return vertx.executeBlocking(() -> {
      claim(b.host(), client, mine);
      published.put(b.host(), mine);
      return null;
    }, true);
  }

  private void claim(String host, String client, HazelcastJsonValue mine) {
    for (int attempt = 0; attempt < 16; attempt++) {
      HazelcastJsonValue cur = routes.get(host);
      if (cur != null) {
        if (!client.equals(new JsonObject(cur.getValue()).getString("client"))) {
          throw new BurrowException(ErrorCode.SUBDOMAIN_TAKEN, "the tunnel " + host
              + " is already bound by another agent. Pick another -subdomain, or stop the other agent.");
        }
        if (routes.replace(host, cur, mine)) {       // the same agent, back through another node
          leases.delete(host);
          return;
        }
        continue;
      }
      HazelcastJsonValue lease = leases.get(host);
      if (lease != null) {
        JsonObject l = new JsonObject(lease.getValue());
        if (!client.equals(l.getString("client")) && l.getLong("leaseUntil", 0L) > System.currentTimeMillis()) {
          throw new BurrowException(ErrorCode.SUBDOMAIN_TAKEN, "the tunnel " + host
              + " is held for the agent that had it until it reconnects. Pick another -subdomain.");
        }
      }
      if (routes.putIfAbsent(host, mine) == null) {
        leases.delete(host);
        return;
      }
    }
    throw new BurrowException(ErrorCode.SUBDOMAIN_TAKEN, "the tunnel " + host + " is contended; try again");
  }

  @Override
  public void released(Binding b, boolean sessionEnded) {
    HazelcastJsonValue mine = published.remove(b.host());
    if (mine == null) {
      return;
    }
    vertx.executeBlocking(() -> {
      leaseThenRemove(b.host(), mine, sessionEnded);
      return null;
    }, true).onFailure(err -> log.atWarn().addKeyValue("host", b.host()).addKeyValue("reason", err.getMessage())
        .log("could not release a route in the cluster"));
  }

  /**
   * Turns a route into a lease: the lease goes in before the route comes out, so a node resolving the name in between
   * sees one or the other (and holds the request) rather than neither (a 404 during a failover). Blocking.
   *
   * @return whether the route was still {@code route} and is now a lease
   */
  private boolean leaseThenRemove(String host, HazelcastJsonValue route, boolean grace) {
    HazelcastJsonValue lease = putLease(host, new JsonObject(route.getValue()), grace);
    if (routes.remove(host, route)) {
      return true;
    }
    leases.remove(host, lease);                                // the route changed meanwhile: take our lease back
    return false;
  }

  private HazelcastJsonValue putLease(String host, JsonObject route, boolean grace) {
    long now = System.currentTimeMillis();
    long leaseUntil = now + Math.max(nameLease, options.getGrace());
    JsonObject lease = new JsonObject().put("client", route.getString("client")).put("tunnel", route.getString("tunnel"))
        .put("region", route.getString("region")).put("graceUntil", grace ? now + options.getGrace() : now)
        .put("leaseUntil", leaseUntil);
    HazelcastJsonValue v = new HazelcastJsonValue(lease.encode());
    leases.put(host, v, leaseUntil - now, TimeUnit.MILLISECONDS);
    return v;
  }

  /** The oldest member turns a dead member's routes into leases in their grace period. */
  private void onMemberRemoved(Member dead) {
    Member oldest = hz.getCluster().getMembers().iterator().next();
    if (!oldest.localMember()) {
      return;
    }
    vertx.executeBlocking(() -> {
      int n = 0;
      for (Map.Entry<String, HazelcastJsonValue> e
          : routes.entrySet(Predicates.equal("node", dead.getUuid().toString()))) {
        if (leaseThenRemove(e.getKey(), e.getValue(), true)) {
          n++;
        }
      }
      return n;
    }, false).onComplete(ar -> log.atInfo().addKeyValue("member", dead.getUuid().toString())
        .addKeyValue("routes", ar.succeeded() ? ar.result() : -1).log("member left: its routes are held for their agents"));
  }

  /** Unpublishes every route of this node (drain, stop) so nothing waits on it. Blocking. */
  public void unpublishAll(boolean grace) {
    for (Map.Entry<String, HazelcastJsonValue> e : new ArrayList<>(published.entrySet())) {
      if (published.remove(e.getKey(), e.getValue())) {
        leaseThenRemove(e.getKey(), e.getValue(), grace);
      }
    }
  }

  // ---------------------------------------------------------------- any node: resolve, relay, hold

  @Override
  public Future<Route> resolve(String host) {
    Context ctx = vertx.getOrCreateContext();
    return attempt(host, System.currentTimeMillis() + options.getGrace(), ctx, 0);
  }

  /** Like {@link #resolve} for a relay stream that arrived here: {@code hops} bounds relays of relays. */
  Future<Route> resolve(String host, int hops) {
    Context ctx = vertx.getOrCreateContext();
    return attempt(host, System.currentTimeMillis() + options.getGrace(), ctx, hops);
  }

  /**
   * Looks up keys starting with {@code prefix} (e.g. {@code tls:}) through {@code lookup} on this node, so relay
   * streams for them find their binding here.
   */
  public void localKeys(String prefix, Function<String, Binding> lookup) {
    localByPrefix.put(prefix, lookup);
  }

  private Future<Route> attempt(String host, long deadline, Context ctx, int hops) {
    Binding b = localBinding(host);
    if (b != null) {
      return Future.succeededFuture(b);
    }
    RelayRoute cached = hops > 0 ? null : relayCache.get(host);
    if (cached != null) {
      return Future.succeededFuture(cached.withDeadline(deadline));
    }
    long seen = changes.get();
    return Future.fromCompletionStage(routes.getAsync(host), ctx).compose(v -> {
      long now = System.currentTimeMillis();
      if (v != null) {
        JsonObject r = new JsonObject(v.getValue());
        if (!region.equals(r.getString("region"))) {
          return Future.succeededFuture(null);               // served by another region's nodes
        }
        if (!nodeId.equals(r.getString("node"))) {
          if (hops > 0) {
            return Future.succeededFuture(null);             // a relay of a relay: the cluster is still settling
          }
          RelayRoute route = new RelayRoute(this, host, v, r, deadline);
          if (changes.get() == seen) {
            relayCache.put(host, route);
            if (changes.get() != seen) {
              relayCache.remove(host, route);                // a change raced the put: do not trust it
            }
          }
          return Future.succeededFuture(route);
        }
        // ours in the map but not in our table: the session just ended; its release is on its way
        return now < deadline ? awaitChange(host, deadline, ctx).compose(x -> attempt(host, deadline, ctx, hops))
            : Future.succeededFuture(null);
      }
      Runnable hook = afterRouteMiss;
      if (hook != null) {
        hook.run();
      }
      return Future.fromCompletionStage(leases.getAsync(host), ctx).compose(l -> {
        long graceUntil = l == null ? 0 : new JsonObject(l.getValue()).getLong("graceUntil", 0L);
        long until = Math.min(deadline, graceUntil);
        if (now >= until) {
          // Neither a route nor a lease in its grace period, as far as these two reads saw. A release puts its lease
          // before it removes the route, so a release between them shows as the lease; but an agent binding again
          // puts its route before it deletes its lease, so a rebind between them shows as neither: a 404 in the
          // middle of a failover. A second look at the routes, now after the lease's delete, sees that route.
          return Future.fromCompletionStage(routes.getAsync(host), ctx).compose(again -> again == null
              ? Future.succeededFuture(null) : attempt(host, deadline, ctx, hops));
        }
        return awaitChange(host, until, ctx).compose(x -> attempt(host, until, ctx, hops));
      });
    });
  }

  /** Opens a relay stream to the route's owner; when that fails, holds until the route changes and tries again. */
  Future<burrow.mux.MuxStream> openRelay(RelayRoute route) {
    JsonObject head = new JsonObject().put("h", route.host()).put("hop", 1);
    return relay.open(route.relayAddress(), head).recover(err -> {
      relayCache.remove(route.host());
      long now = System.currentTimeMillis();
      if (now >= route.deadline()) {
        return Future.failedFuture(new BurrowException(ErrorCode.NODE_RELAY_FAILED,
            "the edge node serving " + route.host() + " did not answer: " + err.getMessage()));
      }
      Context ctx = vertx.getOrCreateContext();
      log.atDebug().addKeyValue("host", route.host()).addKeyValue("reason", err.getMessage()).log("relay failed, holding");
      return awaitChangeFrom(route.host(), route.value(), route.deadline(), ctx)
          .compose(x -> attempt(route.host(), route.deadline(), ctx, 0))
          .compose(r -> r == null ? Future.failedFuture(new BurrowException(ErrorCode.TUNNEL_NOT_FOUND,
              "tunnel " + route.host() + " not found")) : r.openStream());
    });
  }

  /** Waits (bounded) until the route of {@code host} is added or replaced, or {@code until} passes. */
  private Future<Void> awaitChange(String host, long until, Context ctx) {
    return awaitChangeFrom(host, null, until, ctx);
  }

  private Future<Void> awaitChangeFrom(String host, HazelcastJsonValue stale, long until, Context ctx) {
    if (held.incrementAndGet() > options.getMaxHeld()) {
      held.decrementAndGet();
      return Future.failedFuture(new BurrowException(ErrorCode.HOLD_LIMIT,
          "too many requests are waiting for their tunnels on this node; try again shortly"));
    }
    Promise<Void> p = Promise.promise();
    Waiter w = new Waiter(ctx, p);
    waiters.computeIfAbsent(host, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(w);
    long timer = vertx.setTimer(Math.max(1, until - System.currentTimeMillis()), id -> wake(host, w));
    // the route may have changed between our read and our registration: look once more
    Future.fromCompletionStage(routes.getAsync(host), ctx).onSuccess(v -> {
      if (v != null && !v.equals(stale) && (stale != null || localBinding(host) != null || !isMine(v))) {
        wake(host, w);
      }
    });
    return p.future().eventually(() -> {
      vertx.cancelTimer(timer);
      held.decrementAndGet();
      return Future.succeededFuture();
    });
  }

  private Binding localBinding(String host) {
    Binding b = local.lookup(host);
    if (b == null) {
      int colon = host.indexOf(':');
      var lookup = colon < 0 ? null : localByPrefix.get(host.substring(0, colon + 1));
      b = lookup == null ? null : lookup.apply(host);
    }
    return b;
  }

  private boolean isMine(HazelcastJsonValue v) {
    return nodeId.equals(new JsonObject(v.getValue()).getString("node"));
  }

  private void wake(String host, Waiter w) {
    List<Waiter> ws = waiters.get(host);
    if (ws != null) {
      ws.remove(w);
      if (ws.isEmpty()) {
        waiters.remove(host, ws);
      }
    }
    w.context().runOnContext(v -> w.promise().tryComplete());
  }

  private void wakeAll(String host) {
    List<Waiter> ws = waiters.remove(host);
    if (ws != null) {
      for (Waiter w : ws) {
        w.context().runOnContext(v -> w.promise().tryComplete());
      }
    }
  }

  RelayClient relay() {
    return relay;
  }

  /** A route changed: forget what this node cached of it, before anyone waiting for the change looks again. */
  private void changed(String key) {
    changes.incrementAndGet();
    relayCache.remove(key);
  }

  /** Every event of the routes map drops the key's cached route; an add or update also wakes waiters and followers. */
  private final class Changes extends EntryAdapter<String, HazelcastJsonValue> {
    @Override
    public void onEntryEvent(EntryEvent<String, HazelcastJsonValue> e) {
      changed(e.getKey());
    }

    @Override
    public void onMapEvent(MapEvent e) {
      changes.incrementAndGet();
      relayCache.clear();
    }

    @Override
    public void entryAdded(EntryEvent<String, HazelcastJsonValue> e) {
      changed(e.getKey());
      wakeAll(e.getKey());
      followIfTcp(e.getKey(), e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, HazelcastJsonValue> e) {
      changed(e.getKey());
      wakeAll(e.getKey());
      followIfTcp(e.getKey(), e.getValue());
    }
  }
}
