package burrow.mux;

import burrow.net.OwnedBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A yamux session over one {@link MuxTransport}: many {@link MuxStream}s, per-stream credit-based flow control,
 * ping and go-away. The framing is hashicorp/yamux's spec.md; the departures are written in docs/PROTOCOL.md.
 *
 * <p>The session belongs to one context: the transport's handlers run there and so do all stream handlers.
 * {@link #open()} and the stream methods may be called from elsewhere; they hop onto the context.
 *
 * <p>We hand-write the mux rather than take a library because no maintained yamux exists for Vert.x, and the
 * streams must be Vert.x {@code ReadStream}/{@code WriteStream} with exact window accounting.
 */
public final class MuxSession {
  private static final Logger log = LoggerFactory.getLogger(MuxSession.class);

  private final ContextInternal context;
  private final MuxTransport transport;
  private final MuxOptions options;
  private final boolean client;
  private final Map<Integer, MuxStream> streams = new HashMap<>();
  private final int windowUpdateThreshold;
  private long windowGrowth;    // bytes by which open streams' receive windows exceed the initial window
  private int nextStreamId;     // u32 on the wire
  private boolean idsWrapped;

  // decoder state
  private final byte[] header = new byte[Frame.HEADER_SIZE];
  private int headerFill;
  private long payloadRemaining;
  private MuxStream payloadStream;
  private int payloadFlags;

  // frames of this event-loop turn (see sendFrame)
  private static final int BATCH_SIZE = 16 * 1024;      // one TLS record
  private static final int DIRECT_PAYLOAD = 4 * 1024;   // an owned payload this large is written as it is
  private ByteBuf batch;
  private Promise<Void> batchPromise;
  private boolean flushScheduled;
  private final Runnable flushTask = this::flushFrames;

  private boolean closed;
  private boolean goAwayReceived;
  private boolean goAwaySent;
  private boolean transportFull;
  private Handler<MuxStream> streamHandler;
  private Handler<Throwable> closeHandler;
  private Handler<MuxErrorCode> goAwayHandler;
  private final Map<Integer, PendingPing> pings = new HashMap<>();
  private int nextPingId = 1;
  private long keepAliveTimer = -1;
  private boolean keepAliveOutstanding;
  private Throwable closeCause;
  private final Promise<Void> closedPromise;

  /**
   * @param client true on the side that dialled: it opens odd stream ids (the agent), the other side even ones
   */
  public MuxSession(Context context, MuxTransport transport, MuxOptions options, boolean client) {
    this.context = (ContextInternal) context;
    this.transport = transport;
    this.options = new MuxOptions(options);
    this.client = client;
    this.nextStreamId = client ? 1 : 2;
    this.windowUpdateThreshold = Math.max(1, options.getInitialWindow() / 2);
    this.closedPromise = this.context.promise();
  }

  /** Installs the transport handlers and starts keep-alive. Call on the session's context. */
  public MuxSession start() {
    transport.byteHandler(this::handle);
    transport.closeHandler(v -> onTransportClosed(null));
    transport.exceptionHandler(err -> onTransportClosed(err));
    transport.drainHandler(v -> onContext(this::onTransportDrain));
    if (options.getKeepAliveInterval() > 0) {
      keepAliveTimer = context.setPeriodic(options.getKeepAliveInterval(), id -> keepAlive());
    }
    return this;
  }

  public Context context() {
    return context;
  }

  public MuxOptions options() {
    return options;
  }

  public boolean isClient() {
    return client;
  }

  public MuxTransport transport() {
    return transport;
  }

  public boolean isClosed() {
    return closed;
  }

  /** @return how many streams are open, for metrics and leak checks */
  public int streamCount() {
    return streams.size();
  }

  /** @return a snapshot of the open streams, for metrics and leak checks; call on the session's context */
  public java.util.List<MuxStream> streams() {
    return new ArrayList<>(streams.values());
  }

  int windowUpdateThreshold() {
    return windowUpdateThreshold;
  }

  /** Takes {@code bytes} of window growth from the session's budget; false when it is spent. On the context. */
  boolean reserveWindowGrowth(long bytes) {
    if (windowGrowth + bytes > options.getMaxSessionWindowGrowth()) {
      return false;
    }
    windowGrowth += bytes;
    return true;
  }

  /** Gives a closed stream's window growth back to the session's budget. On the context. */
  void releaseWindowGrowth(long bytes) {
    windowGrowth -= bytes;
  }

  /** @return bytes of window growth all streams hold now, for metrics and tests */
  public long windowGrowth() {
    return windowGrowth;
  }

  boolean transportFull() {
    return transportFull;
  }

  /** Called with each stream the peer opens, on the session's context. */
  public MuxSession streamHandler(Handler<MuxStream> handler) {
    this.streamHandler = handler;
    return this;
  }

  /** Called once when the session ends, with the cause (null for a clean close). */
  public MuxSession closeHandler(Handler<Throwable> handler) {
    this.closeHandler = handler;
    return this;
  }

  /** Called when the peer sends GO_AWAY. */
  public MuxSession goAwayHandler(Handler<MuxErrorCode> handler) {
    this.goAwayHandler = handler;
    return this;
  }

  /** @return a future completed when the session has closed */
  public Future<Void> closed() {
    return closedPromise.future();
  }

  // ---------------------------------------------------------------- opening streams

  /** Opens a stream; the SYN goes with its first frame. */
  public Future<MuxStream> open() {
    if (context.nettyEventLoop().inEventLoop()) {
      return openNow();
    }
    Promise<MuxStream> p = context.promise();
    context.runOnContext(v -> openNow().onComplete(p));
    return p.future();
  }

  private Future<MuxStream> openNow() {
    if (closed) {
      return context.failedFuture(new MuxException(MuxErrorCode.SESSION_CLOSED, "session is closed"));
    }
    if (goAwayReceived || goAwaySent) {
      return context.failedFuture(new MuxException(MuxErrorCode.GOING_AWAY, "session is going away"));
    }
    if (streams.size() >= options.getMaxStreams()) {
      return context.failedFuture(new MuxException(MuxErrorCode.REFUSED,
          "too many streams (" + options.getMaxStreams() + ")"));
    }
    int id = nextStreamId;
    if (id == 0 || (id == 1 && idsWrapped)) {
      // All 2^31 ids of our parity are used (yamux ids are u32 and never reused): the caller needs a new session.
      return context.failedFuture(new MuxException(MuxErrorCode.REFUSED, "stream ids exhausted"));
    }
    nextStreamId += 2;
    idsWrapped |= nextStreamId == 1;
    MuxStream s = new MuxStream(this, id, true, options.getInitialWindow());
    streams.put(id, s);
    return context.succeededFuture(s);
  }

  // ---------------------------------------------------------------- decoding

  /** Decodes what the transport read; {@code buf} is ours and released here. */
  private void handle(ByteBuf buf) {
    try {
      int pos = buf.readerIndex();
      int len = buf.writerIndex();
      while (pos < len && !closed) {
        if (payloadRemaining > 0) {
          int n = (int) Math.min(payloadRemaining, len - pos);
          MuxStream s = payloadStream;
          if (s != null) {
            // A stream whose reader passes buffers on to a socket gets a slice of the transport's buffer (no copy);
            // any other reader may keep what it reads, so it gets a heap copy, as a Vert.x socket would give it.
            s.receive(s.deliversOwned() ? OwnedBuffers.wrap(buf.retainedSlice(pos, n)) : OwnedBuffers.copy(buf, pos, n));
          }
          payloadRemaining -= n;
          pos += n;
          if (payloadRemaining == 0) {
            endDataFrame();
          }
          continue;
        }
        int n = Math.min(Frame.HEADER_SIZE - headerFill, len - pos);
        buf.getBytes(pos, header, headerFill, n);
        headerFill += n;
        pos += n;
        if (headerFill == Frame.HEADER_SIZE) {
          headerFill = 0;
          onHeader();
        }
      }
    } finally {
      buf.release();
    }
  }

  private void onHeader() {
    int version = header[0] & 0xff;
    int type = header[1] & 0xff;
    int flags = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    int streamId = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
    long length = (((long) header[8] & 0xff) << 24) | ((header[9] & 0xff) << 16) | ((header[10] & 0xff) << 8) | (header[11] & 0xff);
    if (version != Frame.VERSION) {
      protocolError("unsupported frame version " + version);
      return;
    }
    switch (type) {
      case Frame.TYPE_DATA -> onDataHeader(flags, streamId, length);
      case Frame.TYPE_WINDOW_UPDATE -> onWindowUpdate(flags, streamId, length);
      case Frame.TYPE_PING -> onPing(flags, streamId, length);
      case Frame.TYPE_GO_AWAY -> onGoAway(streamId, length);
      default -> protocolError("unknown frame type " + type);
    }
  }

  /** Looks up or (on SYN) creates the stream a frame names; null if the frame is to be discarded. */
  private MuxStream streamFor(int flags, int streamId) {
    if (streamId == 0) {
      protocolError("stream frame on stream id 0");
      return null;
    }
    MuxStream s = streams.get(streamId);
    if ((flags & Frame.FLAG_SYN) != 0) {
      if (s != null) {
        protocolError("SYN for stream " + streamId + " which is already open");
        return null;
      }
      // Ids are u32 on the wire: test the low bit, as an id past 2^31 is negative as a Java int.
      boolean peerParity = client ? (streamId & 1) == 0 : (streamId & 1) == 1;
      if (!peerParity) {
        protocolError("SYN with a stream id of the wrong parity: " + streamId);
        return null;
      }
      s = new MuxStream(this, streamId, false, options.getInitialWindow());
      if (goAwaySent || streams.size() >= options.getMaxStreams() || streamHandler == null) {
        sendFrame(Frame.TYPE_WINDOW_UPDATE, Frame.FLAG_RST, streamId, MuxErrorCode.REFUSED.value(), null);
        return null;
      }
      streams.put(streamId, s);
      // Acknowledge at once: yamux peers time a stream out without an ACK.
      sendFrame(Frame.TYPE_WINDOW_UPDATE, Frame.FLAG_ACK, streamId, 0, null);
      MuxStream accepted = s;
      streamHandler.handle(accepted);
      if (accepted.isReset()) {
        return null;
      }
    }
    return s;
  }

  private void onDataHeader(int flags, int streamId, long length) {
    MuxStream s = streamFor(flags, streamId);
    if (closed) {
      return;
    }
    if (s != null && (flags & Frame.FLAG_RST) != 0) {
      s.onReset(MuxErrorCode.CANCEL, true);
      s = null;
    }
    if (s != null && !s.reserveReceive(length)) {
      protocolError("stream " + streamId + " sent " + length + " bytes past its window");
      return;
    }
    // A frame for a stream that is gone (reset, or closed both ways) is read and discarded, as yamux does.
    payloadStream = s;
    payloadFlags = flags;
    payloadRemaining = length;
    if (length == 0) {
      endDataFrame();
    }
  }

  private void endDataFrame() {
    MuxStream s = payloadStream;
    payloadStream = null;
    if (s != null && (payloadFlags & Frame.FLAG_FIN) != 0) {
      s.receiveFin();
    }
  }

  private void onWindowUpdate(int flags, int streamId, long length) {
    MuxStream s = streamFor(flags, streamId);
    if (s == null || closed) {
      return;
    }
    if ((flags & Frame.FLAG_RST) != 0) {
      s.onReset(MuxErrorCode.of(length), true);
      return;
    }
    if (length > 0) {
      if (s.sendWindow() + length > 0xFFFF_FFFFL) {
        protocolError("window update overflows the window of stream " + streamId);
        return;
      }
      s.addSendWindow(length);
    }
    if ((flags & Frame.FLAG_FIN) != 0) {
      s.receiveFin();
    }
  }

  private void onPing(int flags, int streamId, long opaque) {
    if (streamId != 0) {
      protocolError("ping on stream " + streamId);
      return;
    }
    if ((flags & Frame.FLAG_SYN) != 0) {
      sendFrame(Frame.TYPE_PING, Frame.FLAG_ACK, 0, opaque, null);
    } else if ((flags & Frame.FLAG_ACK) != 0) {
      PendingPing p = pings.remove((int) opaque);
      if (p != null) {
        p.promise().tryComplete(System.nanoTime() - p.start());
      }
    }
  }

  private void onGoAway(int streamId, long code) {
    if (streamId != 0) {
      protocolError("go-away on stream " + streamId);
      return;
    }
    goAwayReceived = true;
    Handler<MuxErrorCode> h = goAwayHandler;
    if (h != null) {
      h.handle(MuxErrorCode.of(code));
    }
  }

  private void protocolError(String why) {
    if (closed) {
      return;
    }
    log.atWarn().addKeyValue("code", "BRW-202").addKeyValue("peer", transport.remoteAddress())
        .addKeyValue("reason", why).log("mux protocol error, closing session");
    sendFrame(Frame.TYPE_GO_AWAY, 0, 0, MuxErrorCode.PROTOCOL_ERROR.value(), null);
    goAwaySent = true;
    terminate(new MuxException(MuxErrorCode.PROTOCOL_ERROR, why));
  }

  // ---------------------------------------------------------------- encoding

  Future<Void> sendData(MuxStream s, int flags, Buffer payload) {
    return sendFrame(Frame.TYPE_DATA, flags, s.id(), payload == null ? 0 : payload.length(), payload);
  }

  void sendWindowUpdate(MuxStream s, int delta) {
    sendFrame(Frame.TYPE_WINDOW_UPDATE, s.flagsForNextFrame(), s.id(), delta, null);
  }

  void sendReset(MuxStream s, MuxErrorCode code) {
    sendFrame(Frame.TYPE_WINDOW_UPDATE, s.flagsForNextFrame() | Frame.FLAG_RST, s.id(), code.value(), null);
  }

  private Future<Void> sendFrame(int type, int flags, int streamId, long length, Buffer payload) {
    if (closed) {
      OwnedBuffers.release(payload);
      return context.failedFuture(new MuxException(MuxErrorCode.SESSION_CLOSED, "session is closed"));
    }
    // Frames of one event-loop turn go out together, flushed once at the end of the turn (one TLS write, one
    // syscall): headers and payloads that are not owned are copied into a direct batch buffer of 16 KiB, one TLS
    // record (or one buffer of the frame's size, when a frame of up to 64 KiB does not fit); a large payload read from
    // a socket (owned) goes out as it is behind its header, with no copy.
    // A batch's frames complete when the batch is written.
    int n = payload == null ? 0 : payload.length();
    Future<Void> f;
    if (n >= DIRECT_PAYLOAD && OwnedBuffers.isOwned(payload)) {
      cutBatch();
      ByteBufAllocator alloc = transport.alloc();
      ByteBuf head = Frame.writeHeader(alloc.directBuffer(Frame.HEADER_SIZE, Frame.HEADER_SIZE), type, flags, streamId,
          length);
      f = transport.writeFrame(alloc.compositeDirectBuffer(2).addComponents(true, head, OwnedBuffers.take(payload)));
    } else {
      reserveBatch(Frame.HEADER_SIZE + n);
      Frame.writeHeader(batch, type, flags, streamId, length);
      if (n > 0) {
        OwnedBuffers.copyTo(payload, batch);
        OwnedBuffers.release(payload);
      }
      f = batchPromise.future();
    }
    if (!flushScheduled) {
      flushScheduled = true;
      try {
        context.nettyEventLoop().execute(flushTask);
      } catch (RejectedExecutionException e) {
        flushFrames();                              // the event loop is shutting down: no later turn to wait for
      }
    }
    if (!transportFull && transport.writeQueueFull()) {
      transportFull = true;
    }
    return f;
  }

  /** Makes room for {@code bytes} in the batch: writes the current batch out first when they do not fit. */
  private void reserveBatch(int bytes) {
    if (batch != null && batch.writableBytes() < bytes) {
      cutBatch();
    }
    if (batch == null) {
      batch = transport.alloc().directBuffer(Math.max(BATCH_SIZE, bytes));
      batchPromise = context.promise();
    }
  }

  /** Hands the batch to the transport (not yet flushed). */
  private void cutBatch() {
    ByteBuf b = batch;
    if (b != null) {
      batch = null;
      transport.writeFrame(b).onComplete(batchPromise);
    }
  }

  /** The end of a turn in which frames were written: the batch goes out, and everything is flushed. */
  private void flushFrames() {
    flushScheduled = false;
    cutBatch();
    transport.flush();
  }

  private void onTransportDrain() {
    transportFull = false;
    for (MuxStream s : new ArrayList<>(streams.values())) {
      if (transportFull) {
        break;
      }
      s.onTransportDrained();
    }
  }

  // ---------------------------------------------------------------- ping, go-away, close

  /** Sends a ping; the future holds the round trip in nanoseconds, or fails after the ping timeout. */
  public Future<Long> ping() {
    Promise<Long> p = context.promise();
    onContext(() -> {
      if (closed) {
        p.fail(new MuxException(MuxErrorCode.SESSION_CLOSED, "session is closed"));
        return;
      }
      int id = nextPingId++;
      pings.put(id, new PendingPing(System.nanoTime(), p));
      sendFrame(Frame.TYPE_PING, Frame.FLAG_SYN, 0, id & 0xFFFF_FFFFL, null);
      context.setTimer(options.getPingTimeout(), t -> {
        if (pings.remove(id) != null) {
          p.tryFail(new MuxException(MuxErrorCode.SESSION_CLOSED, "ping unanswered after " + options.getPingTimeout() + " ms"));
        }
      });
    });
    return p.future();
  }

  private record PendingPing(long start, Promise<Long> promise) {
  }

  private void keepAlive() {
    // One keep-alive ping at a time: with an interval shorter than the timeout, every tick used to add a ping,
    // and each failed ping logged BRW-208 again, also after the session had closed.
    if (closed || keepAliveOutstanding) {
      return;
    }
    keepAliveOutstanding = true;
    ping().onComplete(ar -> {
      keepAliveOutstanding = false;
      if (ar.failed() && !closed) {
        log.atWarn().addKeyValue("code", "BRW-208").addKeyValue("peer", transport.remoteAddress())
            .log("keep-alive ping unanswered, closing session");
        terminate(ar.cause());
      }
    });
  }

  /** Tells the peer to open no more streams; existing ones go on. */
  public void goAway(MuxErrorCode code) {
    onContext(() -> {
      if (!goAwaySent && !closed) {
        goAwaySent = true;
        sendFrame(Frame.TYPE_GO_AWAY, 0, 0, code.value(), null);
      }
    });
  }

  /** Closes the transport; every open stream is reset with {@link MuxErrorCode#SESSION_CLOSED}. */
  public Future<Void> close() {
    onContext(() -> {
      if (!closed) {
        if (!goAwaySent) {
          goAwaySent = true;
          sendFrame(Frame.TYPE_GO_AWAY, 0, 0, MuxErrorCode.NORMAL.value(), null);
        }
        terminate(null);
      }
    });
    return closedPromise.future();
  }

  private void onTransportClosed(Throwable err) {
    if (!closed) {
      terminate(err);
    }
  }

  private void terminate(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    closeCause = cause;
    if (keepAliveTimer >= 0) {
      context.owner().cancelTimer(keepAliveTimer);
    }
    for (MuxStream s : new ArrayList<>(streams.values())) {
      s.onReset(MuxErrorCode.SESSION_CLOSED, true);
    }
    streams.clear();
    for (PendingPing p : pings.values()) {
      p.promise().tryFail(new MuxException(MuxErrorCode.SESSION_CLOSED, "session closed"));
    }
    pings.clear();
    flushFrames();                                  // the GO_AWAY and anything else still in the batch
    transport.close();
    Handler<Throwable> h = closeHandler;
    if (h != null) {
      h.handle(cause);
    }
    closedPromise.tryComplete();
  }

  /** @return why the session closed, or null while open or after a clean close */
  public Throwable closeCause() {
    return closeCause;
  }

  void removeStream(MuxStream s) {
    streams.remove(s.id());
  }

  private void onContext(Runnable r) {
    if (context.nettyEventLoop().inEventLoop()) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }
}
