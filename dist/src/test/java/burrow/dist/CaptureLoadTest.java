package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.inspect.Capture;
import burrow.agent.inspect.InspectOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The capture store stays within inspect_db_size under large bodies, while every body still arrives whole. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class CaptureLoadTest {
  InspectStack stack;

  @AfterEach
  void tearDown() {
    if (stack != null) {
      stack.close().await();
    }
  }

  static Buffer body(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) ('a' + (i * 31 + seed) % 26);
    }
    return Buffer.buffer(b);
  }

  @Test
  void storeNeverExceedsInspectDbSize(Vertx vertx) {
    long cap = 1_000_000;
    stack = new InspectStack(vertx).start(new InspectOptions().setDbSize(Long.getLong("loadCap", cap)).setMaxBody(64 * 1024), true).await();
    List<Future<Void>> all = new ArrayList<>();
    int n = Integer.getInteger("loadN", 24);
    for (int i = 0; i < n; i++) {
      // 20 KB .. 204 KB, some past the 64 KiB body cap, four exchanges in flight: large request bodies (echoed back)
      // and large responses alternate
      int size = 20_000 + i * 8_000;
      if (i % 2 == 0) {
        Buffer body = body(size, i);
        all.add(stack.bodyVia(HttpMethod.POST, "/echo/" + size, "application/octet-stream", body).map(got -> {
          assertThat(got).isEqualTo(body);
          return null;
        }));
      } else {
        all.add(stack.bodyVia(HttpMethod.GET, "/big/" + size, null, null).map(got -> {
          assertThat(got.length()).isEqualTo(size);
          return null;
        }));
      }
      if (all.size() == 4) {
        Future.all(all).await();
        all.clear();
      }
    }
    Future.all(all).await();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (stack.store.list(0, null).stream().anyMatch(c -> !c.isComplete())) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Future.future(p -> vertx.setTimer(10, t -> p.complete())).await();
    }
    assertThat(stack.store.highWater()).isLessThanOrEqualTo(cap).isGreaterThan(cap / 2);
    assertThat(stack.store.used()).isLessThanOrEqualTo(cap);
    assertThat(stack.store.size()).isBetween(1, n - 1);          // older ones were evicted
    assertThat(stack.seen).hasSize(n);
    // what is kept is what was sent, up to the body cap
    for (Capture c : stack.store.list(0, null)) {
      JsonObject j = c.toJson(false);
      String uri = j.getJsonObject("request").getString("uri");
      int size = Integer.parseInt(uri.substring(uri.lastIndexOf('/') + 1));
      assertThat(j.getJsonObject("response").getBoolean("truncated")).isEqualTo(size > 64 * 1024);
      if (uri.startsWith("/echo/")) {
        assertThat(j.getJsonObject("request").getBoolean("truncated")).isEqualTo(size > 64 * 1024);
      }
    }
  }

  @Test
  void bodyLargerThanTheWholeStoreStreamsUncaptured(Vertx vertx) {
    long cap = 300_000;
    stack = new InspectStack(vertx).start(new InspectOptions().setDbSize(cap), true).await();
    Buffer big = body(3_000_000, 7);
    Buffer echo = stack.bodyVia(HttpMethod.POST, "/echo/big", "application/octet-stream", big).await();
    assertThat(echo).isEqualTo(big);
    assertThat(stack.store.highWater()).isLessThanOrEqualTo(cap);
    assertThat(stack.store.list(0, null)).hasSize(1);
    assertThat(stack.store.list(0, null).get(0).replayable()).isFalse();
  }

  @Test
  void minusOneDisablesCapture(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions().setDbSize(-1), true).await();
    Buffer echo = stack.bodyVia(HttpMethod.POST, "/echo/x", "text/plain", Buffer.buffer("hello")).await();
    assertThat(echo.toString()).isEqualTo("hello");
    assertThat(stack.store.size()).isZero();
    assertThat(stack.api(HttpMethod.GET, "/api/requests/http", null).await().json().getJsonArray("requests")).isEmpty();
  }
}
