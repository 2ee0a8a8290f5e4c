package burrow.net;

import burrow.mux.MuxStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Pipes a mux stream into a Vert.x write stream (an HTTP response) with the stream's buffers as read from the link,
 * without a copy: each is released once the destination has written it. Otherwise as {@code src.pipe()
 * .endOnFailure(false).to(dst)}: backpressure both ways (with {@link DrainSafe}), the destination ended when the
 * stream ends, the returned future failed when the stream or a write fails.
 *
 * <p>Why not Vert.x's pipe: it cannot release what it passes on, so a mux stream must give it heap copies; on a 1 MiB
 * download that copy was the edge's largest single cost. Vert.x writes a direct buffer as it is (an unreleasable
 * slice), and completes the write's future when the bytes are on the wire, so the release there is safe.
 */
public final class OwnedPipe {
  private OwnedPipe() {
  }

  public static Future<Void> pipe(MuxStream src, WriteStream<Buffer> dst) {
    Promise<Void> result = Promise.promise();
    WriteStream<Buffer> out = DrainSafe.of(dst);
    src.pause();
    src.deliverOwned();
    src.exceptionHandler(result::tryFail);
    src.endHandler(v -> dst.end().onComplete(result));
    src.handler(b -> {
      if (result.future().isComplete()) {
        OwnedBuffers.release(b);
        return;
      }
      Future<Void> written;
      try {
        written = dst.write(b);
      } catch (RuntimeException e) {                // e.g. the response was closed meanwhile
        OwnedBuffers.release(b);
        result.tryFail(e);
        return;
      }
      written.onComplete(ar -> {
        OwnedBuffers.release(b);
        if (ar.failed()) {
          result.tryFail(ar.cause());
        }
      });
      if (out.writeQueueFull()) {
        src.pause();
        out.drainHandler(x -> src.resume());
      }
    });
    // What arrives after a failure waits in the stream, which releases it when the caller resets it.
    result.future().onFailure(err -> src.handler(null));
    src.resume();
    return result.future();
  }
}
