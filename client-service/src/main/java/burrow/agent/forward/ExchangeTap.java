package burrow.agent.forward;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Sees one HTTP exchange's bytes as they stream past. Chunks are shown to the tap before the destination gets them;
 * the tap copies what it keeps and returns at once, so flow control stays between the two real endpoints.
 */
public interface ExchangeTap {
  void requestChunk(Buffer chunk);

  void requestEnd();

  void response(int status, String reason, MultiMap headers);

  void responseChunk(Buffer chunk);

  void responseEnd();

  /** The exchange failed (local service unreachable, reset by either side). */
  void failed(Throwable err);

  /** @return {@code body} itself without a tap, else a view of it that shows every request chunk to the tap */
  static ReadStream<Buffer> request(ReadStream<Buffer> body, ExchangeTap tap) {
    return tap == null ? body : new Tee(body, tap::requestChunk, tap::requestEnd, tap::failed);
  }

  /** @return {@code body} itself without a tap, else a view of it that shows every response chunk to the tap */
  static ReadStream<Buffer> response(ReadStream<Buffer> body, ExchangeTap tap) {
    return tap == null ? body : new Tee(body, tap::responseChunk, tap::responseEnd, tap::failed);
  }

  /** A read stream that passes every call to its source, showing chunks, end and failure to a tap on the way. */
  final class Tee implements ReadStream<Buffer> {
    private final ReadStream<Buffer> src;
    private final Handler<Buffer> onChunk;
    private final Runnable onEnd;
    private final Handler<Throwable> onFail;

    Tee(ReadStream<Buffer> src, Handler<Buffer> onChunk, Runnable onEnd, Handler<Throwable> onFail) {
      this.src = src;
      this.onChunk = onChunk;
      this.onEnd = onEnd;
      this.onFail = onFail;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
      src.exceptionHandler(h == null ? null : err -> {
        onFail.handle(err);
        h.handle(err);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
      src.handler(h == null ? null : chunk -> {
        onChunk.handle(chunk);
        h.handle(chunk);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      src.pause();
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      src.resume();
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      src.fetch(amount);
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
      src.endHandler(h == null ? null : v -> {
        onEnd.run();
        h.handle(v);
      });
      return this;
    }
  }
}
