package burrow.mux;

import burrow.net.OwnedBuffers;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One yamux stream: a {@link ReadStream} and a {@link WriteStream} of buffers, so {@code pipeTo} works with
 * backpressure in both directions.
 *
 * <p>Receive side: bytes the peer sends are held in a queue that never exceeds the receive window, because the
 * peer may not send past it. Credit goes back to the peer (WINDOW_UPDATE) only for bytes handed to the
 * {@link #handler}, so a paused stream stops its peer's writer and nothing else.
 *
 * <p>Send side: bytes go out in frames of at most {@code maxFrameSize} while the peer's window allows; the rest
 * wait in a queue and {@link #writeQueueFull()} is true until the peer grants credit.
 *
 * <p>Threading: the stream belongs to its session's context and calls every handler there. Its public methods may
 * be called from any thread; off the context they hop onto it.
 */
public final class MuxStream implements ReadStream<Buffer>, WriteStream<Buffer> {
  private static final Buffer END = Buffer.buffer(0);

  private final MuxSession session;
  private final int id;
  private final ContextInternal context;

  // receive side
  private final ArrayDeque<Buffer> inbound = new ArrayDeque<>();
  private long demand = Long.MAX_VALUE;
  private int recvWindow;
  private int unacked;          // bytes handed to the handler that the peer has not yet been credited for
  private int window;           // the receive window granted now: the initial one, doubled while the reader keeps up
  private long lastCredit;      // System.nanoTime() of the last window update sent
  private boolean remoteClosed; // FIN received (END queued)
  private boolean delivering;
  private boolean owned;        // the handler gets owned buffers (see deliverOwned)

  // send side
  private long sendWindow;
  private final ArrayDeque<Buffer> outbound = new ArrayDeque<>();
  private final ArrayDeque<Promise<Void>> outboundPromises = new ArrayDeque<>();
  private long queuedBytes;
  private final AtomicLong crossThreadBytes = new AtomicLong();
  private final AtomicInteger queuedOps = new AtomicInteger(); // writes and ends queued from another thread, not yet run
  private volatile boolean full;  // on the context: bytes queued, no window, or the transport is full
  private volatile boolean drainWanted; // a writer saw writeQueueFull() and waits for its drain handler
  private boolean finQueued;
  private boolean localClosed;    // FIN sent
  private boolean synPending;     // we opened it and have not sent a frame yet
  private boolean ackPending;     // the peer opened it and we have not acknowledged yet
  private volatile boolean reset;
  private MuxErrorCode resetCode;

  private volatile Handler<Buffer> handler;        // handlers may be set from any thread
  private volatile Handler<Void> endHandler;
  private volatile Handler<Throwable> exceptionHandler;
  private volatile Handler<Void> drainHandler;
  private volatile Handler<MuxErrorCode> resetHandler;
  private volatile Handler<Void> closeHandler;
  private boolean closedNotified;
  private Object attachment;

  MuxStream(MuxSession session, int id, boolean locallyOpened, int initialWindow) {
    this.session = session;
    this.id = id;
    this.context = (ContextInternal) session.context();
    this.recvWindow = initialWindow;
    this.window = initialWindow;
    this.lastCredit = System.nanoTime();
    this.sendWindow = initialWindow;
    this.synPending = locallyOpened;
  }

  public int id() {
    return id;
  }

  public MuxSession session() {
    return session;
  }

  /** A slot for the owner's per-stream state (e.g. the tunnel it serves). */
  public Object attachment() {
    return attachment;
  }

  public MuxStream attachment(Object attachment) {
    this.attachment = attachment;
    return this;
  }

  public boolean isReset() {
    return reset;
  }

  /** @return why the stream was reset, or null */
  public MuxErrorCode resetCode() {
    return resetCode;
  }

  /** Bytes waiting in the receive queue; never more than the receive window granted. */
  public long inboundQueuedBytes() {
    long n = 0;
    for (Buffer b : inbound) {
      n += b.length();
    }
    return n;
  }

  /** The receive window granted to the peer now: the initial window, or more after auto-tuning. On the context. */
  public int receiveWindow() {
    return window;
  }

  /** Bytes the peer still lets us send. */
  public long sendWindow() {
    return sendWindow;
  }

  // ---------------------------------------------------------------- ReadStream

  @Override
  public MuxStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    if (handler != null) {
      onContext(this::drainInbound);
    }
    return this;
  }

  @Override
  public MuxStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public MuxStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  /** Called when the peer or this side resets the stream, with the code. */
  public MuxStream resetHandler(Handler<MuxErrorCode> handler) {
    this.resetHandler = handler;
    return this;
  }

  /** Called once when the stream is gone from the session: both sides closed, or reset. */
  public MuxStream closeHandler(Handler<Void> handler) {
    this.closeHandler = handler;
    return this;
  }

  @Override
  public MuxStream pause() {
    onContext(() -> demand = 0);
    return this;
  }

  @Override
  public MuxStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public MuxStream fetch(long amount) {
    onContext(() -> {
      demand += amount;
      if (demand < 0) {
        demand = Long.MAX_VALUE;
      }
      drainInbound();
    });
    return this;
  }

  /**
   * From now on the handler gets {@link OwnedBuffers owned} buffers, slices of what the transport read, and must
   * pass each on to a channel that releases it, or release it. For a reader that forwards bytes to a socket
   * ({@link burrow.net.StreamBridge}); any other reader gets heap copies it may keep.
   */
  public MuxStream deliverOwned() {
    onContext(() -> owned = true);
    return this;
  }

  boolean deliversOwned() {
    return owned;
  }

  /** Payload of a DATA frame for this stream, called by the session on its context. */
  void receive(Buffer data) {
    if (reset || remoteClosed) {
      OwnedBuffers.release(data);
      return;
    }
    inbound.add(data);
    drainInbound();
  }

  /** Called by the session when a DATA frame header announces {@code length} bytes; false if past the window. */
  boolean reserveReceive(long length) {
    if (length > recvWindow) {
      return false;
    }
    recvWindow -= (int) length;
    return true;
  }

  void receiveFin() {
    if (remoteClosed || reset) {
      return;
    }
    remoteClosed = true;
    inbound.add(END);
    drainInbound();
  }

  private void drainInbound() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (demand > 0 && !inbound.isEmpty() && !reset) {
        Buffer b = inbound.poll();
        if (b == END) {
          Handler<Void> h = endHandler;
          if (h != null) {
            h.handle(null);
          }
          maybeClosed();
          return;
        }
        // Read once: a pipe on another thread may clear the handler between a check and the call.
        Handler<Buffer> h = handler;
        if (h == null) {
          inbound.addFirst(b);
          return;
        }
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        credit(b.length());
        h.handle(b);
      }
    } finally {
      delivering = false;
    }
  }

  private void credit(int n) {
    unacked += n;
    if (unacked >= window / 2 && !remoteClosed) {
      int delta = unacked;
      unacked = 0;
      long now = System.nanoTime();
      // Auto-tuning: half the window went to the reader within the tune interval, so the sender was likely waiting for
      // this credit; double the window (bounded per stream and per session) so one fast stream is not held to one
      // window per round trip. A reader that stops reading sends no updates, so its window never grows.
      MuxOptions o = session.options();
      if (window < o.getMaxWindow() && now - lastCredit < TimeUnit.MILLISECONDS.toNanos(o.getWindowTuneMillis())) {
        int grow = Math.min(window, o.getMaxWindow() - window);
        if (session.reserveWindowGrowth(grow)) {
          window += grow;
          delta += grow;
        }
      }
      lastCredit = now;
      recvWindow += delta;
      session.sendWindowUpdate(this, delta);
    }
  }

  // ---------------------------------------------------------------- WriteStream

  @Override
  public Future<Void> write(Buffer data) {
    Promise<Void> promise = context.promise();
    if (inOrderNow()) {
      doWrite(data, promise);
    } else {
      crossThreadBytes.addAndGet(data.length());
      later(() -> {
        crossThreadBytes.addAndGet(-data.length());
        doWrite(data, promise);
      });
    }
    return promise.future();
  }

  /**
   * Whether a write or end may run right here: on the session's event loop with no write or end still queued from
   * another thread. A pipe whose source lives on another loop writes from there while its end can come from here
   * (Vert.x's {@code Pipe.to} sees an already-ended source when it registers its completion, and ends the destination
   * on the caller's thread); without this check that end would overtake the queued writes and drop them.
   */
  private boolean inOrderNow() {
    return context.nettyEventLoop().inEventLoop() && queuedOps.get() == 0;
  }

  /** Queues a write-side operation on the session's event loop, behind every one queued before it. */
  private void later(Runnable r) {
    queuedOps.incrementAndGet();
    context.runOnContext(v -> {
      queuedOps.decrementAndGet();
      r.run();
    });
  }

  private void doWrite(Buffer data, Promise<Void> promise) {
    if (reset || finQueued) {
      OwnedBuffers.release(data);
      promise.fail(new MuxException(resetCode == null ? MuxErrorCode.SESSION_CLOSED : resetCode,
          "stream " + id + (reset ? " was reset" : " is closed for writing")));
      return;
    }
    outbound.add(data);
    outboundPromises.add(promise);
    queuedBytes += data.length();
    flushOutbound();
  }

  @Override
  public Future<Void> end() {
    Promise<Void> promise = context.promise();
    if (inOrderNow()) {
      doEnd(promise);
    } else {
      later(() -> doEnd(promise));
    }
    return promise.future();
  }

  private void doEnd(Promise<Void> promise) {
    if (reset) {
      promise.fail(new MuxException(resetCode, "stream " + id + " was reset"));
      return;
    }
    if (finQueued) {
      promise.complete();
      return;
    }
    finQueued = true;
    outbound.add(END);
    outboundPromises.add(promise);
    flushOutbound();
  }

  @Override
  public MuxStream setWriteQueueMaxSize(int maxSize) {
    // The peer's window is the bound; a caller cannot widen it.
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    boolean f = full || crossThreadBytes.get() >= session.windowUpdateThreshold();
    if (f) {
      drainWanted = true;
    }
    return f;
  }

  @Override
  public MuxStream drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    if (handler != null) {
      // A writer on another thread sets this after it saw the queue full and paused its source; the queue may have
      // drained in between (on the context), so look again there rather than lose the wake-up.
      drainWanted = true;
      onContext(this::updateFull);
    }
    return this;
  }

  /** Sends what the window allows. Called on writes, on WINDOW_UPDATE and when the transport drains. */
  void flushOutbound() {
    while (!outbound.isEmpty() && !reset) {
      Buffer head = outbound.peek();
      if (head == END) {
        outbound.poll();
        Promise<Void> p = outboundPromises.poll();
        localClosed = true;
        session.sendData(this, flagsForNextFrame() | Frame.FLAG_FIN, null).onComplete(p);
        maybeClosed();
        break;
      }
      if (sendWindow <= 0 || session.transportFull()) {
        break;
      }
      int maxFrame = session.options().getMaxFrameSize();
      int n = (int) Math.min(Math.min(head.length(), maxFrame), sendWindow);
      Buffer chunk;
      if (n == head.length()) {
        outbound.poll();
        chunk = head;
      } else {
        chunk = OwnedBuffers.slice(head, 0, n);     // an owned head keeps its reference in the rest
        outbound.poll();
        outbound.addFirst(head.slice(n, head.length()));
      }
      sendWindow -= n;
      queuedBytes -= n;
      Future<Void> f = session.sendData(this, flagsForNextFrame(), chunk);
      if (chunk == head) {
        Promise<Void> p = outboundPromises.poll();
        f.onComplete(p);
      }
    }
    updateFull();
  }

  private void updateFull() {
    full = reset || queuedBytes > 0 || sendWindow <= 0 || session.transportFull();
    if (drainWanted && !full && !reset && crossThreadBytes.get() < session.windowUpdateThreshold()) {
      drainWanted = false;
      Handler<Void> h = drainHandler;
      if (h != null) {
        h.handle(null);
      }
    }
  }

  void onTransportDrained() {
    flushOutbound();
  }

  int flagsForNextFrame() {
    int flags = 0;
    if (synPending) {
      flags |= Frame.FLAG_SYN;
      synPending = false;
    }
    if (ackPending) {
      flags |= Frame.FLAG_ACK;
      ackPending = false;
    }
    return flags;
  }

  void markAckPending() {
    ackPending = true;
  }

  void addSendWindow(long delta) {
    sendWindow += delta;
    flushOutbound();
  }

  // ---------------------------------------------------------------- reset and close

  /** Aborts the stream in both directions and tells the peer why (RST). */
  public void reset(MuxErrorCode code) {
    onContext(() -> {
      if (reset || (localClosed && remoteClosed)) {
        return;
      }
      if (!synPending) {
        // A stream that never sent its SYN is unknown to the peer: an RST would carry SYN and open it there.
        session.sendReset(this, code);
      }
      onReset(code, false);
    });
  }

  /** The peer reset the stream, or the session went away; fails pending writes and notifies handlers. */
  void onReset(MuxErrorCode code, boolean byPeer) {
    if (reset) {
      return;
    }
    reset = true;
    resetCode = code;
    inbound.forEach(OwnedBuffers::release);
    inbound.clear();
    outbound.forEach(OwnedBuffers::release);
    MuxException err = new MuxException(code, "stream " + id + " reset" + (byPeer ? " by peer" : "") + ": " + code);
    outbound.clear();
    Promise<Void> p;
    while ((p = outboundPromises.poll()) != null) {
      p.tryFail(err);
    }
    queuedBytes = 0;
    full = true;
    Handler<MuxErrorCode> rh = resetHandler;
    if (rh != null) {
      rh.handle(code);
    }
    Handler<Throwable> eh = exceptionHandler;
    if (eh != null && byPeer) {
      eh.handle(err);
    }
    notifyClosed();
  }

  private void maybeClosed() {
    if (localClosed && remoteClosed && inbound.isEmpty()) {
      notifyClosed();
    }
  }

  private void notifyClosed() {
    if (closedNotified) {
      return;
    }
    closedNotified = true;
    session.releaseWindowGrowth(window - session.options().getInitialWindow());
    session.removeStream(this);
    Handler<Void> h = closeHandler;
    if (h != null) {
      h.handle(null);
    }
  }

  private void onContext(Runnable r) {
    if (context.nettyEventLoop().inEventLoop()) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  @Override
  public String toString() {
    return "MuxStream[" + id + "]";
  }

  /** Flow-control and handler state, for diagnosing a stream that stopped moving; read it on the session's context. */
  public String describe() {
    return "MuxStream[" + id + " demand=" + demand + " inbound=" + inbound.size() + "/" + inboundQueuedBytes() + "B"
        + " handler=" + (handler != null) + " endHandler=" + (endHandler != null) + " window=" + window + " recvWindow=" + recvWindow
        + " unacked=" + unacked + " remoteClosed=" + remoteClosed + " sendWindow=" + sendWindow + " outbound="
        + outbound.size() + "/" + queuedBytes + "B crossThread=" + crossThreadBytes.get() + " full=" + full
        + " drainWanted=" + drainWanted + " drainHandler=" + (drainHandler != null) + " finQueued=" + finQueued
        + " localClosed=" + localClosed + " synPending=" + synPending + " ackPending=" + ackPending + " reset=" + reset
        + "]";
  }
}
