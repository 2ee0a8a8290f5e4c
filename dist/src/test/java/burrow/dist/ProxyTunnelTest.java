package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.config.ProxyConfig;
import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.agent.session.SessionOptions;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent reaches the edge through real proxies from Debian: tinyproxy (HTTP CONNECT with basic credentials) and
 * dante (SOCKS5), each started on a free loopback port with a generated config. A refusing or unreachable proxy gives
 * BRW-110 and the reconnect loop keeps trying.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyTunnelTest {
  @TempDir
  Path dir;
  DevStack dev;
  HttpServer upstream;
  EdgeSession agent;
  HttpClient client;
  final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = vertx.createHttpServer().requestHandler(req -> req.response().end("proxied " + req.uri()))
        .listen(0, "127.0.0.1").await();
    dev = DevStack.start(vertx).await();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (agent != null) {
      agent.close().await();
    }
    dev.close().await();
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void httpConnectProxyWithCredentials(Vertx vertx) throws Exception {
    int port = tinyproxy("alice", "s3cret");
    String body = tunnelThrough(vertx, ProxyConfig.parse("http://alice:s3cret@127.0.0.1:" + port, "http"));
    assertThat(body).isEqualTo("proxied /via-proxy");
    assertThat(Files.readString(dir.resolve("tinyproxy.log"))).contains("CONNECT 127.0.0.1:" + dev.edge.controlPort());
  }

  @Test
  void socks5Proxy(Vertx vertx) throws Exception {
    int port = dante();
    String body = tunnelThrough(vertx, ProxyConfig.parse("socks5://127.0.0.1:" + port, "socks5"));
    assertThat(body).isEqualTo("proxied /via-proxy");
    assertThat(Files.readString(dir.resolve("danted.log"))).contains("127.0.0.1." + dev.edge.controlPort());
  }

  @Test
  void proxyRejectingCredentialsIsNamedAndRetried(Vertx vertx) throws Exception {
    int port = tinyproxy("alice", "s3cret");
    List<Throwable> failures = retries(vertx, ProxyConfig.parse("http://alice:wrong@127.0.0.1:" + port, "http"), 3);
    assertThat(failures).hasSize(3).allSatisfy(f -> {
      assertThat(((BurrowException) f).code()).isEqualTo(ErrorCode.PROXY_FAILED);
      assertThat(f.getMessage()).contains("HTTP proxy 127.0.0.1:" + port + " refused").contains("status: 40")
          .doesNotContain("wrong");
    });
  }

  @Test
  void unreachableProxyIsNamedAndRetried(Vertx vertx) throws Exception {
    int closed = freePort();
    List<Throwable> failures = retries(vertx, ProxyConfig.parse("socks5://127.0.0.1:" + closed, "socks5"), 3);
    assertThat(failures).hasSize(3).allSatisfy(f -> {
      assertThat(((BurrowException) f).code()).isEqualTo(ErrorCode.PROXY_FAILED);
      assertThat(f.getMessage()).contains("cannot reach the SOCKS5 proxy 127.0.0.1:" + closed);
    });
  }

  private String tunnelThrough(Vertx vertx, ProxyConfig proxy) {
    SessionOptions so = dev.sessionOptions().setProxy(proxy.toOptions());
    agent = new EdgeSession(vertx, so, List.of(TunnelDefinition.http("web", "127.0.0.1:" + upstream.actualPort())),
        new SessionListener() { });
    var urls = agent.start().await();
    URI u = URI.create(urls.get("web").stream().filter(s -> s.startsWith("http:")).findFirst().orElseThrow());
    return Http.exchange(client, new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(dev.edge.httpPort())
            .setURI("/via-proxy").putHeader("Host", u.getHost() + ":" + u.getPort())).await().text();
  }

  /** Starts an agent through {@code proxy} and collects the first {@code n} failed attempts of its reconnect loop. */
  private List<Throwable> retries(Vertx vertx, ProxyConfig proxy, int n) {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Promise<List<Throwable>> enough = Promise.promise();
    SessionOptions so = dev.sessionOptions().setProxy(proxy.toOptions()).setMinBackoff(20).setMaxBackoff(50);
    agent = new EdgeSession(vertx, so, List.of(TunnelDefinition.http("web", "127.0.0.1:" + upstream.actualPort())),
        new SessionListener() {
          @Override
          public void onReconnecting(Throwable cause, long retryInMillis) {
            failures.add(cause);
            if (failures.size() == n) {
              enough.tryComplete(List.copyOf(failures));
            }
          }
        });
    agent.startRetrying();
    return enough.future().await();
  }

  private int tinyproxy(String user, String pass) throws Exception {
    int port = freePort();
    Path conf = dir.resolve("tinyproxy.conf");
    Files.writeString(conf, String.join("\n", "Port " + port, "Listen 127.0.0.1", "Timeout 60", "Allow 127.0.0.1",
        "BasicAuth " + user + " " + pass, "LogLevel Connect", "LogFile \"" + dir.resolve("tinyproxy.log") + "\"",
        "PidFile \"" + dir.resolve("tinyproxy.pid") + "\"", ""));
    start(port, "/usr/bin/tinyproxy", "-d", "-c", conf.toString());
    return port;
  }

  private int dante() throws Exception {
    int port = freePort();
    Path conf = dir.resolve("danted.conf");
    Files.writeString(conf, String.join("\n", "logoutput: " + dir.resolve("danted.log"),
        "internal: 127.0.0.1 port = " + port, "external: 127.0.0.1", "clientmethod: none", "socksmethod: none",
        "user.privileged: root", "user.unprivileged: nobody",
        "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }",
        "socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect disconnect }", ""));
    start(port, "/usr/sbin/danted", "-f", conf.toString(), "-N", "1");
    return port;
  }

  private void start(int port, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("proxy.out").toFile()).start();
    processes.add(p);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          throw new AssertionError(cmd[0] + " exited: " + Files.readString(dir.resolve("proxy.out")));
        }
        p.waitFor(50, TimeUnit.MILLISECONDS); // poll with a deadline, not a sleep: returns early if it dies
      }
    }
    throw new AssertionError(cmd[0] + " did not listen on " + port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

}
