package burrow.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lost drain, replayed deterministically: a destination whose queue drains (on "its own loop") right after the
 * pipe saw it full and before the pipe set its drain handler, as a Vert.x HTTP response or socket of another event
 * loop can. Straight into it the pipe stalls for good; through {@link DrainSafe} every item arrives.
 */
class DrainSafeTest {
  @Test
  void aDrainBeforeTheHandlerIsSetIsNotLost() {
    Source src = new Source(10);
    Sink sink = new Sink();
    src.pipe().to(DrainSafe.of(sink));
    assertEquals(10, sink.items.size(), "every item arrives");
    assertEquals(10, sink.racedDrains, "each write raced its drain");
  }

  @Test
  void withoutItThePipeStalls() {
    // The reason the wrapper exists: this is Vert.x's behaviour with such a destination.
    Source src = new Source(10);
    Sink sink = new Sink();
    src.pipe().to(sink);
    assertEquals(1, sink.items.size());
  }

  /** A read stream of {@code n} integers that honours pause and resume, all on the caller's thread. */
  private static final class Source implements ReadStream<Integer> {
    private final int n;
    private int next;
    private long demand = Long.MAX_VALUE;
    private boolean emitting;
    private Handler<Integer> handler;
    private Handler<Void> endHandler;

    Source(int n) {
      this.n = n;
    }

    private void emit() {
      if (emitting) {
        return;
      }
      emitting = true;
      while (demand > 0 && handler != null && next < n) {
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        handler.handle(next++);
      }
      emitting = false;
      if (next == n && demand > 0 && endHandler != null) {
        Handler<Void> h = endHandler;
        endHandler = null;
        h.handle(null);
      }
    }

    @Override
    public ReadStream<Integer> exceptionHandler(Handler<Throwable> h) {
      return this;
    }

    @Override
    public ReadStream<Integer> handler(Handler<Integer> h) {
      handler = h;
      return this;
    }

    @Override
    public ReadStream<Integer> pause() {
      demand = 0;
      return this;
    }

    @Override
    public ReadStream<Integer> resume() {
      return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Integer> fetch(long amount) {
      demand = amount == Long.MAX_VALUE ? Long.MAX_VALUE : demand + amount;
      emit();
      return this;
    }

    @Override
    public ReadStream<Integer> endHandler(Handler<Void> h) {
      endHandler = h;
      return this;
    }
  }

  /**
   * Full after each write; the next look at the queue finds it drained, and the drain goes to whatever handler is
   * set at that moment, none yet (the pipe sets it only after it saw the queue full).
   */
  private static final class Sink implements WriteStream<Integer> {
    final List<Integer> items = new ArrayList<>();
    int racedDrains;
    private boolean full;
    private Handler<Void> drainHandler;

    @Override
    public Future<Void> write(Integer data) {
      items.add(data);
      full = true;
      return Future.succeededFuture();
    }

    @Override
    public boolean writeQueueFull() {
      boolean was = full;
      if (full) {
        full = false;                              // drains on its own loop right after this look...
        racedDrains++;
        if (drainHandler != null) {
          drainHandler.handle(null);               // ...telling the handler set then, if any
        }
      }
      return was;
    }

    @Override
    public WriteStream<Integer> drainHandler(Handler<Void> handler) {
      drainHandler = handler;
      return this;
    }

    @Override
    public WriteStream<Integer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> end() {
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Integer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }
  }
}
