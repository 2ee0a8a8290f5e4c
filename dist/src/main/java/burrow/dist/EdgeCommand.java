package burrow.dist;

import burrow.agent.cli.Version;
import burrow.agent.config.BurrowHome;
import burrow.edge.EdgeOptions;
import burrow.edge.EdgeServer;
import burrow.edge.admit.Authenticator;
import burrow.edge.admit.RegistryAuthenticator;
import burrow.edge.cluster.ClusterOptions;
import burrow.edge.cluster.EdgeNode;
import burrow.registry.RegistryServer;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.tls.DevCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burrow edge}: a standalone edge node. */
@Command(name = "edge", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "run a standalone edge: public HTTP/HTTPS listeners and the control port agents dial")
public final class EdgeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all)")
  String host;
  @Option(names = "--domain", defaultValue = "localhost", description = "tunnel domain: tunnels get <name>.<domain> (default ${DEFAULT-VALUE})")
  String domain;
  @Option(names = "--http-port", defaultValue = "9080", description = "public HTTP port, -1 for none (default ${DEFAULT-VALUE})")
  int httpPort;
  @Option(names = "--https-port", defaultValue = "9443", description = "public HTTPS port, -1 for none (default ${DEFAULT-VALUE})")
  int httpsPort;
  @Option(names = "--control-port", defaultValue = "9444", description = "port agents dial (default ${DEFAULT-VALUE})")
  int controlPort;
  @Option(names = "--tls-port", defaultValue = "9445", description = "public TLS port, routed by SNI name, -1 for none (default ${DEFAULT-VALUE})")
  int tlsPort;
  @Option(names = "--tcp-port-range", defaultValue = "20000-20999", description = "ports for tcp tunnels, LOW-HIGH, or 0 for any free port (default ${DEFAULT-VALUE})")
  String tcpPortRange;
  @Option(names = "--tcp-host", description = "host written in tcp:// URLs (default: --host, or --domain when listening on all addresses)")
  String tcpHost;
  @Option(names = "--public-http-port", defaultValue = "-1", description = "HTTP port shown in URLs when behind a load balancer")
  int publicHttpPort;
  @Option(names = "--public-https-port", defaultValue = "-1", description = "HTTPS port shown in URLs when behind a load balancer")
  int publicHttpsPort;
  @Option(names = "--cert", description = "PEM certificate (chain) for the domain and *.domain; generated when absent")
  String cert;
  @Option(names = "--key", description = "PEM private key for --cert")
  String key;
  @Option(names = "--region", defaultValue = "us", description = "this node's region (default ${DEFAULT-VALUE})")
  String region;
  @Option(names = "--instances", defaultValue = "0", description = "event-loop instances per listener (default: one per two cores)")
  int instances;
  @Option(names = "--with-registry", description = "run the registry in this process: agents then need a valid authtoken")
  boolean withRegistry;
  @picocli.CommandLine.Mixin
  RegistryFlags registryFlags = new RegistryFlags();
  @Option(names = "--cluster", description = "join the edge cluster (Hazelcast, --cluster-members or --k8s-service-dns): relay between nodes, failover; the secret comes from $BURROW_CLUSTER_SECRET")
  boolean cluster;
  @Option(names = "--cluster-registry", description = "with --cluster: use the registry that runs on the cluster (burrow registry, or a node with --with-registry)")
  boolean clusterRegistry;
  @Option(names = "--lite-member", description = "with --cluster: hold no cluster data (edges beside registry members)")
  boolean liteMember;
  @Option(names = "--k8s-service-dns", description = "with --cluster: discover members through this headless Service's DNS name instead of --cluster-members")
  String k8sServiceDns;
  @Option(names = "--relay-host", defaultValue = "127.0.0.1", description = "address of the node-to-node relay listener (default ${DEFAULT-VALUE})")
  String relayHost;
  @Option(names = "--relay-public-host", description = "address other nodes dial for this node's relay port (default: --relay-host)")
  String relayPublicHost;
  @Option(names = "--relay-port", defaultValue = "9447", description = "node-to-node relay port (default ${DEFAULT-VALUE})")
  int relayPort;
  @Option(names = "--management-host", defaultValue = "127.0.0.1", description = "address of /healthz, /readyz, /metrics (default ${DEFAULT-VALUE})")
  String managementHost;
  @Option(names = "--management-port", defaultValue = "9446", description = "management port, -1 for none (default ${DEFAULT-VALUE})")
  int managementPort;
  @Option(names = "--grace", defaultValue = "10000", description = "ms public traffic for a reconnecting agent is held (default ${DEFAULT-VALUE})")
  long grace;
  @Option(names = "--drain-timeout", defaultValue = "30000", description = "ms in-flight exchanges may take after SIGTERM (default ${DEFAULT-VALUE})")
  long drainTimeout;
  @Option(names = "--max-no-heartbeat", defaultValue = "5", description = "seconds before a silent member is declared dead (default ${DEFAULT-VALUE})")
  int maxNoHeartbeat;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if ((cert == null) != (key == null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), ErrorCode.USAGE.code() + ": give both --cert and --key, or neither");
    }
    EdgeOptions o = new EdgeOptions().setHost(host).setDomain(domain).setHttpPort(httpPort).setHttpsPort(httpsPort)
        .setControlPort(controlPort).setPublicHttpPort(publicHttpPort).setPublicHttpsPort(publicHttpsPort)
        .setRegion(region).setTlsPort(tlsPort).setTcpPortRange(tcpPortRange).setTcpHost(tcpHost);
    if (instances > 0) {
      o.setInstances(instances);
    }
    if (cert == null) {
      DevCertificates.Files3 f = DevCertificates.ensure(BurrowHome.dir().resolve("edge").resolve(domain), domain);
      o.setCaCertPath(f.caCert().toString()).setCaKeyPath(f.caKey().toString());
      out.println("burrow edge: no --cert given, using a generated certificate; agents trust it with root_cas: " + f.caCert());
    } else {
      o.setCertPath(cert).setKeyPath(key);
    }
    if (cluster) {
      return runClustered(o, out);
    }
    // As many event loops as listener instances: each loop then hosts one instance of every listener, so a public
    // request and its agent's session share a loop as often as possible (a hop between loops costs a wake-up).
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(o.getInstances()));
    RegistryServer registry = null;
    Authenticator policy = Authenticator.acceptAll();
    EdgeServer edge;
    try {
      if (withRegistry) {
        System.setProperty("hazelcast.logging.type", "slf4j");
        registry = RegistryServer.start(vertx, registryFlags.toOptions(domain)).await();
        policy = new RegistryAuthenticator(registry.registry());
        out.printf("burrow registry in-process on %s:%d%n", registryFlags.host, registry.actualPort());
      } else {
        out.println("burrow edge: no registry (--with-registry): every agent is accepted");
      }
      edge = new EdgeServer(vertx, o, policy);
      edge.start().await();
    } catch (Exception e) {
      spec.commandLine().getErr().println(BurrowException.of(e, ErrorCode.EDGE_START_FAILED).describe());
      if (registry != null) {
        registry.close().await();
      }
      vertx.close();
      return 1;
    }
    RegistryServer reg = registry;
    out.printf("burrow edge listening: domain %s, http %d, https %d, tls %d, tcp %s, control %s:%d%n", domain,
        edge.httpPort(), edge.httpsPort(), edge.tlsPort(), tcpPortRange, host, edge.controlPort());
    out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      edge.close().eventually(() -> reg == null ? io.vertx.core.Future.succeededFuture() : reg.close())
          .eventually(vertx::close).toCompletionStage().toCompletableFuture().join();
      stop.countDown();
    }, "burrow-edge-shutdown"));
    stop.await();
    return 0;
  }

  private int runClustered(EdgeOptions o, PrintWriter out) throws InterruptedException {
    System.setProperty("hazelcast.logging.type", "slf4j");
    ClusterOptions co = new ClusterOptions().setClusterName(registryFlags.clusterName)
        .setClusterHost(registryFlags.clusterHost).setClusterPort(registryFlags.clusterPort)
        .setMembers(registryFlags.members).setKubernetesServiceDns(k8sServiceDns).setLiteMember(liteMember)
        .setRelayHost(relayHost).setRelayPublicHost(relayPublicHost).setRelayPort(relayPort)
        .setManagementHost(managementHost).setManagementPort(managementPort).setGrace(grace)
        .setDrainTimeout(drainTimeout).setMaxNoHeartbeatSeconds(maxNoHeartbeat)
        .setSecret(System.getenv("BURROW_CLUSTER_SECRET"));
    EdgeNode.RegistryMode mode = withRegistry ? EdgeNode.RegistryMode.IN_PROCESS
        : clusterRegistry ? EdgeNode.RegistryMode.CLUSTER : EdgeNode.RegistryMode.NONE;
    EdgeNode node;
    try {
      node = EdgeNode.start(o, co, registryFlags.toOptions(domain), mode).await();
    } catch (Exception e) {
      spec.commandLine().getErr().println(BurrowException.of(e, ErrorCode.EDGE_START_FAILED).describe());
      spec.commandLine().getErr().flush();
      return 1;
    }
    out.printf("burrow edge node %s listening: region %s, domain %s, http %d, https %d, control %s:%d, relay %d, "
            + "management %d%n", node.nodeId(), region, domain, node.edge().httpPort(), node.edge().httpsPort(), host,
        node.edge().controlPort(), node.relayPort(), node.managementPort());
    out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {      // SIGTERM: drain, then leave the cluster
      node.drain().toCompletionStage().toCompletableFuture().join();
      stop.countDown();
    }, "burrow-edge-drain"));
    stop.await();
    return 0;
  }
}
