package burrow.edge.cluster;

import burrow.edge.EdgeOptions;
import burrow.edge.EdgeServer;
import burrow.edge.admit.Authenticator;
import burrow.edge.admit.RegistryAuthenticator;
import burrow.edge.route.Binding;
import burrow.edge.session.AgentSession;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.mux.MuxErrorCode;
import burrow.registry.Registry;
import burrow.registry.RegistryOptions;
import burrow.registry.RegistryServer;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One clustered edge node: a clustered Vert.x (Hazelcast), the edge's listeners, the cluster routes, the relay port,
 * the management port, and optionally the registry (its REST server in this process, or only its maps through the
 * cluster). {@link #drain()} is the SIGTERM path: not ready, GO_AWAY to every agent, in-flight exchanges finish
 * within the drain timeout, routes handed over, cluster left.
 */
public final class EdgeNode {
  private static final Logger log = LoggerFactory.getLogger(EdgeNode.class);
  /** How often a node closes its listeners on tcp ports that nobody in the cluster holds or leases any more. */
  static final long FOLLOWER_SWEEP_MILLIS = 2_000;

  /** Where the node's registry comes from. */
  public enum RegistryMode {
    /** No registry: every agent is accepted (dev, tests). */
    NONE,
    /** The registry's maps through the cluster (a registry member runs elsewhere); no REST server here. */
    CLUSTER,
    /** The registry's REST server in this process, on this node's member. */
    IN_PROCESS
  }

  private final Vertx vertx;
  private final EdgeServer edge;
  private final ClusterRoutes routes;
  private final RelayServer relayServer;
  private final RelayClient relayClient;
  private final ManagementServer management;
  private final RegistryServer registryServer;
  private final Registry registryClient;
  private final ClusterOptions options;
  private final int relayPort;
  private final int managementPort;
  private volatile boolean draining;

  private EdgeNode(Vertx vertx, EdgeServer edge, ClusterRoutes routes, RelayServer relayServer, RelayClient relayClient,
                   ManagementServer management, RegistryServer registryServer, Registry registryClient,
                   ClusterOptions options, int relayPort, int managementPort) {
    this.vertx = vertx;
    this.edge = edge;
    this.routes = routes;
    this.relayServer = relayServer;
    this.relayClient = relayClient;
    this.management = management;
    this.registryServer = registryServer;
    this.registryClient = registryClient;
    this.options = options;
    this.relayPort = relayPort;
    this.managementPort = managementPort;
  }

  public static Future<EdgeNode> start(EdgeOptions edgeOptions, ClusterOptions options, RegistryOptions registry,
                                       RegistryMode mode) {
    if (options.getSecret() == null || options.getSecret().isBlank()) {
      return Future.failedFuture(new BurrowException(ErrorCode.EDGE_START_FAILED,
          "a clustered edge needs a cluster secret: set BURROW_CLUSTER_SECRET (the same on every node)"));
    }
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HazelcastClusterManager[] mgr = new HazelcastClusterManager[1];
    return ClusterVertx.start(options, registry, metrics, mgr)
        .recover(err -> Future.failedFuture(new BurrowException(ErrorCode.EDGE_START_FAILED,
            "cannot join the cluster: " + err.getMessage())))
        .compose(vertx -> build(vertx, mgr[0].getHazelcastInstance(), edgeOptions, options, registry, mode, metrics)
            .recover(err -> vertx.close().transform(ar -> Future.failedFuture(err))));
  }

  private static Future<EdgeNode> build(Vertx vertx, HazelcastInstance hz, EdgeOptions edgeOptions,
                                        ClusterOptions options, RegistryOptions registry, RegistryMode mode,
                                        PrometheusMeterRegistry metrics) {
    EdgeNode[] self = new EdgeNode[1];
    Future<RegistryServer> server = mode == RegistryMode.IN_PROCESS ? RegistryServer.start(vertx, registry)
        : Future.succeededFuture();
    return server.compose(rs -> {
      Future<Registry> client = rs != null ? Future.succeededFuture(rs.registry())
          : mode == RegistryMode.CLUSTER ? Registry.create(vertx, hz, registry) : Future.succeededFuture();
      return client.compose(reg -> {
        Authenticator base = reg == null ? Authenticator.acceptAll() : new RegistryAuthenticator(reg);
        Authenticator policy = new DrainingAuthenticator(base, () -> self[0] != null && self[0].draining);
        EdgeServer edge = new EdgeServer(vertx, edgeOptions, policy);
        String nodeId = hz.getCluster().getLocalMember().getUuid().toString();
        RelayClient relayClient = new RelayClient(vertx, options, edgeOptions.getMux(), nodeId);
        RelayServer relayServer = new RelayServer(vertx, options, edgeOptions.getMux(), null);
        return relayServer.listen().compose(relayPort -> vertx.executeBlocking(() -> new ClusterRoutes(vertx, hz,
                options, edge.routes(), edgeOptions.getRegion(), edgeOptions.getNameLease(),
                options.advertisedRelayHost() + ":" + relayPort, relayClient).start(), false)
            .compose(cr -> {
              relayServer.routes(cr);
              edge.routes().hook(cr);
              edge.remoteRoutes(cr);
              edge.tcp().cluster(cr, cr, policy, FOLLOWER_SWEEP_MILLIS);
              edge.tls().cluster(cr, cr, policy);
              cr.localKeys("tls:", edge.tls()::lookupKey);
              return vertx.executeBlocking(() -> {
                cr.tcp(edge.tcp());                   // follow the region's tcp ports bound before we joined
                return cr;
              }, false);
            })
            .compose(cr -> {
              EdgeMetrics.register(metrics, edge.routes(), cr, relayClient, relayServer, hz);
              ManagementServer mgmt = new ManagementServer(vertx, options, metrics,
                  () -> self[0] != null && !self[0].draining && hz.getLifecycleService().isRunning());
              return edge.start().compose(e -> mgmt.listen()).map(mp -> {
                self[0] = new EdgeNode(vertx, edge, cr, relayServer, relayClient, mgmt, rs, rs == null ? reg : null,
                    options, relayPort, mp);
                log.atInfo().addKeyValue("node", nodeId).addKeyValue("region", edgeOptions.getRegion())
                    .addKeyValue("relay", relayPort).addKeyValue("management", mp).log("edge node joined the cluster");
                return self[0];
              });
            }));
      });
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  public EdgeServer edge() {
    return edge;
  }

  public ClusterRoutes routes() {
    return routes;
  }

  public RegistryServer registryServer() {
    return registryServer;
  }

  public String nodeId() {
    return routes.nodeId();
  }

  /** @return this node's Hazelcast member address, {@code host:port}, for the next node's member list */
  public String memberAddress() {
    return routes.memberAddress();
  }

  public int relayPort() {
    return relayPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public boolean isDraining() {
    return draining;
  }

  /**
   * Graceful drain: readiness goes false and new agent sessions are refused (GOING_AWAY), every agent gets GO_AWAY
   * and moves to another node, in-flight exchanges finish (up to the drain timeout), remaining routes become leases
   * in their grace period, then the node leaves the cluster.
   */
  public Future<Void> drain() {
    draining = true;
    Set<AgentSession> sessions = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Binding b : edge.routes().bindings()) {
      sessions.add(b.session());
    }
    log.atInfo().addKeyValue("sessions", sessions.size()).log("draining: agents told to move");
    for (AgentSession s : sessions) {
      s.mux().goAway(MuxErrorCode.GOING_AWAY);
    }
    long deadline = System.currentTimeMillis() + options.getDrainTimeout();
    Promise<Void> idle = Promise.promise();
    vertx.setPeriodic(0, 100, id -> {
      if (edge.routes().size() == 0 || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(id);
        idle.tryComplete();
      }
    });
    return idle.future()
        .compose(v -> vertx.<Void>executeBlocking(() -> {
          routes.unpublishAll(true);
          return null;
        }, false))
        .eventually(this::close);
  }

  /** Stops everything and leaves the cluster, without a drain. */
  public Future<Void> close() {
    draining = true;
    return edge.close()
        .eventually(relayServer::close)
        .eventually(relayClient::close)
        .eventually(management::close)
        .eventually(() -> {
          routes.stop();
          if (registryClient != null) {
            registryClient.close();
          }
          return registryServer == null ? Future.succeededFuture() : registryServer.close();
        })
        .eventually(vertx::close)
        .mapEmpty();
  }

  /** Refuses new agent sessions while the node drains, so agents find another node. */
  private record DrainingAuthenticator(Authenticator delegate, java.util.function.BooleanSupplier draining)
      implements Authenticator {
    @Override
    public Future<String> authenticate(String token, String remoteIp) {
      if (draining.getAsBoolean()) {
        return Future.failedFuture(new BurrowException(ErrorCode.GOING_AWAY,
            "this edge node is draining; connect to another node of the region"));
      }
      return delegate.authenticate(token, remoteIp);
    }

    @Override
    public Future<Void> checkHostname(String account, String region, String host) {
      return delegate.checkHostname(account, region, host);
    }

    @Override
    public Future<Void> checkTcpAddress(String account, String region, String hostPort) {
      return delegate.checkTcpAddress(account, region, hostPort);
    }

    @Override
    public boolean allows(String account, String ip) {
      return delegate.allows(account, ip);
    }
  }
}
