package burrow.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.agent.session.SessionOptions;
import burrow.edge.EdgeOptions;
import burrow.edge.cluster.ClusterOptions;
import burrow.edge.cluster.EdgeNode;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.RegistryOptions;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TCP and TLS tunnels across two clustered nodes in one JVM, each on its own loopback address (127.0.0.2 and
 * 127.0.0.3) so both can listen on the same port: the node without the agent listens on the agent's port too and
 * relays; when the owner dies the agent gets the same port on the other node, and a connection made meanwhile is
 * held, then served. A TLS connection to the other node is relayed by its SNI name.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterTcpTest {
  final String clusterName = "t-" + UUID.randomUUID();
  final List<EdgeNode> nodes = new ArrayList<>();
  final List<EdgeSession> agents = new ArrayList<>();
  NetServer echo;
  String caPem;
  java.nio.file.Path cert;
  java.nio.file.Path key;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    burrow.tls.DevCertificates.Pems pems = burrow.tls.DevCertificates.generate("localhost",
        List.of("127.0.0.2", "127.0.0.3"));
    caPem = pems.caCert();
    // one certificate for both nodes, valid for their addresses (as one for the region's DNS name in production)
    cert = java.nio.file.Files.createTempFile("edge", ".pem");
    key = java.nio.file.Files.createTempFile("edge", ".key");
    java.nio.file.Files.writeString(cert, pems.cert());
    java.nio.file.Files.writeString(key, pems.key());
    // the local service: answers each line with "echo:" and the line
    echo = vertx.createNetServer().connectHandler(so -> so.handler(b -> so.write("echo:" + b)))
        .listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void tearDown() throws IOException {
    for (EdgeSession a : agents) {
      a.close().await();
    }
    for (EdgeNode n : nodes) {
      n.close().await();
    }
    java.nio.file.Files.deleteIfExists(cert);
    java.nio.file.Files.deleteIfExists(key);
  }

  EdgeNode node(String ip, String seed, long grace) {
    EdgeOptions eo = new EdgeOptions().setHost(ip).setHttpPort(-1).setHttpsPort(-1).setControlPort(0).setTlsPort(0)
        .setInstances(1).setCertPath(cert.toString()).setKeyPath(key.toString());
    ClusterOptions co = new ClusterOptions().setClusterName(clusterName).setClusterPort(0).setRelayPort(0)
        .setManagementPort(0).setSecret("test-secret").setGrace(grace).setDrainTimeout(2_000)
        .setMembers(seed == null ? List.of() : List.of(seed));
    EdgeNode n = EdgeNode.start(eo, co, new RegistryOptions(), EdgeNode.RegistryMode.NONE).await();
    nodes.add(n);
    return n;
  }

  EdgeSession agent(Vertx vertx, String ip, EdgeNode first, List<String> alternates, String remoteAddr, long backoff) {
    SessionOptions so = new SessionOptions().setServerHost(ip).setServerPort(first.edge().controlPort())
        .setRootCasPem(caPem).setMinBackoff(backoff).setMaxBackoff(backoff * 2).setAlternateServerAddrs(alternates);
    TunnelDefinition t = new TunnelDefinition("t", "tcp", "127.0.0.1:" + echo.actualPort(), null, null, null, null,
        null, false, remoteAddr, null, null, null, null);
    EdgeSession s = new EdgeSession(vertx, so, List.of(t), new SessionListener() { });
    agents.add(s);
    return s;
  }

  /** Connects to ip:port, sends {@code line}, and returns what came back (read with a 10 s timeout). */
  static String roundTrip(String ip, int port, String line) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ip, port), 5_000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      byte[] want = ("echo:" + line).getBytes(StandardCharsets.UTF_8);
      byte[] got = new byte[want.length];
      int n = 0;
      while (n < got.length) {
        int r = in.read(got, n, got.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return new String(got, 0, n, StandardCharsets.UTF_8);
    }
  }

  static void within(long millis, String what, BooleanSupplier done, Vertx vertx) {
    long deadline = System.currentTimeMillis() + millis;
    while (!done.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waiting for " + what).isLessThan(deadline);
      vertx.timer(20).await();
    }
  }

  @Test
  void everyNodeListensOnTheTunnelsPortAndRelaysIt(Vertx vertx) throws Exception {
    EdgeNode a = node("127.0.0.2", null, 5_000);
    EdgeNode b = node("127.0.0.3", a.memberAddress(), 5_000);
    EdgeSession s = agent(vertx, "127.0.0.2", a, List.of(), null, 50);
    URI url = URI.create(s.start().await().get("t").get(0));
    int port = url.getPort();
    assertThat(url.getHost()).isEqualTo("127.0.0.2");
    within(10_000, "node B to follow port " + port, () -> b.edge().tcp().followed().contains(port), vertx);

    assertThat(roundTrip("127.0.0.2", port, "direct")).isEqualTo("echo:direct");
    for (int i = 0; i < 10; i++) {
      assertThat(roundTrip("127.0.0.3", port, "relayed-" + i)).isEqualTo("echo:relayed-" + i);
    }
    assertThat(b.edge().tcp().size()).isZero();                 // B holds no agent's port: it only relays
    assertThat(a.edge().tcp().followed()).doesNotContain(port);

    // the port is the agent's across the cluster: another agent asking for it on B is refused with a code
    EdgeSession other = agent(vertx, "127.0.0.3", b, List.of(), "127.0.0.3:" + port, 50);
    assertThatThrownBy(() -> other.start().await()).isInstanceOfSatisfying(BurrowException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.ADDRESS_TAKEN));
    assertThat(roundTrip("127.0.0.3", port, "still")).isEqualTo("echo:still");
  }

  @Test
  void whenTheOwnerDiesTheAgentKeepsItsPortOnAnotherNodeAndHeldConnectionsAreServed(Vertx vertx) throws Exception {
    EdgeNode a = node("127.0.0.2", null, 8_000);
    EdgeNode b = node("127.0.0.3", a.memberAddress(), 8_000);
    // the agent reconnects slowly (1.5 s backoff), so the connection below surely arrives before it is back
    EdgeSession s = agent(vertx, "127.0.0.2", a, List.of("127.0.0.3:" + b.edge().controlPort()), null, 1_500);
    int port = URI.create(s.start().await().get("t").get(0)).getPort();
    within(10_000, "node B to follow port " + port, () -> b.edge().tcp().followed().contains(port), vertx);

    a.close().await();                                          // the owner's node goes away
    nodes.remove(a);
    // a connection made now, before the agent is back, is held and then served
    assertThat(b.edge().tcp().size()).isZero();
    assertThat(roundTrip("127.0.0.3", port, "held")).isEqualTo("echo:held");
    within(10_000, "the agent to be back on B", () -> s.isConnected() && b.edge().tcp().size() == 1, vertx);
    assertThat(URI.create(s.urls().get("t").get(0)).getPort()).isEqualTo(port);
    assertThat(roundTrip("127.0.0.3", port, "after")).isEqualTo("echo:after");
  }

  @Test
  void aTlsConnectionToTheOtherNodeIsRelayedByItsServerName(Vertx vertx) throws Exception {
    burrow.tls.DevCertificates.Pems local = burrow.tls.DevCertificates.generate("localhost", List.of());
    java.nio.file.Path localCa = java.nio.file.Files.createTempFile("local-ca", ".pem");
    java.nio.file.Files.writeString(localCa, local.caCert());
    // the local TLS service: answers one line with "pong <line> sni=<name>"; the edges never see inside
    NetServer tls = vertx.createNetServer(new io.vertx.core.net.NetServerOptions().setSsl(true).setSni(true)
            .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                .setCertValue(io.vertx.core.buffer.Buffer.buffer(local.cert()))
                .setKeyValue(io.vertx.core.buffer.Buffer.buffer(local.key()))))
        .connectHandler(so -> so.handler(b -> so.write("pong " + b.toString().trim() + " sni=" + so.indicatedServerName()
            + "\n").onComplete(v -> so.close())))
        .listen(0, "127.0.0.1").await();
    try {
      EdgeNode a = node("127.0.0.2", null, 5_000);
      EdgeNode b = node("127.0.0.3", a.memberAddress(), 5_000);
      SessionOptions so = new SessionOptions().setServerHost("127.0.0.2").setServerPort(a.edge().controlPort())
          .setRootCasPem(caPem).setMinBackoff(50).setMaxBackoff(100);
      TunnelDefinition t = new TunnelDefinition("s", "tls", "127.0.0.1:" + tls.actualPort(), "sec", null, null, null,
          null, false, null, null, null, null, null);
      EdgeSession s = new EdgeSession(vertx, so, List.of(t), new SessionListener() { });
      agents.add(s);
      assertThat(s.start().await().get("s").get(0)).startsWith("tls://sec.localhost:");
      assertThat(b.edge().tls().names().lookup("sec.localhost")).isNull();   // B does not hold it

      Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.3:" + b.edge().tlsPort(),
          "-servername", "sec.localhost", "-CAfile", localCa.toString(), "-verify_return_error", "-ign_eof")
          .redirectErrorStream(true).start();
      p.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out).contains("Verify return code: 0 (ok)").contains("pong ping sni=sec.localhost");
    } finally {
      tls.close().await();
      java.nio.file.Files.deleteIfExists(localCa);
    }
  }
}
