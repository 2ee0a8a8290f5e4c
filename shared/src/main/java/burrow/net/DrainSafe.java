package burrow.net;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * A {@link WriteStream} that never loses a drain: setting the drain handler when the queue is no longer full calls it
 * at once. Pipe into a Vert.x stream of another event loop through it.
 *
 * <p>Why: Vert.x's own streams (an HTTP server response, an HTTP client request, a NetSocket) call the drain handler
 * that is set at the moment their queue drains, on their own loop. A pipe whose source runs on another loop (a mux
 * stream lives on its session's loop) sees the queue full, pauses its source and then sets the drain handler; if the
 * queue drained in between, nobody resumes the source and the exchange stalls for good. Hand-written because Vert.x's
 * {@code Pipe} has no hook for it; a few lines.
 */
public final class DrainSafe<T> implements WriteStream<T> {
  private final WriteStream<T> dst;

  private DrainSafe(WriteStream<T> dst) {
    this.dst = dst;
  }

  public static <T> WriteStream<T> of(WriteStream<T> dst) {
    return dst instanceof DrainSafe<T> ? dst : new DrainSafe<>(dst);
  }

  /** {@code src.pipe().endOnFailure(false).to(dst)}, through this wrapper: the pipe burrow uses between streams. */
  public static <T> Future<Void> pipe(ReadStream<T> src, WriteStream<T> dst) {
    return src.pipe().endOnFailure(false).to(of(dst));
  }

  @Override
  public WriteStream<T> drainHandler(Handler<Void> handler) {
    dst.drainHandler(handler);
    if (handler != null && !dst.writeQueueFull()) {
      handler.handle(null);                        // drained before the handler was there to hear it
    }
    return this;
  }

  @Override
  public WriteStream<T> exceptionHandler(Handler<Throwable> handler) {
    dst.exceptionHandler(handler);
    return this;
  }

  @Override
  public Future<Void> write(T data) {
    return dst.write(data);
  }

  @Override
  public Future<Void> end() {
    return dst.end();
  }

  @Override
  public WriteStream<T> setWriteQueueMaxSize(int maxSize) {
    dst.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return dst.writeQueueFull();
  }
}
