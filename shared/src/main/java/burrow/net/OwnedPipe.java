package burrow.net;

import burrow.mux.MuxStream;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.streams.WriteStream;

import java.util.concurrent.RejectedExecutionException;

/**
 * Pipes a mux stream into a Vert.x write stream (an HTTP response) with the stream's buffers as read from the link,
 * without a copy: each is released once the destination has written it. Otherwise as {@code src.pipe()
 * .endOnFailure(false).to(dst)}: backpressure both ways (with {@link DrainSafe}), the destination ended when the
 * stream ends, the returned future failed when the stream or a write fails.
 *
 * <p>Why not Vert.x's pipe: it cannot release what it passes on, so a mux stream must give it heap copies; on a 1 MiB
 * download that copy was the edge's largest single cost. Vert.x writes a direct buffer as it is (an unreleasable
 * slice), and completes the write's future when the bytes are on the wire, so the release there is safe.
 *
 * <p>The buffers that arrive in one event-loop turn (the frames of one read from the link, up to
 * {@link #MAX_COALESCED} bytes) are written as one composite buffer at the end of the turn. Vert.x flushes every write
 * made outside the destination connection's own read, so one write per 16 KiB frame was one {@code write} syscall,
 * one loopback packet and one wake-up of the client per frame; one write per turn gives the same bytes in a quarter of
 * the calls. Nothing is copied: the composite holds the frames' own buffers.
 */
public final class OwnedPipe {
  /** Most bytes held back for the end of a turn; more are written at once. */
  private static final int MAX_COALESCED = 256 * 1024;
  /** Most frames held back for the end of a turn (a composite's component array). */
  private static final int MAX_COMPONENTS = 64;

  private final MuxStream src;
  private final WriteStream<Buffer> dst;
  private final WriteStream<Buffer> out;
  private final Promise<Void> result = Promise.promise();
  private final Runnable flushTask = this::endOfTurn;
  private CompositeByteBuf pending;
  private boolean flushScheduled;

  private OwnedPipe(MuxStream src, WriteStream<Buffer> dst) {
    this.src = src;
    this.dst = dst;
    this.out = DrainSafe.of(dst);
  }

  public static Future<Void> pipe(MuxStream src, WriteStream<Buffer> dst) {
    return new OwnedPipe(src, dst).start();
  }

  private Future<Void> start() {
    src.pause();
    src.deliverOwned();
    src.exceptionHandler(err -> {
      dropPending();
      result.tryFail(err);
    });
    src.endHandler(v -> {
      writePending();
      dst.end().onComplete(result::tryComplete, result::tryFail);  // a write may have failed the pipe already
    });
    src.handler(this::onBuffer);
    // What arrives after a failure waits in the stream, which releases it when the caller resets it.
    // A write can fail on the destination's loop; what is held back belongs to the stream's.
    result.future().onFailure(err -> src.session().context().runOnContext(v -> {
      dropPending();
      src.handler(null);
    }));
    src.resume();
    return result.future();
  }

  /** Runs on the stream's context (the session's event loop). */
  private void onBuffer(Buffer b) {
    if (result.future().isComplete()) {
      OwnedBuffers.release(b);
      return;
    }
    if (!OwnedBuffers.isOwned(b)) {                  // a heap buffer cannot join a direct composite without a copy
      writePending();
      write(b);
      return;
    }
    if (pending == null) {
      pending = ByteBufAllocator.DEFAULT.compositeDirectBuffer(MAX_COMPONENTS);
    }
    pending.addComponent(true, OwnedBuffers.take(b));
    if (pending.readableBytes() >= MAX_COALESCED || pending.numComponents() >= MAX_COMPONENTS) {
      writePending();
    } else if (!flushScheduled) {
      flushScheduled = true;
      try {
        ((ContextInternal) src.session().context()).nettyEventLoop().execute(flushTask);
      } catch (RejectedExecutionException e) {      // the loop is shutting down: no later turn to wait for
        endOfTurn();
      }
    }
  }

  private void endOfTurn() {
    flushScheduled = false;
    writePending();
  }

  private void writePending() {
    CompositeByteBuf c = pending;
    if (c != null) {
      pending = null;
      if (result.future().isComplete()) {
        c.release();
      } else {
        write(OwnedBuffers.wrap(c));
      }
    }
  }

  private void dropPending() {
    CompositeByteBuf c = pending;
    pending = null;
    if (c != null) {
      c.release();
    }
  }

  private void write(Buffer b) {
    Future<Void> written;
    try {
      written = dst.write(b);
    } catch (RuntimeException e) {                  // e.g. the response was closed meanwhile
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
  }
}
