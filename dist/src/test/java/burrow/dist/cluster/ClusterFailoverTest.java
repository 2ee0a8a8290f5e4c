package burrow.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.agent.session.SessionOptions;
import burrow.dist.Http;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scripted scenario: one registry and three edge nodes as separate JVMs on 127.0.0.1 (registry) and
 * 127.0.0.2-4 (edges A, B, C), started staggered (seed first). An agent binds a reserved name on A; a steady
 * request load goes to B and C (relayed to A); A is killed with SIGKILL; the agent moves to B or C; every request
 * sent during the outage must succeed (served at once, or held and then served within the grace period).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class ClusterFailoverTest {
  private static final Logger log = LoggerFactory.getLogger(ClusterFailoverTest.class);
  final String cluster = "t-" + UUID.randomUUID();
  final String secret = UUID.randomUUID().toString();
  final String admin = UUID.randomUUID().toString();
  final List<Process> processes = new ArrayList<>();
  Path home;
  EdgeSession agent;

  record Node(String ip, int http, int control, int hz, int relay, int mgmt, Process process) {
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close().await();
    }
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort(String ip) throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return s.getLocalPort();
    }
  }

  Process spawn(String name, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED", "-Djava.net.preferIPv4Stack=true",
        "-Dhazelcast.logging.type=slf4j", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.burrow.edge.cluster=debug",      // holds and relays, printed if the test fails
        "-cp", System.getProperty("java.class.path"), "burrow.dist.Burrow"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(home.resolve(name + ".log").toFile());
    pb.environment().put("BURROW_HOME", home.toString());
    pb.environment().put("BURROW_CLUSTER_SECRET", secret);
    pb.environment().put("BURROW_ADMIN_TOKEN", admin);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  Node edge(String ip, int seedHz, long deadline, Vertx vertx, HttpClient http) throws Exception {
    int httpPort = freePort(ip);
    int control = freePort(ip);
    int hz = freePort(ip);
    int relay = freePort(ip);
    int mgmt = freePort(ip);
    Process p = spawn("edge-" + ip, List.of("edge", "--cluster", "--lite-member", "--cluster-registry",
        "--host", ip, "--http-port", "" + httpPort, "--https-port", "-1", "--control-port", "" + control,
        "--tls-port", "" + freePort(ip),
        "--instances", "1", "--cluster-host", ip, "--cluster-port", "" + hz, "--cluster-name", cluster,
        "--cluster-members", "127.0.0.1:" + seedHz, "--relay-host", ip, "--relay-port", "" + relay,
        "--management-host", ip, "--management-port", "" + mgmt, "--grace", "10000", "--max-no-heartbeat", "3",
        "--drain-timeout", "2000", "--cert", home.resolve("edge.pem").toString(),
        "--key", home.resolve("edge-key.pem").toString()));
    Node n = new Node(ip, httpPort, control, hz, relay, mgmt, p);
    await(vertx, deadline, () -> {
      if (!p.isAlive()) {
        throw new AssertionError("edge " + ip + " exited: " + readLog("edge-" + ip));
      }
      return status(http, ip, mgmt, "/readyz").map(s -> s == 200);
    }, "edge " + ip + " ready");
    return n;
  }

  String readLog(String name) {
    try {
      return Files.readString(home.resolve(name + ".log"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  static Future<Integer> status(HttpClient http, String ip, int port, String path) {
    return Http.exchange(http, new RequestOptions().setHost(ip).setPort(port).setURI(path)).map(Http.Reply::status);
  }

  interface Check {
    Future<Boolean> get();
  }

  static void await(Vertx vertx, long deadline, Check check, String what) {
    while (System.currentTimeMillis() < deadline) {
      Boolean ok = check.get().otherwise(false).await();
      if (Boolean.TRUE.equals(ok)) {
        return;
      }
      vertx.timer(200).await();
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  @Test
  void killingTheOwningNodeLosesNoRequest(Vertx vertx) throws Exception {
    home = Files.createTempDirectory("burrow-failover");
    long deadline = System.currentTimeMillis() + 120_000;
    HttpClient http = vertx.createHttpClient(new HttpClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    HttpServer upstream = vertx.createHttpServer().requestHandler(r -> r.response().end("ok " + r.path()))
        .listen(0, "127.0.0.1").await();

    // one certificate for the region's nodes, valid for their addresses (as one for their DNS name in production)
    burrow.tls.DevCertificates.Pems pems = burrow.tls.DevCertificates.generate("localhost",
        List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"));
    Files.writeString(home.resolve("edge.pem"), pems.cert());
    Files.writeString(home.resolve("edge-key.pem"), pems.key());
    int apiPort = freePort("127.0.0.1");
    int seedHz = freePort("127.0.0.1");
    // the registry member: a data member with the registry's REST API and its store, serving no agents itself
    spawn("registry", List.of("edge", "--cluster", "--with-registry", "--host", "127.0.0.1",
        "--http-port", "" + freePort("127.0.0.1"), "--https-port", "-1", "--control-port", "" + freePort("127.0.0.1"),
        "--tls-port", "" + freePort("127.0.0.1"),
        "--instances", "1", "--registry-host", "127.0.0.1", "--registry-port", "" + apiPort,
        "--cluster-host", "127.0.0.1", "--cluster-port", "" + seedHz, "--cluster-name", cluster,
        "--relay-port", "" + freePort("127.0.0.1"), "--management-port", "" + freePort("127.0.0.1"),
        "--data-dir", home.resolve("data").toString()));
    await(vertx, deadline, () -> status(http, "127.0.0.1", apiPort, "/api/health").map(s -> s == 200), "registry");
    Node a = edge("127.0.0.2", seedHz, deadline, vertx, http);
    Node b = edge("127.0.0.3", seedHz, deadline, vertx, http);
    Node c = edge("127.0.0.4", seedHz, deadline, vertx, http);

    // an account, its token, a reserved name in region us and a whitelist entry, through the registry's API
    JsonObject created = api(http, apiPort, admin, "/api/accounts", new JsonObject().put("name", "failover"));
    String accountId = created.getJsonObject("account").getString("id");
    String token = created.getJsonObject("token").getString("token");
    api(http, apiPort, admin, "/api/accounts/" + accountId + "/domains",
        new JsonObject().put("subdomain", "failover").put("region", "us"));
    api(http, apiPort, admin, "/api/accounts/" + accountId + "/whitelist",
        new JsonObject().put("ip_net", "127.0.0.0/8").put("description", "loopback"));

    String ca = pems.caCert();
    SessionOptions so = new SessionOptions().setServerHost(a.ip()).setServerPort(a.control()).setRootCasPem(ca)
        .setAuthtoken(token).setMinBackoff(100).setMaxBackoff(400)
        .setAlternateServerAddrs(List.of(b.ip() + ":" + b.control(), c.ip() + ":" + c.control()));
    TunnelDefinition t = new TunnelDefinition("web", "http", "127.0.0.1:" + upstream.actualPort(), "failover", null,
        null, null, "false", false, null, null, null, null, null);
    agent = new EdgeSession(vertx, so, List.of(t), new SessionListener() { });
    agent.start().await();

    // steady load: one request every 20 ms, alternately to B and C, each relayed to A until A dies
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong diedAt = new AtomicLong(Long.MAX_VALUE);         // when the killed process was seen gone
    ConcurrentLinkedQueue<String> failuresAfterDeath = new ConcurrentLinkedQueue<>();
    AtomicLong recoveredAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong maxLatency = new AtomicLong();
    List<Future<?>> all = java.util.Collections.synchronizedList(new ArrayList<>());
    long loadEnd = System.currentTimeMillis() + 9_000;
    long timer = vertx.setPeriodic(20, id -> {
      int i = sent.incrementAndGet();
      Node target = i % 2 == 0 ? b : c;
      long t0 = System.currentTimeMillis();
      Future<Void> f = http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(target.ip())
              .setPort(target.http()).setURI("/r" + i).putHeader("Host", "failover.localhost:" + target.http()))
          .compose(r -> r.send()).compose(r -> r.body().map(body -> {
            if (r.statusCode() != 200 || !body.toString().equals("ok /r" + i)) {
              throw new IllegalStateException(r.statusCode() + " " + body.toString().replaceAll("<[^>]*>", " ").trim());
            }
            return null;
          }))
          .<Void>mapEmpty()
          .onSuccess(v -> {
            long now = System.currentTimeMillis();
            ok.incrementAndGet();
            maxLatency.accumulateAndGet(now - t0, Math::max);
            if (t0 > killedAt.get()) {
              recoveredAt.accumulateAndGet(now, Math::min);
            }
          })
          .onFailure(err -> {
            failures.add("/r" + i + " via " + target.ip() + ": " + err.getMessage());
            if (t0 > diedAt.get()) {
              failuresAfterDeath.add("/r" + i);
            }
          });
      all.add(f);
    });
    vertx.timer(2_000).await();
    assertThat(failures).isEmpty();
    killedAt.set(System.currentTimeMillis());
    a.process().destroyForcibly();                                 // kill -9
    Future.fromCompletionStage(a.process().onExit()).await(10, TimeUnit.SECONDS);
    diedAt.set(System.currentTimeMillis());
    vertx.timer(loadEnd - System.currentTimeMillis()).await();
    vertx.cancelTimer(timer);
    List<Future<?>> copy;
    synchronized (all) {
      copy = new ArrayList<>(all);
    }
    Future.join(copy).otherwiseEmpty().await();

    long recovery = recoveredAt.get() - killedAt.get();
    log.atWarn().addKeyValue("sent", sent.get()).addKeyValue("ok", ok.get()).addKeyValue("failed", failures.size())
        .addKeyValue("recovery_ms", recovery).addKeyValue("max_latency_ms", maxLatency.get())
        .log("failover scenario");
    System.out.printf("FAILOVER sent=%d ok=%d failed=%d recovery_ms=%d max_latency_ms=%d failures=%s%n", sent.get(),
        ok.get(), failures.size(), recovery, maxLatency.get(), failures);
    // A request the owner node was serving when it died may break mid-response (its response had begun, so it cannot
    // be asked again); every request sent after the node was gone must succeed.
    assertThat(failuresAfterDeath).as(() -> "requests sent after the owner died that failed; the surviving edges' logs:\n"
        + readLog("edge-127.0.0.3") + "\n---\n" + readLog("edge-127.0.0.4")).isEmpty();
    assertThat(failures).as("requests in flight when the owner died that failed").hasSizeLessThanOrEqualTo(2);
    assertThat(recovery).isLessThan(3_000);
    assertThat(agent.urls().get("web").get(0)).startsWith("http://failover.localhost:");

    // reservations and whitelist survived, and the agent's name still answers through both remaining nodes
    JsonObject domains = get(http, apiPort, admin, "/api/accounts/" + accountId + "/domains");
    assertThat(domains.getJsonArray("domains")).hasSize(1);
    JsonObject wl = get(http, apiPort, admin, "/api/accounts/" + accountId + "/whitelist");
    assertThat(wl.getJsonArray("whitelist")).hasSize(1);
    for (Node n : List.of(b, c)) {
      String body = Http.exchange(http, new RequestOptions().setHost(n.ip()).setPort(n.http()).setURI("/after")
          .putHeader("Host", "failover.localhost:" + n.http())).await().text();
      assertThat(body).isEqualTo("ok /after");
    }
  }

  static JsonObject api(HttpClient http, int port, String bearer, String path, JsonObject body) {
    Http.Reply r = Http.exchange(http, new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("Authorization", "Bearer " + bearer).putHeader("Content-Type", "application/json"),
        body.toBuffer()).await();
    if (r.status() != 201) {
      throw new AssertionError(path + ": " + r.line());
    }
    return r.body().toJsonObject();
  }

  static JsonObject get(HttpClient http, int port, String bearer, String path) {
    return Http.exchange(http, new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(path)
            .putHeader("Authorization", "Bearer " + bearer)).await().body().toJsonObject();
  }

}
