package burrow.agent.api;

import burrow.agent.inspect.CaptureStore;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Server-sent events for the live request list: {@code add} and {@code update} carry a capture without its raw
 * bytes, {@code clear} empties the list. A browser that cannot keep up gets one {@code resync} (refetch the list)
 * instead of an ever-growing queue: at most {@link #MAX_PENDING} events wait per subscriber.
 */
final class CaptureEvents implements Handler<RoutingContext> {
  /** Events queued for one subscriber before it is marked lagging: 256. */
  static final int MAX_PENDING = 256;

  private final Vertx vertx;
  private final CaptureStore store;

  CaptureEvents(Vertx vertx, CaptureStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerResponse r = rc.response();
    r.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-store");
    r.write(": burrow inspector\n\n");
    Context ctx = vertx.getOrCreateContext();
    AtomicInteger pending = new AtomicInteger();
    boolean[] lagging = {false};
    Consumer<CaptureStore.Event> listener = e -> {
      if (pending.incrementAndGet() > MAX_PENDING) {
        pending.decrementAndGet();
        lagging[0] = true;                           // read and written only on ctx below, after a hop; benign
        return;
      }
      ctx.runOnContext(v -> {
        pending.decrementAndGet();
        if (r.closed() || r.ended()) {
          return;
        }
        if (r.writeQueueFull() || lagging[0] && pending.get() > 0) {
          lagging[0] = true;
          return;
        }
        if (lagging[0]) {
          lagging[0] = false;
          r.write("event: resync\ndata: {}\n\n");
          return;
        }
        String type = switch (e.change()) {
          case ADDED -> "add";
          case UPDATED -> "update";
          case CLEARED -> "clear";
        };
        JsonObject data = e.capture() == null ? new JsonObject() : e.capture().toJson(false);
        r.write("event: " + type + "\ndata: " + data.encode() + "\n\n");
      });
    };
    r.drainHandler(v -> {
      if (lagging[0]) {
        lagging[0] = false;
        r.write("event: resync\ndata: {}\n\n");
      }
    });
    store.listen(listener);
    r.closeHandler(v -> store.unlisten(listener));
  }
}
