package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, as a user runs it: {@code bin/burrow http <port>} as a separate process with no server
 * configured starts the embedded edge, prints the URLs, and curl fetches both; a second {@code bin/burrow http} joins
 * the running edge instead of failing.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class QuickStartIT {
  @TempDir
  Path home;
  HttpServer upstream;
  final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void upstream() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      byte[] body = ("hello from upstream " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    upstream.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    upstream.stop(0);
  }

  @Test
  void quickStartPrintsUrlsThatCurlOpens() throws Exception {
    int http = freePort();
    int https = freePort();
    int control = freePort();
    Map<String, String> env = Map.of("BURROW_HOME", home.toString(), "BURROW_DEV_HTTP_PORT", String.valueOf(http),
        "BURROW_DEV_HTTPS_PORT", String.valueOf(https), "BURROW_DEV_CONTROL_PORT", String.valueOf(control),
        "BURROW_DEV_REGISTRY_PORT", String.valueOf(freePort()), "BURROW_DEV_TLS_PORT", String.valueOf(freePort()));
    int port = upstream.getAddress().getPort();

    Lines first = launch(env, "http", String.valueOf(port));
    String notice = first.await("embedded edge", Duration.ofSeconds(90));
    assertThat(notice).contains("started an embedded edge");
    String httpsLine = first.await("Forwarding .*https://", Duration.ofSeconds(60));
    String httpLine = first.await("Forwarding .*http://", Duration.ofSeconds(60));
    String httpUrl = url(httpLine, "http://[0-9a-f]{8}\\.localhost:" + http);
    String httpsUrl = url(httpsLine, "https://[0-9a-f]{8}\\.localhost:" + https);

    assertThat(curl(httpUrl + "/quick?start=1")).isEqualTo("hello from upstream /quick?start=1");
    Path ca = home.resolve("dev/ca.pem");
    assertThat(Files.exists(ca)).isTrue();
    assertThat(curl("--cacert", ca.toString(), httpsUrl + "/tls")).isEqualTo("hello from upstream /tls");

    Lines second = launch(env, "http", "-subdomain=second", String.valueOf(port));
    assertThat(second.await("joined the embedded edge", Duration.ofSeconds(90))).isNotNull();
    String secondLine = second.await("Forwarding .*http://second", Duration.ofSeconds(60));
    assertThat(curl(url(secondLine, "http://second\\.localhost:" + http) + "/two")).isEqualTo("hello from upstream /two");
  }

  private Lines launch(Map<String, String> env, String... args) throws IOException {
    Path root = Path.of(System.getProperty("burrow.root", "..")).toAbsolutePath().normalize();
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("bin/burrow").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return new Lines(p);
  }

  private static String url(String line, String regex) {
    Matcher m = Pattern.compile(regex).matcher(line);
    assertThat(m.find()).as("URL %s in line %s", regex, line).isTrue();
    return m.group();
  }

  private static String curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("curl %s: %s", cmd, out).isZero();
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A process's output lines, read on a thread, awaited by pattern with a deadline. */
  static final class Lines {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    Lines(Process p) {
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, "burrow-output");
      t.setDaemon(true);
      t.start();
    }

    String await(String regex, Duration timeout) throws InterruptedException {
      Pattern pattern = Pattern.compile(regex);
      Instant deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        String line = lines.poll(Duration.between(Instant.now(), deadline).toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
          break;
        }
        seen.append(line).append('\n');
        if (pattern.matcher(line).find()) {
          return line;
        }
      }
      throw new AssertionError("no line matching " + regex + " within " + timeout + "; output so far:\n" + seen);
    }

    /** @return every line seen so far and those still queued (call after the process ended) */
    String drain() {
      List<String> rest = new ArrayList<>();
      lines.drainTo(rest);
      rest.forEach(l -> seen.append(l).append('\n'));
      return seen.toString();
    }
  }
}
