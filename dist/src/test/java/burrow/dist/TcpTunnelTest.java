package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.tls.DevCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** TCP tunnels: half-close both ways, resets both ways, remote addresses, the same address after a reconnect. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpTunnelTest {
  TcpTestKit kit;

  @BeforeEach
  void setUp(Vertx vertx) {
    kit = new TcpTestKit(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    kit.close();
  }

  @Test
  void clientThatShutsItsWriteSideGetsTheWholeReply() throws Exception {
    ServerSocket local = kit.server(s -> {
      byte[] got = TcpTestKit.readAll(s.getInputStream());      // until the client's FIN
      s.getOutputStream().write(("got " + got.length + " bytes: " + new String(got, StandardCharsets.UTF_8))
          .getBytes(StandardCharsets.UTF_8));
    });
    int port = kit.publicPort(TcpTestKit.tcp("t", local.getLocalPort(), null, null));
    try (Socket c = new Socket("127.0.0.1", port)) {
      c.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
      c.shutdownOutput();
      assertThat(new String(TcpTestKit.readAll(c.getInputStream()), StandardCharsets.UTF_8))
          .isEqualTo("got 5 bytes: hello");
    }
  }

  @Test
  void serverThatShutsItsWriteSideStillReadsTheClient() throws Exception {
    CompletableFuture<String> serverGot = new CompletableFuture<>();
    ServerSocket local = kit.server(s -> {
      s.getOutputStream().write("banner".getBytes(StandardCharsets.UTF_8));
      s.shutdownOutput();
      serverGot.complete(new String(TcpTestKit.readAll(s.getInputStream()), StandardCharsets.UTF_8));
    });
    int port = kit.publicPort(TcpTestKit.tcp("t", local.getLocalPort(), null, null));
    try (Socket c = new Socket("127.0.0.1", port)) {
      assertThat(new String(TcpTestKit.readAll(c.getInputStream()), StandardCharsets.UTF_8)).isEqualTo("banner");
      c.getOutputStream().write("after your FIN".getBytes(StandardCharsets.UTF_8));
      c.shutdownOutput();
      assertThat(serverGot.get(20, TimeUnit.SECONDS)).isEqualTo("after your FIN");
    }
  }

  @Test
  void clientResetResetsTheLocalConnection() throws Exception {
    CompletableFuture<Throwable> serverSaw = new CompletableFuture<>();
    CompletableFuture<Void> accepted = new CompletableFuture<>();
    ServerSocket local = kit.server(s -> {
      InputStream in = s.getInputStream();
      in.read();
      accepted.complete(null);
      try {
        while (in.read() >= 0) {
          // drain until the reset
        }
        serverSaw.complete(null);
      } catch (Exception e) {
        serverSaw.complete(e);
      }
    });
    int port = kit.publicPort(TcpTestKit.tcp("t", local.getLocalPort(), null, null));
    Socket c = new Socket("127.0.0.1", port);
    c.getOutputStream().write('x');
    accepted.get(20, TimeUnit.SECONDS);
    c.setSoLinger(true, 0);
    c.close();                                               // RST
    assertThat(serverSaw.get(20, TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
        .hasMessageContaining("reset");
  }

  @Test
  void localResetResetsThePublicConnection() throws Exception {
    ServerSocket local = kit.server(s -> {
      s.getInputStream().read();
      s.setSoLinger(true, 0);
      s.close();                                             // RST
    });
    int port = kit.publicPort(TcpTestKit.tcp("t", local.getLocalPort(), null, null));
    try (Socket c = new Socket("127.0.0.1", port)) {
      c.setSoTimeout(20_000);
      OutputStream out = c.getOutputStream();
      out.write('x');
      assertThatThrownBy(() -> {
        InputStream in = c.getInputStream();
        while (in.read() >= 0) {
          // until the reset
        }
      }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }
  }

  @Test
  void unreachableLocalServiceClosesThePublicConnection() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    int port = kit.publicPort(TcpTestKit.tcp("t", dead, null, null));
    try (Socket c = new Socket("127.0.0.1", port)) {
      c.setSoTimeout(20_000);
      assertThatThrownBy(() -> {
        if (c.getInputStream().read() < 0) {
          throw new SocketException("connection reset (EOF)");
        }
      }).isInstanceOf(SocketException.class);
    }
  }

  @Test
  void remoteAddrGivesThatPortAndATakenOneFailsWithACode() throws Exception {
    ServerSocket local = kit.server(s -> s.getOutputStream().write('!'));
    int wanted = TcpTestKit.freePortInRange();
    int port = kit.publicPort(TcpTestKit.tcp("t", local.getLocalPort(), "127.0.0.1:" + wanted, null));
    assertThat(port).isEqualTo(wanted);
    try (Socket c = new Socket("127.0.0.1", port)) {
      assertThat(c.getInputStream().read()).isEqualTo('!');
    }
    EdgeSession other = kit.agent(TcpTestKit.tcp("t", local.getLocalPort(), "127.0.0.1:" + wanted, null));
    assertThatThrownBy(() -> other.start().await())
        .isInstanceOfSatisfying(BurrowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ADDRESS_TAKEN));
  }

  @Test
  void sameAddressComesBackAfterTheEdgeRestarts(Vertx vertx, @TempDir Path dir) throws Exception {
    DevCertificates.Files3 ca = DevCertificates.ensure(dir, "localhost");   // both edges sign with one CA
    kit.close();
    kit = new TcpTestKit(vertx, TcpTestKit.options().setCaCertPath(ca.caCert().toString())
        .setCaKeyPath(ca.caKey().toString()));
    ServerSocket local = kit.server(s -> s.getOutputStream().write('!'));
    EdgeSession agent = new EdgeSession(vertx, kit.dev.sessionOptions().setRootCasPem(Files.readString(ca.caCert())),
        List.of(TcpTestKit.tcp("t", local.getLocalPort(), null, null)), new SessionListener() { });
    kit.agents.add(agent);
    String url = agent.start().await().get("t").get(0);
    int control = kit.dev.edge.controlPort();
    kit.dev.close().await();
    DevStack again = DevStack.start(vertx, TcpTestKit.options().setControlPort(control)
        .setCaCertPath(ca.caCert().toString()).setCaKeyPath(ca.caKey().toString())).await();
    kit.closeables.add(() -> again.close().await());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    // the port is registered before its listener is up, so also wait until it accepts
    while (!(agent.isConnected() && url.equals(agent.urls().get("t").get(0)) && again.edge.tcp().size() == 1
        && accepts(URI.create(url).getPort()))) {
      assertThat(System.nanoTime()).as("agent rebinds %s: connected %s, urls %s, ports %s", url, agent.isConnected(), agent.urls(), again.edge.tcp().size()).isLessThan(deadline);
      vertx.timer(20).await();
    }
    try (Socket c = new Socket("127.0.0.1", URI.create(url).getPort())) {
      assertThat(c.getInputStream().read()).isEqualTo('!');
    }
  }

  private static boolean accepts(int port) {
    try (Socket probe = new Socket()) {
      probe.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
