package burrow.dist;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.http.HttpClientInternal;
import java.util.function.Supplier;

/**
 * HTTP client calls for tests, always made from an event loop.
 *
 * <p>A Vert.x client chain started on the test's own thread (JUnit's, which then blocks in {@code await()}) now and
 * then never completes: in CI a local-API call hung with no connection ever opened, and plain Vert.x 5.0.10 shows it
 * too (a loop of GETs from a non-Vert.x thread, keep-alive or not, loses one exchange in a few thousand, though the
 * server answered it), while the same loop started inside {@code runOnContext} never lost one in 12,000. Vert.x
 * expects a response's handlers to be attached on its context before the response can end; from a foreign thread a
 * step can be attached late. So every chain here starts on an event loop, which is how the product's clients run.
 */
public final class Http {
  /** A response and its whole body. */
  public record Reply(HttpClientResponse response, Buffer body) {
    public int status() {
      return response.statusCode();
    }

    public String text() {
      return body.toString();
    }

    /** {@code "<status> <body>"}, the shape most assertions compare. */
    public String line() {
      return status() + " " + body;
    }
  }

  private Http() {
  }

  /** Builds and runs {@code chain} on an event loop of {@code vertx}; the result may be awaited from any thread. */
  public static <T> Future<T> onLoop(Vertx vertx, Supplier<Future<T>> chain) {
    Promise<T> p = Promise.promise();
    vertx.runOnContext(v -> {
      try {
        chain.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** {@link #onLoop(Vertx, Supplier)} on the client's own Vert.x instance. */
  public static <T> Future<T> onLoop(HttpClient client, Supplier<Future<T>> chain) {
    return onLoop(((HttpClientInternal) client).vertx(), chain);
  }

  /** Sends {@code ro} with {@code body} (or none) and reads the whole response. */
  public static Future<Reply> exchange(HttpClient client, RequestOptions ro, Buffer body) {
    return onLoop(client, () -> client.request(ro).compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp, b))));
  }

  /** Sends {@code ro} with no body and reads the whole response. */
  public static Future<Reply> exchange(HttpClient client, RequestOptions ro) {
    return exchange(client, ro, null);
  }
}
