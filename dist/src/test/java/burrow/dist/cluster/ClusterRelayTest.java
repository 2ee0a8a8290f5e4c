package burrow.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.agent.session.SessionOptions;
import burrow.dist.Http;
import burrow.edge.EdgeOptions;
import burrow.edge.cluster.ClusterOptions;
import burrow.edge.cluster.EdgeNode;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.RegistryOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two clustered edge nodes in one JVM (TCP-IP on 127.0.0.1): relay from a non-owning node, grace and leases. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterRelayTest {
  static {
    System.setProperty("org.slf4j.simpleLogger.log.burrow", "info");
  }
  final String clusterName = "t-" + UUID.randomUUID();
  final List<EdgeNode> nodes = new ArrayList<>();
  final List<EdgeSession> agents = new ArrayList<>();
  HttpServer upstream;
  HttpClient client;

  java.nio.file.Path caCert;
  java.nio.file.Path caKey;
  String caPem;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    // every node of a region serves the same certificate (here: minted by one CA), as behind one DNS name
    burrow.tls.DevCertificates.Pems pems = burrow.tls.DevCertificates.generate("localhost", List.of("127.0.0.1"));
    caPem = pems.caCert();
    caCert = java.nio.file.Files.createTempFile("ca", ".pem");
    caKey = java.nio.file.Files.createTempFile("ca", ".key");
    java.nio.file.Files.writeString(caCert, pems.caCert());
    java.nio.file.Files.writeString(caKey, pems.caKey());
    upstream = vertx.createHttpServer().requestHandler(req -> req.response().end("hello from " + req.path()))
        .listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() {
    for (EdgeSession a : agents) {
      a.close().await();
    }
    for (EdgeNode n : nodes) {
      if (!n.isDraining()) {
        n.close().await();
      }
    }
  }

  EdgeNode node(String seed, long grace) {
    EdgeOptions eo = new EdgeOptions().setHttpPort(0).setHttpsPort(-1).setControlPort(0).setTlsPort(0).setInstances(1)
        .setCaCertPath(caCert.toString()).setCaKeyPath(caKey.toString());
    ClusterOptions co = new ClusterOptions().setClusterName(clusterName).setClusterPort(0).setRelayPort(0)
        .setManagementPort(0).setSecret("test-secret").setGrace(grace).setDrainTimeout(2_000)
        .setMembers(seed == null ? List.of() : List.of(seed));
    EdgeNode n = EdgeNode.start(eo, co, new RegistryOptions(), EdgeNode.RegistryMode.NONE).await();
    nodes.add(n);
    return n;
  }

  EdgeSession agent(Vertx vertx, EdgeNode first, List<EdgeNode> others, String subdomain, long minBackoff) {
    SessionOptions so = new SessionOptions().setServerHost("127.0.0.1").setServerPort(first.edge().controlPort())
        .setRootCasPem(caPem).setMinBackoff(minBackoff).setMaxBackoff(minBackoff * 2)
        .setAlternateServerAddrs(others.stream().map(n -> "127.0.0.1:" + n.edge().controlPort()).toList());
    TunnelDefinition t = TunnelDefinition.http("web", "127.0.0.1:" + upstream.actualPort());
    t = new TunnelDefinition(t.name(), t.proto(), t.addr(), subdomain, null, null, null, "false", false, null,
        null, null, null, null);
    EdgeSession s = new EdgeSession(vertx, so, List.of(t), new SessionListener() { });
    agents.add(s);
    return s;
  }

  Future<HttpClientResponse> get(int port, String host, String path) {
    return exchange(port, host, path).map(Http.Reply::response);
  }

  Future<Http.Reply> exchange(int port, String host, String path) {
    return Http.exchange(client, new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("Host", host + ":" + port));
  }

  String body(int port, String host, String path) {
    return exchange(port, host, path).map(Http.Reply::line).await();
  }

  @Test
  void aNonOwningNodeRelaysToTheOwner(Vertx vertx) {
    EdgeNode a = node(null, 3_000);
    EdgeNode b = node(a.memberAddress(), 3_000);
    agent(vertx, a, List.of(), "web", 50).start().await();

    assertThat(body(a.edge().httpPort(), "web.localhost", "/direct")).isEqualTo("200 hello from /direct");
    assertThat(body(b.edge().httpPort(), "web.localhost", "/relayed")).isEqualTo("200 hello from /relayed");
    for (int i = 0; i < 20; i++) {
      assertThat(body(b.edge().httpPort(), "web.localhost", "/" + i)).isEqualTo("200 hello from /" + i);
    }
    // a host nobody serves is a plain 404 on every node, at once (no lease, nothing held)
    assertThat(get(b.edge().httpPort(), "nobody.localhost", "/").await().statusCode()).isEqualTo(404);

    assertThat(get(b.managementPort(), "127.0.0.1", "/readyz").await().statusCode()).isEqualTo(200);
    assertThat(get(b.managementPort(), "127.0.0.1", "/healthz").await().statusCode()).isEqualTo(200);
    String metrics = body(b.managementPort(), "127.0.0.1", "/metrics");
    // 21 requests went through B: at least 21 relayed streams (a relayed GET may be retried once on a new stream)
    assertThat(counter(metrics, "burrow_relay_streams_total{direction=\"out\"}")).isGreaterThanOrEqualTo(21);
    assertThat(metrics).contains("burrow_cluster_members 2.0").doesNotContain("web.localhost");
    String ownerMetrics = body(a.managementPort(), "127.0.0.1", "/metrics");
    assertThat(counter(ownerMetrics, "burrow_relay_streams_total{direction=\"in\"}")).isGreaterThanOrEqualTo(21);
    assertThat(ownerMetrics).contains("burrow_tunnels 1.0").contains("burrow_sessions 1.0");
  }

  @Test
  void theOwnerWinsItsNameBackDuringTheGracePeriodAndHeldRequestsAreServed(Vertx vertx) {
    EdgeNode a = node(null, 8_000);
    EdgeNode b = node(a.memberAddress(), 8_000);
    // the owner reconnects slowly (1.5 s backoff), so the rival tries first, inside the grace period
    EdgeSession owner = agent(vertx, a, List.of(b), "race", 1_500);
    owner.start().await();
    String url = owner.urls().get("web").get(0);

    a.close().await();                                          // the owner's node goes away
    long t0 = System.currentTimeMillis();
    Future<String> held = exchange(b.edge().httpPort(), "race.localhost", "/held").map(Http.Reply::line);

    EdgeSession rival = agent(vertx, b, List.of(), "race", 50);
    assertThatThrownBy(() -> rival.start().await())
        .isInstanceOfSatisfying(BurrowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SUBDOMAIN_TAKEN));

    String r = held.await();
    assertThat(r).isEqualTo("200 hello from /held");
    assertThat(System.currentTimeMillis() - t0).isLessThan(8_000);
    // the same name (each node here has its own port; behind one load balancer the URL is the same)
    assertThat(java.net.URI.create(owner.urls().get("web").get(0)).getHost()).isEqualTo(java.net.URI.create(url).getHost());
    assertThat(body(b.edge().httpPort(), "race.localhost", "/after")).isEqualTo("200 hello from /after");
  }

  /**
   * The race behind a rare 404 in ClusterFailoverTest: a node resolving a name misses its route, the agent binds it
   * again (its route in, then its lease out), and the node then misses the lease too. It must look at the routes once
   * more and find the new route, not answer "tunnel not found".
   */
  @Test
  void aRebindBetweenTheRouteAndTheLeaseReadsIsNotANotFound(Vertx vertx) {
    EdgeNode a = node(null, 5_000);
    EdgeNode b = node(a.memberAddress(), 5_000);
    agent(vertx, a, List.of(), "rebind", 50).start().await();
    com.hazelcast.core.HazelcastInstance hz = com.hazelcast.core.Hazelcast.getAllHazelcastInstances().iterator().next();
    com.hazelcast.map.IMap<String, com.hazelcast.core.HazelcastJsonValue> routes =
        hz.getMap(burrow.edge.cluster.ClusterVertx.ROUTES);
    com.hazelcast.map.IMap<String, com.hazelcast.core.HazelcastJsonValue> leases =
        hz.getMap(burrow.edge.cluster.ClusterVertx.LEASES);
    String host = "rebind.localhost";
    com.hazelcast.core.HazelcastJsonValue route = routes.get(host);
    assertThat(route).isNotNull();
    // the state between a release and a rebind: a lease in its grace period, no route
    leases.put(host, new com.hazelcast.core.HazelcastJsonValue(new io.vertx.core.json.JsonObject()
        .put("client", "c").put("graceUntil", System.currentTimeMillis() + 5_000)
        .put("leaseUntil", System.currentTimeMillis() + 5_000).encode()));
    routes.remove(host);
    java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
    b.routes().afterRouteMiss(() -> {
      if (misses.incrementAndGet() == 1) {                    // the agent binds again, between B's two reads
        routes.put(host, route);
        leases.delete(host);
      }
    });

    long t0 = System.currentTimeMillis();
    assertThat(body(b.edge().httpPort(), host, "/between")).isEqualTo("200 hello from /between");
    assertThat(misses.get()).isEqualTo(1);
    assertThat(System.currentTimeMillis() - t0).isLessThan(2_000);       // found at once, not after the grace period
  }

  @Test
  void pastTheGracePeriodTheUsualErrorComes(Vertx vertx) {
    EdgeNode a = node(null, 1_000);
    EdgeNode b = node(a.memberAddress(), 1_000);
    EdgeSession gone = agent(vertx, a, List.of(), "gone", 50);
    gone.start().await();
    gone.close().await();
    agents.remove(gone);
    long t0 = System.currentTimeMillis();
    HttpClientResponse r = get(b.edge().httpPort(), "gone.localhost", "/").await();
    long waited = System.currentTimeMillis() - t0;
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(waited).isBetween(200L, 3_000L);                 // held for about the grace period, then 404
  }

  @Test
  void drainMovesAgentsToAnotherNode(Vertx vertx) {
    EdgeNode a = node(null, 5_000);
    EdgeNode b = node(a.memberAddress(), 5_000);
    EdgeSession s = agent(vertx, a, List.of(b), "mover", 50);
    s.start().await();
    a.drain().await();
    // after the drain the agent is on b, with the same name
    long deadline = System.currentTimeMillis() + 10_000;
    while (b.edge().routes().lookup("mover.localhost") == null && System.currentTimeMillis() < deadline) {
      vertx.timer(50).await();
    }
    assertThat(b.edge().routes().lookup("mover.localhost")).isNotNull();
    assertThat(body(b.edge().httpPort(), "mover.localhost", "/x")).isEqualTo("200 hello from /x");
  }

  /** The value of one Prometheus series in a scrape, or -1 when it is absent. */
  static double counter(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return -1;
  }
}
