package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console UI as a user sees it, in a real terminal (tmux): {@code bin/burrow http <port>} shows the session
 * status, the Forwarding lines, the connections table and the last requests, redraws on resize, and Ctrl-C restores
 * the terminal. Without a terminal, the lifecycle lines go to {@code --log=stdout} and no token is printed.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConsoleUiIT {
  @TempDir
  Path home;
  HttpServer upstream;
  String session;
  final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void upstream() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      byte[] body = "hi".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    upstream.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (session != null) {
      exec("tmux", "kill-session", "-t", session);
    }
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    upstream.stop(0);
  }

  Map<String, String> env() throws IOException {
    return Map.of("BURROW_HOME", home.toString(), "BURROW_DEV_HTTP_PORT", String.valueOf(freePort()),
        "BURROW_DEV_HTTPS_PORT", String.valueOf(freePort()), "BURROW_DEV_CONTROL_PORT", String.valueOf(freePort()),
        "BURROW_DEV_REGISTRY_PORT", String.valueOf(freePort()));
  }

  @Test
  void consoleShowsStatusForwardingConnectionsAndRequests() throws Exception {
    session = "burrow-ui-" + UUID.randomUUID().toString().substring(0, 8);
    // the shell traps INT (a handler, not an ignore, so burrow still gets Ctrl-C) to survive and print EXITED
    StringBuilder cmd = new StringBuilder("trap 'echo INT' INT; env");
    env().forEach((k, v) -> cmd.append(' ').append(k).append('=').append(v));
    cmd.append(' ').append(root().resolve("bin/burrow")).append(" http ").append(upstream.getAddress().getPort())
        .append("; echo EXITED rc=$?; sleep 60");
    exec("tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", cmd.toString());

    String screen = awaitScreen(s -> s.contains("Session Status") && s.contains("online") && s.contains("Forwarding"),
        Duration.ofSeconds(120));
    assertThat(screen).contains("Version").contains("Region").contains("Web Interface")
        .contains("Connections").contains("ttl     opn     rt1     rt5     p50     p90");
    Matcher m = Pattern.compile("Forwarding\\s+(http://[0-9a-f]{8}\\.localhost:\\d+) -> http://localhost:\\d+").matcher(screen);
    assertThat(m.find()).as("http Forwarding line in:%n%s", screen).isTrue();
    String url = m.group(1);

    assertThat(curl(url + "/console-check?x=1")).isEqualTo("hi");
    screen = awaitScreen(s -> s.contains("/console-check?x=1") && s.contains("200 OK"), Duration.ofSeconds(20));
    assertThat(screen).contains("HTTP Requests").containsPattern("GET\\s+/console-check\\?x=1\\s+200 OK");
    assertThat(screen).containsPattern("\\n\\s+1\\s+0\\s+\\d+\\.\\d\\d");

    exec("tmux", "resize-window", "-t", session, "-x", "60", "-y", "20");
    screen = awaitScreen(s -> s.lines().findFirst().orElse("").contains("(Ctrl+C to quit)")
        && s.lines().findFirst().orElse("").stripTrailing().length() <= 60, Duration.ofSeconds(20));
    assertThat(screen).contains("Session Status");

    exec("tmux", "send-keys", "-t", session, "C-c");
    screen = awaitScreen(s -> s.contains("EXITED"), Duration.ofSeconds(30));
    assertThat(screen).doesNotContain("Session Status"); // the alternate screen is gone: the terminal is restored
  }

  @Test
  void withoutATerminalLifecycleLinesGoToTheLog() throws Exception {
    List<String> cmd = List.of(root().resolve("bin/burrow").toString(), "http", "--log=stdout", "--log-format=logfmt",
        "-authtoken=tok_VERY_SECRET_42", "--auth=user:pa55word", String.valueOf(upstream.getAddress().getPort()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env());
    Process p = pb.start();
    processes.add(p);
    QuickStartIT.Lines lines = new QuickStartIT.Lines(p);
    assertThat(lines.await("msg=\"client session established\"", Duration.ofSeconds(120))).startsWith("t=").contains("lvl=info");
    String started = lines.await("msg=\"started tunnel\"", Duration.ofSeconds(30));
    assertThat(started).containsPattern("obj=tunnels name=command_line addr=http://localhost:\\d+ url=https?://[0-9a-f]{8}\\.localhost:\\d+");
    String httpLine = lines.await("Forwarding\\s+http://", Duration.ofSeconds(30));
    Matcher m = Pattern.compile("http://[0-9a-f]{8}\\.localhost:\\d+").matcher(httpLine);
    assertThat(m.find()).isTrue();
    assertThat(curl("-u", "user:pa55word", m.group() + "/logged")).isEqualTo("hi");
    String req = lines.await("msg=request", Duration.ofSeconds(20));
    assertThat(req).contains("method=GET").contains("uri=/logged").contains("status=200");
    p.destroy();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String all = lines.drain();
    assertThat(all).doesNotContain("tok_VERY_SECRET_42").doesNotContain("pa55word");
  }

  private String awaitScreen(Predicate<String> ok, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      last = exec("tmux", "capture-pane", "-p", "-t", session);
      if (ok.test(last)) {
        return last;
      }
      // poll interval: wait on a delayed future (the screen has no event to wait on)
      CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS)).join();
    }
    throw new AssertionError("screen never matched within " + timeout + "; last screen:\n" + last);
  }

  private static String exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }

  private static String curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("curl %s: %s", cmd, out).isZero();
    return out;
  }

  private static Path root() {
    return Path.of(System.getProperty("burrow.root", "..")).toAbsolutePath().normalize();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
