package burrow.dist;

import static burrow.dist.Shapes.assertSameShape;
import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.inspect.InspectOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client API at web_addr, response by response against the manual's examples. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class InspectApiTest {
  InspectStack stack;

  @AfterEach
  void tearDown() {
    if (stack != null) {
      stack.close().await();
    }
  }

  @Test
  void tunnelsListDetailStartStop(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions(), true).await();
    var list = stack.api(HttpMethod.GET, "/api/tunnels", null).await();
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.resp().getHeader("Content-Type")).isEqualTo("application/json");
    assertSameShape("list-tunnels", list.json());
    JsonArray ts = list.json().getJsonArray("tunnels");
    assertThat(ts).hasSize(2);
    assertThat(ts.getJsonObject(0).getString("name")).isEqualTo("web");
    assertThat(ts.getJsonObject(0).getString("proto")).isEqualTo("https");
    assertThat(ts.getJsonObject(0).getString("uri")).isEqualTo("/api/tunnels/web");
    assertThat(ts.getJsonObject(1).getString("name")).isEqualTo("web (http)");
    assertThat(ts.getJsonObject(1).getString("public_url")).startsWith("http://");
    assertThat(ts.getJsonObject(0).getJsonObject("config").getString("addr")).isEqualTo("127.0.0.1:" + stack.upstream.actualPort());
    assertThat(ts.getJsonObject(0).getJsonObject("config").getBoolean("inspect")).isTrue();

    var detail = stack.api(HttpMethod.GET, "/api/tunnels/web%20(http)", null).await();
    assertThat(detail.status()).isEqualTo(200);
    assertSameShape("tunnel-detail", detail.json());
    assertThat(detail.json().getString("name")).isEqualTo("web (http)");

    var started = stack.api(HttpMethod.POST, "/api/tunnels", new JsonObject().put("addr", String.valueOf(stack.upstream.actualPort()))
        .put("proto", "http").put("name", "api-made").put("bind_tls", false).put("inspect", false)).await();
    assertThat(started.status()).isEqualTo(201);
    assertSameShape("start-tunnel", started.json());
    assertThat(started.json().getString("name")).isEqualTo("api-made");
    assertThat(started.json().getString("proto")).isEqualTo("http");
    assertThat(started.json().getJsonObject("config").getString("addr")).isEqualTo("localhost:" + stack.upstream.actualPort());
    assertThat(started.json().getJsonObject("config").getBoolean("inspect")).isFalse();
    String publicUrl = started.json().getString("public_url");
    // the new tunnel serves traffic
    var via = Http.exchange(stack.client, new RequestOptions().setHost("127.0.0.1")
        .setPort(java.net.URI.create(publicUrl).getPort()).setURI("/started")
        .putHeader("Host", java.net.URI.create(publicUrl).getAuthority())).await();
    assertThat(via.text()).isEqualTo("GET /started 0");
    assertThat(stack.api(HttpMethod.GET, "/api/tunnels", null).await().json().getJsonArray("tunnels")).hasSize(3);

    var stopped = stack.api(HttpMethod.DELETE, "/api/tunnels/api-made", null).await();
    assertThat(stopped.status()).isEqualTo(204);
    assertThat(stopped.body().length()).isZero();
    var gone = stack.api(HttpMethod.GET, "/api/tunnels/api-made", null).await();
    assertThat(gone.status()).isEqualTo(404);
    assertSameShape("error", gone.json());
    assertThat(gone.json().getInteger("status_code")).isEqualTo(404);
    assertThat(gone.json().getJsonObject("details").getString("code")).isEqualTo("BRW-163");
    // the edge no longer routes it
    var after = Http.exchange(stack.client, new RequestOptions().setHost("127.0.0.1")
        .setPort(java.net.URI.create(publicUrl).getPort()).setURI("/started")
        .putHeader("Host", java.net.URI.create(publicUrl).getAuthority())).await();
    assertThat(after.status()).isEqualTo(404);
    assertThat(stack.api(HttpMethod.DELETE, "/api/tunnels/api-made", null).await().status()).isEqualTo(404);
  }

  @Test
  void badTunnelDefinitionIs400(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions(), true).await();
    var bad = stack.api(HttpMethod.POST, "/api/tunnels", new JsonObject().put("proto", "http").put("name", "x")).await();
    assertThat(bad.status()).isEqualTo(400);
    assertSameShape("error", bad.json());
    var badAddr = stack.api(HttpMethod.POST, "/api/tunnels", new JsonObject().put("proto", "http").put("name", "x")
        .put("addr", "99999")).await();
    assertThat(badAddr.status()).isEqualTo(400);
    assertThat(badAddr.json().getJsonObject("details").getString("code")).isEqualTo("BRW-102");
    var dup = stack.api(HttpMethod.POST, "/api/tunnels", new JsonObject().put("proto", "http").put("name", "web")
        .put("addr", "80")).await();
    assertThat(dup.status()).isEqualTo(400);
  }

  @Test
  void startBeforeTheSessionIsUpIsARetryable503(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions(), false).await();
    JsonObject def = new JsonObject().put("addr", String.valueOf(stack.upstream.actualPort())).put("proto", "http")
        .put("name", "early");
    var early = stack.api(HttpMethod.POST, "/api/tunnels", def).await();
    assertThat(early.status()).isEqualTo(503);
    assertThat(early.resp().getHeader("Retry-After")).isEqualTo("1");
    assertSameShape("error", early.json());
    assertThat(early.json().getInteger("status_code")).isEqualTo(503);
    assertThat(early.json().getJsonObject("details").getString("code")).isEqualTo("BRW-207");
    stack.session.start().await();
    var retried = stack.api(HttpMethod.POST, "/api/tunnels", def).await();
    assertThat(retried.status()).isEqualTo(201);
    assertThat(retried.json().getString("name")).isEqualTo("early");
  }

  @Test
  void capturedRequestsListDetailReplayDelete(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions(), true).await();
    var r1 = stack.bodyVia(HttpMethod.POST, "/hook?x=1", "application/json", Buffer.buffer("{\"a\":1}")).await();
    assertThat(r1.toString()).isEqualTo("POST /hook?x=1 7");
    stack.bodyVia(HttpMethod.GET, "/second", null, null).await();
    awaitComplete(2);

    var list = stack.api(HttpMethod.GET, "/api/requests/http", null).await();
    assertThat(list.status()).isEqualTo(200);
    assertSameShape("list-requests", list.json());
    JsonArray reqs = list.json().getJsonArray("requests");
    assertThat(reqs).hasSize(2);
    assertThat(reqs.getJsonObject(0).getJsonObject("request").getString("uri")).isEqualTo("/second");   // newest first
    assertThat(stack.api(HttpMethod.GET, "/api/requests/http?limit=1", null).await().json().getJsonArray("requests")).hasSize(1);
    assertThat(stack.api(HttpMethod.GET, "/api/requests/http?tunnel_name=web%20(http)", null).await().json()
        .getJsonArray("requests")).hasSize(2);
    assertThat(stack.api(HttpMethod.GET, "/api/requests/http?tunnel_name=web", null).await().json()
        .getJsonArray("requests")).isEmpty();

    JsonObject first = reqs.getJsonObject(1);
    String id = first.getString("id");
    assertThat(id).matches("[0-9a-f]{16}");
    assertThat(first.getString("tunnel_name")).isEqualTo("web (http)");
    assertThat(first.getString("remote_addr")).isEqualTo("127.0.0.1");
    assertThat(first.getString("start")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d([+-]\\d\\d:\\d\\d|Z)");
    assertThat(first.getLong("duration")).isPositive();
    var detail = stack.api(HttpMethod.GET, "/api/requests/http/" + id, null).await();
    assertThat(detail.status()).isEqualTo(200);
    assertSameShape("request-detail", detail.json());
    JsonObject req = detail.json().getJsonObject("request");
    assertThat(req.getString("method")).isEqualTo("POST");
    assertThat(req.getString("proto")).isEqualTo("HTTP/1.1");
    assertThat(req.getJsonObject("headers").getJsonArray("Content-Type").getString(0)).isEqualTo("application/json");
    String rawReq = new String(Base64.getDecoder().decode(req.getString("raw")), StandardCharsets.ISO_8859_1);
    assertThat(rawReq).startsWith("POST /hook?x=1 HTTP/1.1\r\n").endsWith("\r\n\r\n{\"a\":1}");
    JsonObject resp = detail.json().getJsonObject("response");
    assertThat(resp.getString("status")).isEqualTo("200 OK");
    assertThat(resp.getInteger("status_code")).isEqualTo(200);
    String rawResp = new String(Base64.getDecoder().decode(resp.getString("raw")), StandardCharsets.ISO_8859_1);
    assertThat(rawResp).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nPOST /hook?x=1 7");

    var missing = stack.api(HttpMethod.GET, "/api/requests/http/ffffffff00000000", null).await();
    assertThat(missing.status()).isEqualTo(404);
    assertSameShape("error", missing.json());

    // replay: reaches the upstream again, is captured, and marked
    int before = stack.seen.size();
    var replay = stack.api(HttpMethod.POST, "/api/requests/http", new JsonObject().put("id", id)).await();
    assertThat(replay.status()).isEqualTo(204);
    assertThat(replay.body().length()).isZero();
    assertThat(stack.seen).hasSize(before + 1);
    assertThat(stack.seen).last().isEqualTo(new InspectStack.Seen("POST", "/hook?x=1", "{\"a\":1}"));
    JsonObject replayed = stack.api(HttpMethod.GET, "/api/requests/http?limit=1", null).await().json()
        .getJsonArray("requests").getJsonObject(0);
    assertSameShape("request-detail", replayed);
    assertThat(replayed.getString("replay_of")).isEqualTo(id);
    assertThat(replayed.getJsonObject("response").getInteger("status_code")).isEqualTo(200);
    // replay against another named tunnel
    assertThat(stack.api(HttpMethod.POST, "/api/requests/http", new JsonObject().put("id", id).put("tunnel_name", "web"))
        .await().status()).isEqualTo(204);
    assertThat(stack.api(HttpMethod.POST, "/api/requests/http", new JsonObject().put("id", id).put("tunnel_name", "nope"))
        .await().status()).isEqualTo(404);

    var cleared = stack.api(HttpMethod.DELETE, "/api/requests/http", null).await();
    assertThat(cleared.status()).isEqualTo(204);
    assertThat(stack.api(HttpMethod.GET, "/api/requests/http", null).await().json().getJsonArray("requests")).isEmpty();
  }

  @Test
  void webSocketExchangeIsListedWithIts101(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions(), true).await();
    var u = stack.httpUrl().await();
    // a raw handshake: what matters here is what the agent captured, not a WebSocket client's checks
    var so = vertx.createNetClient().connect(u.getPort(), "127.0.0.1").await();
    String head = Future.<String>future(p -> {
      Buffer acc = Buffer.buffer();
      so.handler(b -> {
        acc.appendBuffer(b);
        if (acc.toString().contains("\r\n\r\n")) {
          p.tryComplete(acc.toString());
        }
      });
      so.write("GET /ws/chat HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort() + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }).await();
    assertThat(head).startsWith("HTTP/1.1 101");
    awaitComplete(1);
    JsonObject c = stack.api(HttpMethod.GET, "/api/requests/http", null).await().json().getJsonArray("requests").getJsonObject(0);
    assertThat(c.getJsonObject("request").getString("uri")).isEqualTo("/ws/chat");
    assertThat(c.getJsonObject("response").getInteger("status_code")).isEqualTo(101);
    assertThat(c.getJsonObject("response").getString("status")).isEqualTo("101 Switching Protocols");
    so.close().await();
  }

  @Test
  void rootResource(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions(), true).await();
    var root = stack.api(HttpMethod.GET, "/api/", null).await();
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.json().getString("uri")).isEqualTo("/api");
    var unknown = stack.api(HttpMethod.GET, "/api/nothing", null).await();
    assertThat(unknown.status()).isEqualTo(404);
    assertSameShape("error", unknown.json());
  }

  /** Waits, polling with a deadline, until {@code n} captures have their response complete. */
  void awaitComplete(int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (stack.store.list(0, null).stream().filter(c -> c.isComplete()).count() < n) {
      assertThat(System.nanoTime()).as("captures completed in time").isLessThan(deadline);
      Future.future(p -> stack.vertx.setTimer(10, t -> p.complete())).await();
    }
  }
}
