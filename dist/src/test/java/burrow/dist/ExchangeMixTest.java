package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.inspect.InspectOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many exchanges of mixed shape (tiny and large request bodies, large responses, echoes) on new public connections,
 * several in flight, so public connections land on every edge event loop while the agent's session lives on one:
 * every exchange must complete whole, with capture on and off. A stalled exchange fails with both sides' stream state.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 170, timeUnit = TimeUnit.SECONDS)
class ExchangeMixTest {
  InspectStack stack;

  @AfterEach
  void tearDown() {
    if (stack != null) {
      stack.close().await();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, 2_000_000})
  void mixedExchangesAllComplete(long dbSize, Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions().setDbSize(dbSize).setMaxBody(64 * 1024), true).await();
    Random rnd = new Random(dbSize);
    int rounds = Integer.getInteger("mixRounds", 40);
    int inFlight = 4;
    int done = 0;
    for (int r = 0; r < rounds; r++) {
      List<Future<Void>> batch = new ArrayList<>();
      for (int k = 0; k < inFlight; k++) {
        int kind = rnd.nextInt(4);
        int size = kind == 0 ? 1 + rnd.nextInt(64) : 1_000 + rnd.nextInt(600_000);
        if (kind == 0 || kind == 1) {
          Buffer body = CaptureLoadTest.body(size, r * 7 + k);
          batch.add(stack.bodyVia(HttpMethod.POST, "/echo/" + r + "-" + k, "application/octet-stream", body)
              .map(got -> {
                assertThat(got).isEqualTo(body);
                return null;
              }));
        } else if (kind == 2) {
          batch.add(stack.bodyVia(HttpMethod.GET, "/big/" + size, null, null).map(got -> {
            assertThat(got.length()).isEqualTo(size);
            return null;
          }));
        } else {
          Buffer body = CaptureLoadTest.body(size, r);
          batch.add(stack.bodyVia(HttpMethod.POST, "/count/" + r + "-" + k, "application/octet-stream", body)
              .map(got -> {
                assertThat(got.toString()).endsWith(" " + size);
                return null;
              }));
        }
      }
      Future.all(batch).await();
      done += batch.size();
    }
    assertThat(done).isEqualTo(rounds * inFlight);
    assertThat(stack.seen).hasSize(rounds * inFlight);
  }
}
