package burrow.mux;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;

/**
 * Two connected in-memory {@link MuxTransport}s, for tests. Bytes written on one side arrive on the other on that
 * side's context, optionally cut at random boundaries and merged, as a real network may deliver them.
 * {@link #writeQueueFull()} is true while more than {@code highWater} bytes are in flight.
 */
public final class InMemoryTransport implements MuxTransport {
  private final ContextInternal context;
  private final String name;
  private InMemoryTransport peer;
  private Handler<Buffer> handler;
  private Handler<Void> closeHandler;
  private Handler<Void> drainHandler;
  private final Random chunking;
  private final long highWater;
  private long inFlight;
  private boolean closed;
  private Buffer merge;

  private InMemoryTransport(Context context, String name, Random chunking, long highWater) {
    this.context = (ContextInternal) context;
    this.name = name;
    this.chunking = chunking;
    this.highWater = highWater;
  }

  /**
   * @param chunking null to deliver each write whole, or a seeded random to split and merge writes
   */
  public static InMemoryTransport[] pair(Context a, Context b, Random chunking) {
    // Each side gets its own generator, drawn from the seeded one, so a seed replays the same cuts on each side
    // whatever the interleaving of the two event loops.
    Random ra = chunking == null ? null : new Random(chunking.nextLong());
    Random rb = chunking == null ? null : new Random(chunking.nextLong());
    InMemoryTransport ta = new InMemoryTransport(a, "mem-a", ra, 1 << 20);
    InMemoryTransport tb = new InMemoryTransport(b, "mem-b", rb, 1 << 20);
    ta.peer = tb;
    tb.peer = ta;
    return new InMemoryTransport[] {ta, tb};
  }

  @Override
  public void handler(Handler<Buffer> handler) {
    this.handler = handler;
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    this.closeHandler = handler;
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (closed) {
      return context.failedFuture("closed");
    }
    // A growable copy: data.copy() keeps the source's max capacity (12 for a frame header), so merging
    // the next write into it threw IndexOutOfBoundsException and lost frames.
    Buffer copy = Buffer.buffer(data.length()).appendBuffer(data);
    inFlight += copy.length();
    if (chunking == null) {
      peer.deliverLater(copy, this);
      return context.succeededFuture();
    }
    // Merge: sometimes hold bytes back to join them with the next write.
    if (merge == null) {
      merge = copy;
    } else {
      merge.appendBuffer(copy);
    }
    if (chunking.nextInt(3) == 0 && merge.length() < 64 * 1024) {
      context.runOnContext(v -> flushMerged());
      return context.succeededFuture();
    }
    flushMerged();
    return context.succeededFuture();
  }

  private void flushMerged() {
    Buffer all = merge;
    merge = null;
    if (all == null) {
      return;
    }
    int pos = 0;
    while (pos < all.length()) {
      int n = 1 + chunking.nextInt(Math.min(all.length() - pos, chunking.nextBoolean() ? 7 : 20_000));
      peer.deliverLater(all.slice(pos, pos + n).copy(), this);
      pos += n;
    }
  }

  private void deliverLater(Buffer data, InMemoryTransport from) {
    runOn(context, v -> {
      runOn(from.context, w -> from.delivered(data.length()));
      if (!closed && handler != null) {
        handler.handle(data);
      }
    });
  }

  /** Schedules on a context, unless Vert.x is closing and that event loop has already stopped. */
  private static void runOn(ContextInternal ctx, Handler<Void> task) {
    try {
      ctx.runOnContext(task);
    } catch (RejectedExecutionException e) {
      // nobody is left to receive it
    }
  }

  private void delivered(long n) {
    boolean wasFull = writeQueueFull();
    inFlight -= n;
    if (wasFull && !writeQueueFull() && drainHandler != null) {
      drainHandler.handle(null);
    }
  }

  @Override
  public boolean writeQueueFull() {
    return inFlight > highWater;
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
  }

  @Override
  public Future<Void> close() {
    if (!closed) {
      closed = true;
      if (merge != null) {
        flushMerged();
      }
      runOn(peer.context, v -> peer.onPeerClosed());
      if (closeHandler != null) {
        closeHandler.handle(null);
      }
    }
    return context.succeededFuture();
  }

  private void onPeerClosed() {
    if (!closed) {
      closed = true;
      if (closeHandler != null) {
        closeHandler.handle(null);
      }
    }
  }

  /** Delivers raw bytes to this side as if the peer had sent them (for malformed-frame tests). */
  public void inject(Buffer raw) {
    context.runOnContext(v -> {
      if (!closed && handler != null) {
        handler.handle(raw);
      }
    });
  }

  @Override
  public String remoteAddress() {
    return peer.name;
  }
}
