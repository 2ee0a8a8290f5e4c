package burrow.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP connection on a bare Netty channel, run on one Vert.x event-loop context: a {@link BridgeSocket} with
 * half-close both ways, backpressure, and buffers passed on without copies ({@link OwnedBuffers}).
 *
 * <p>Why not a Vert.x {@code NetSocket}: every NetSocket allocates an outbound message queue whose first chunk is an
 * array of 1,025 slots (about 4.7 KiB with its queue object, Netty's {@code MpscUnboundedArrayQueue}), which no option
 * reaches, and copies every buffer it reads. A tunnel edge holds one such connection per public client, and an agent
 * one per local connection, so that was more than half of the heap of an idle connection, and the copies most of
 * the Java CPU of a fast stream. Here a connection is Netty's channel plus this object.
 *
 * <p>Reading: the channel never reads on its own ({@code AUTO_READ} off); it reads while there is demand, so a paused
 * socket leaves bytes in the kernel's buffer (and TCP's window stops the peer). Buffers read within one read loop
 * after a pause wait here, at most one loop's worth. The peer's FIN ends this read stream after every byte before it
 * ({@code ALLOW_HALF_CLOSURE}), and our write side stays open. Read buffers are handed to the handler owned.
 *
 * <p>Writing: writes are queued on the channel and flushed once per event-loop turn (one {@code writev} for every
 * buffer written in that turn); {@link #writeQueueFull()} follows the channel's write-buffer water marks.
 * {@link #end()} sends our FIN once every earlier write is on the wire. The socket closes itself once both
 * directions are done.
 *
 * <p>Threading: handlers are called on the socket's context. Writes usually come on that context (the bridge's pipes
 * run there); from another thread (a stream relayed from another node's session) they are handed to the channel's
 * event loop in call order, and count towards {@link #writeQueueFull()} until they reach the channel.
 */
public final class ChannelSocket implements BridgeSocket {
  private static final Object END = new Object();
  private static final int LOW_WATER = 64 * 1024;
  private static final int HIGH_WATER = 256 * 1024;
  /**
   * Largest single read: 256 KiB (Netty's default is 64 KiB). A fast stream then takes a quarter of the reads, of the
   * flushes to the link and of the window updates that wake the sender; each read still sizes itself to what arrives
   * (Netty's adaptive guess), so a quiet connection reads into small buffers. With loopback connections unpaced
   * ({@link LoopbackTcp}), bench/tcp-bench.sh measured one stream at 64-73% of the socat hop against 55-65% for a pair
   * with 64 KiB reads in the same runs, and edge + agent CPU per GiB fell by about a seventh (docs/PERFORMANCE.md, "TCP
   * tunnels"). {@code -Dburrow.tcpReadMax=65536} restores the default, for that side-by-side run.
   */
  private static final AdaptiveRecvByteBufAllocator READS =        // shareable: each channel makes its own handle
      new AdaptiveRecvByteBufAllocator(64, 2048, Integer.getInteger("burrow.tcpReadMax", 256 * 1024));

  private final ContextInternal context;
  private final Channel channel;
  private ArrayDeque<Object> pending;            // ByteBufs (and END) read while paused; at most one read loop's worth
  private long demand;
  private boolean readRequested;
  private boolean inputDone;
  private boolean outputDone;
  private boolean flushScheduled;
  private boolean closing;
  private boolean abnormal = true;
  private ChannelFuture lastWrite;
  private Future<Void> shutdown;
  private final AtomicLong crossThreadBytes = new AtomicLong();  // written from another thread, not yet on the channel
  private final AtomicInteger queuedOps = new AtomicInteger();    // writes and ends queued from another thread
  private volatile boolean drainWanted;                           // a writer saw writeQueueFull() and waits for drain
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> drainHandler;
  private Handler<Void> closeHandler;
  private final Runnable flushTask = this::flushNow;

  private ChannelSocket(ContextInternal context, Channel channel) {
    this.context = context;
    this.channel = channel;
  }

  /** Configures an unregistered or fresh channel and adds the socket's handler; call on the channel's event loop. */
  static ChannelSocket attach(ContextInternal context, Channel channel) {
    channel.config().setAutoRead(false);
    channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(LOW_WATER, HIGH_WATER));
    channel.config().setRecvByteBufAllocator(READS);
    ChannelSocket s = new ChannelSocket(context, channel);
    channel.pipeline().addLast("burrow-socket", s.new Inbound());
    return s;
  }

  /**
   * Connects to {@code host:port} on {@code context}'s event loop, resolving the name with Vert.x's resolver (never
   * blocking the loop). The socket starts paused.
   */
  public static Future<ChannelSocket> connect(ContextInternal context, String host, int port, int connectTimeoutMillis) {
    VertxInternal vertx = context.owner();
    Promise<ChannelSocket> promise = context.promise();
    ChannelSocket[] made = new ChannelSocket[1];
    Bootstrap b = new Bootstrap()
        .group(context.nettyEventLoop())
        .channelFactory(vertx.transport().channelFactory(false))
        .resolver(vertx.nameResolver().nettyAddressResolverGroup())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            made[0] = attach(context, ch);
          }
        });
    b.connect(InetSocketAddress.createUnresolved(host, port)).addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        LoopbackTcp.tune(f.channel());
        promise.complete(made[0]);
      } else {
        promise.fail(f.cause());
      }
    });
    return promise.future();
  }

  /** The Netty channel, for tests of its socket options. */
  Channel channel() {
    return channel;
  }

  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public boolean takesOwnedBuffers() {
    return true;
  }

  @Override
  public boolean closedCleanly() {
    return !abnormal;
  }

  @Override
  public ChannelSocket closeHandler(Handler<Void> handler) {
    this.closeHandler = handler;
    return this;
  }

  // ---------------------------------------------------------------- ReadStream

  @Override
  public ChannelSocket handler(Handler<Buffer> handler) {
    onLoop(() -> this.handler = handler);
    return this;
  }

  @Override
  public ChannelSocket exceptionHandler(Handler<Throwable> handler) {
    onLoop(() -> this.exceptionHandler = handler);
    return this;
  }

  @Override
  public ChannelSocket endHandler(Handler<Void> handler) {
    onLoop(() -> this.endHandler = handler);
    return this;
  }

  @Override
  public ChannelSocket pause() {
    onLoop(() -> demand = 0);
    return this;
  }

  @Override
  public ChannelSocket resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ChannelSocket fetch(long amount) {
    onLoop(() -> {
      demand += amount;
      if (demand < 0) {
        demand = Long.MAX_VALUE;
      }
      drainPending();
      requestRead();
    });
    return this;
  }

  private void requestRead() {
    if (demand > 0 && !readRequested && !inputDone && (pending == null || pending.isEmpty()) && channel.isActive()) {
      readRequested = true;
      channel.read();
    }
  }

  private void drainPending() {
    while (demand > 0 && pending != null && !pending.isEmpty()) {
      deliver(pending.poll());
    }
  }

  private void onRead(Object msg) {
    if (demand > 0 && (pending == null || pending.isEmpty())) {
      deliver(msg);
    } else {
      if (pending == null) {
        pending = new ArrayDeque<>(4);
      }
      pending.add(msg);
    }
  }

  private void deliver(Object msg) {
    if (msg == END) {
      inputDone = true;
      Handler<Void> h = endHandler;
      if (h != null) {
        context.dispatch(null, h);
      }
      maybeClose();
      return;
    }
    ByteBuf buf = (ByteBuf) msg;
    Handler<Buffer> h = handler;
    if (h == null) {
      buf.release();                                  // no reader: dropped, as a Vert.x NetSocket does
      return;
    }
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    context.dispatch(OwnedBuffers.wrap(buf), h);
  }

  // ---------------------------------------------------------------- WriteStream

  @Override
  public Future<Void> write(Buffer data) {
    ByteBuf msg = OwnedBuffers.take(data);
    PromiseInternal<Void> promise = context.promise();
    if (inOrderNow()) {
      writeNow(msg, promise);
    } else {
      int n = msg.readableBytes();
      crossThreadBytes.addAndGet(n);
      later(() -> {
        crossThreadBytes.addAndGet(-n);
        writeNow(msg, promise);
        maybeDrain();
      });
    }
    return promise.future();
  }

  private void writeNow(ByteBuf msg, PromiseInternal<Void> promise) {
    lastWrite = channel.write(msg);
    lastWrite.addListener(promise);
    scheduleFlush();
  }

  /**
   * Whether a write or end may run right here: on the channel's event loop with nothing still queued from another
   * thread, so that writes and the FIN keep the order they were called in.
   */
  private boolean inOrderNow() {
    return channel.eventLoop().inEventLoop() && queuedOps.get() == 0;
  }

  /** Queues a write-side operation on the channel's event loop, behind every one queued before it. */
  private void later(Runnable r) {
    queuedOps.incrementAndGet();
    channel.eventLoop().execute(() -> {
      queuedOps.decrementAndGet();
      r.run();
    });
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      channel.eventLoop().execute(flushTask);       // after this turn's other writes: one writev for all of them
    }
  }

  private void flushNow() {
    flushScheduled = false;
    channel.flush();
  }

  /** Sends our FIN after every earlier write has gone out; reading goes on. */
  @Override
  public Future<Void> end() {
    Promise<Void> p = context.promise();
    if (inOrderNow()) {
      doEnd(p);
    } else {
      later(() -> doEnd(p));
    }
    return p.future();
  }

  private void doEnd(Promise<Void> p) {
    if (outputDone) {
      (shutdown == null ? context.<Void>succeededFuture() : shutdown).onComplete(p);
      return;
    }
    outputDone = true;
    Promise<Void> done = context.promise();
    shutdown = done.future();
    if (lastWrite == null || lastWrite.isDone()) {
      Channels.shutdownOutput(channel, done);
    } else {
      lastWrite.addListener(f -> Channels.shutdownOutput(channel, done));
    }
    shutdown.onComplete(ar -> maybeClose());
    shutdown.onComplete(p);
  }

  @Override
  public ChannelSocket setWriteQueueMaxSize(int maxSize) {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(Math.max(1, maxSize / 2), Math.max(1, maxSize)));
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    boolean full = !channel.isWritable() || crossThreadBytes.get() >= HIGH_WATER;
    if (full) {
      drainWanted = true;
    }
    return full;
  }

  @Override
  public ChannelSocket drainHandler(Handler<Void> handler) {
    // A writer on another thread sets this after it saw the queue full; the channel may have drained in between (on
    // its loop), so look again there rather than lose the wake-up.
    onLoop(() -> {
      this.drainHandler = handler;
      maybeDrain();
    });
    return this;
  }

  /** Calls the drain handler once a writer that saw the queue full can write again. On the event loop. */
  private void maybeDrain() {
    Handler<Void> h = drainHandler;
    if (h != null && drainWanted && channel.isWritable() && crossThreadBytes.get() < HIGH_WATER) {
      drainWanted = false;
      context.dispatch(null, h);
    }
  }

  // ---------------------------------------------------------------- close

  private void maybeClose() {
    if (inputDone && shutdown != null && shutdown.isComplete() && !closing) {
      closing = true;
      abnormal = shutdown.failed();
      channel.close();
    }
  }

  /** Aborts both directions with a TCP RST. */
  @Override
  public void reset() {
    onLoop(() -> {
      if (closing) {
        return;
      }
      closing = true;
      abnormal = true;
      try {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
      } catch (RuntimeException ignored) {
        // already closed
      }
      channel.close();
    });
  }

  private void releasePending() {
    if (pending != null) {
      for (Object o : pending) {
        if (o != END) {
          ReferenceCountUtil.safeRelease(o);
        }
      }
      pending.clear();
    }
  }

  private void onLoop(Runnable r) {
    if (channel.eventLoop().inEventLoop()) {
      r.run();
    } else {
      channel.eventLoop().execute(r);
    }
  }

  /** The channel's events, on its event loop. */
  private final class Inbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      onRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      readRequested = false;
      requestRead();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        onRead(END);                                  // in order, behind bytes still waiting for demand
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      maybeDrain();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Handler<Throwable> h = exceptionHandler;
      if (h != null) {
        context.dispatch(cause, h);
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releasePending();
      closing = true;
      Handler<Void> h = closeHandler;
      if (h != null) {
        context.dispatch(null, h);
      }
    }
  }
}
