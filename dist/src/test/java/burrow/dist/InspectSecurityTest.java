package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.inspect.InspectOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The local interface refuses what a hostile web page could send it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class InspectSecurityTest {
  InspectStack stack;

  @BeforeEach
  void setUp(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions(), true).await();
  }

  @AfterEach
  void tearDown() {
    stack.close().await();
  }

  HttpClientResponse send(HttpMethod m, String path, String host, String contentType, String body, String origin) {
    RequestOptions ro = new RequestOptions().setMethod(m).setHost("127.0.0.1").setPort(stack.webPort).setURI(path);
    if (host != null) {
      ro.putHeader("Host", host);
    }
    if (contentType != null) {
      ro.putHeader("Content-Type", contentType);
    }
    if (origin != null) {
      ro.putHeader("Origin", origin);
    }
    return Http.exchange(stack.client, ro, body == null ? null : Buffer.buffer(body)).map(Http.Reply::response)
        .timeout(20, TimeUnit.SECONDS).await();
  }

  @Test
  void dnsRebindingHostIsRefused() {
    for (String host : List.of("evil.example:" + stack.webPort, "attacker.localhost:" + stack.webPort,
        "127.0.0.1.nip.io:" + stack.webPort, "localhost.evil.example")) {
      HttpClientResponse r = send(HttpMethod.GET, "/api/tunnels", host, null, null, null);
      assertThat(r.statusCode()).as(host).isEqualTo(403);
      HttpClientResponse ui = send(HttpMethod.GET, "/inspect/http", host, null, null, null);
      assertThat(ui.statusCode()).as(host).isEqualTo(403);
    }
    for (String host : List.of("localhost:" + stack.webPort, "127.0.0.1:" + stack.webPort, "127.0.0.1", "[::1]:" + stack.webPort)) {
      assertThat(send(HttpMethod.GET, "/api/tunnels", host, null, null, null).statusCode()).as(host).isEqualTo(200);
    }
  }

  @Test
  void onlyJsonBodiesAreAccepted() {
    String form = "id=anything";
    for (String ct : new String[] {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", null}) {
      HttpClientResponse r = send(HttpMethod.POST, "/api/requests/http", "127.0.0.1:" + stack.webPort, ct, form, null);
      assertThat(r.statusCode()).as(String.valueOf(ct)).isEqualTo(415);
      HttpClientResponse t = send(HttpMethod.POST, "/api/tunnels", "127.0.0.1:" + stack.webPort, ct,
          "{\"name\":\"x\",\"proto\":\"http\",\"addr\":\"80\"}", null);
      assertThat(t.statusCode()).as(String.valueOf(ct)).isEqualTo(415);
    }
    assertThat(stack.seen).isEmpty();
    assertThat(stack.api(HttpMethod.GET, "/api/tunnels", null).await().json().getJsonArray("tunnels")).hasSize(2);
  }

  @Test
  void noPermissiveCors() {
    String origin = "http://evil.example";
    HttpClientResponse get = send(HttpMethod.GET, "/api/tunnels", null, null, null, origin);
    assertThat(get.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("access-control-"));
    HttpClientResponse preflight = Http.exchange(stack.client, new RequestOptions().setMethod(HttpMethod.OPTIONS)
            .setHost("127.0.0.1").setPort(stack.webPort).setURI("/api/tunnels")
            .putHeader("Origin", origin).putHeader("Access-Control-Request-Method", "POST")
            .putHeader("Access-Control-Request-Headers", "content-type"))
        .map(Http.Reply::response).timeout(20, TimeUnit.SECONDS).await();
    assertThat(preflight.statusCode()).isNotIn(200, 204);
    assertThat(preflight.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("access-control-"));
    HttpClientResponse ui = send(HttpMethod.GET, "/inspect/http", null, null, null, origin);
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.getHeader("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(ui.getHeader("X-Frame-Options")).isEqualTo("DENY");
  }

  @Test
  void curlFormPostIsRefused() throws Exception {
    // curl -d sends application/x-www-form-urlencoded, as an HTML form would
    Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*",
        "-d", "{\"id\":\"x\"}", "http://127.0.0.1:" + stack.webPort + "/api/requests/http").redirectErrorStream(true).start();
    String code;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      code = r.lines().collect(Collectors.joining());
    }
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(code).isEqualTo("415");
    Process ok = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*",
        "-H", "Content-Type: application/json", "-d", new JsonObject().put("id", "nope").encode(),
        "http://localhost:" + stack.webPort + "/api/requests/http").redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(ok.getInputStream(), StandardCharsets.UTF_8))) {
      code = r.lines().collect(Collectors.joining());
    }
    assertThat(ok.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(code).isEqualTo("404");
  }
}
