package burrow.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.impl.InboundBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A plain TCP {@link NetSocket} with TCP half-close in both directions, which Vert.x's NetSocket lacks
 * ({@code end()} closes both directions, and a peer's FIN closes the whole channel):
 * <ul>
 *   <li>reading: the peer's FIN (shutdown of its write side) ends this ReadStream <em>after</em> every byte before
 *       it, while our write side stays open;</li>
 *   <li>writing: {@link #end()} sends our FIN once every earlier write is on the wire, and keeps reading;</li>
 *   <li>{@link #reset()} aborts with a TCP RST (SO_LINGER 0).</li>
 * </ul>
 * The socket closes itself once both directions are done. Wrap a socket in its connect handler, before it reads.
 *
 * <p>How: Netty's {@code ALLOW_HALF_CLOSURE} turns the peer's FIN into a {@link ChannelInputShutdownEvent}; a handler
 * ahead of Vert.x's passes Vert.x's own end marker down the read path instead (what Vert.x itself does when a channel
 * closes), so it is delivered in order behind data still queued while the socket is paused; the event itself would
 * overtake that data.
 */
public final class HalfCloseSocket implements BridgeSocket {
  private final NetSocket socket;
  private final Channel channel;
  private final AtomicBoolean inputDone = new AtomicBoolean();
  private final AtomicBoolean outputDone = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Handler<Void> endHandler;
  private volatile Handler<Void> closeHandler;
  private volatile boolean abnormal = true;
  private volatile Future<Void> lastWrite = Future.succeededFuture();
  private volatile Future<Void> shutdown;

  private HalfCloseSocket(NetSocket socket) {
    this.socket = socket;
    ChannelHandlerContext vertxHandler = ((NetSocketInternal) socket).channelHandlerContext();
    this.channel = vertxHandler.channel();
    channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    vertxHandler.pipeline().addBefore(vertxHandler.name(), "burrow-half-close", new InputShutdownToEnd());
    socket.endHandler(v -> onInputEnd());
    socket.closeHandler(v -> {
      Handler<Void> h = closeHandler;
      if (h != null) {
        h.handle(null);
      }
    });
  }

  /**
   * Turns the peer's FIN into Vert.x's end marker, read like data: it then queues behind every byte that Vert.x
   * still holds for a paused socket (the connection's and the socket's own queues), and ends the stream in order.
   */
  private static final class InputShutdownToEnd extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.fireChannelRead(InboundBuffer.END_SENTINEL);
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }
  }

  /** Wraps a plain (non-TLS) socket; call in its connect handler, on its event loop. */
  public static HalfCloseSocket wrap(NetSocket socket) {
    return new HalfCloseSocket(socket);
  }

  public NetSocket socket() {
    return socket;
  }

  @Override
  public boolean closedCleanly() {
    return !abnormal;
  }

  private void onInputEnd() {
    if (!inputDone.compareAndSet(false, true)) {
      return;  // Vert.x ends the stream again when the channel closes
    }
    Handler<Void> h = endHandler;
    if (h != null) {
      h.handle(null);
    }
    maybeClose();
  }

  private void maybeClose() {
    if (inputDone.get() && outputDone.get() && shutdown != null && shutdown.isComplete()
        && closing.compareAndSet(false, true)) {
      abnormal = shutdown.failed();
      socket.close();
    }
  }

  /** Aborts both directions with a TCP RST. */
  @Override
  public void reset() {
    if (closing.compareAndSet(false, true)) {
      abnormal = true;
      try {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
      } catch (RuntimeException ignored) {
        // already closed
      }
      socket.close();
    }
  }

  /** Called when the socket is closed, cleanly or not; see {@link #closedCleanly()}. */
  @Override
  public HalfCloseSocket closeHandler(Handler<Void> handler) {
    this.closeHandler = handler;
    return this;
  }

  // ---------------------------------------------------------------- ReadStream

  @Override
  public HalfCloseSocket handler(Handler<Buffer> handler) {
    socket.handler(handler);
    return this;
  }

  @Override
  public HalfCloseSocket exceptionHandler(Handler<Throwable> handler) {
    socket.exceptionHandler(handler);
    return this;
  }

  @Override
  public HalfCloseSocket endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public HalfCloseSocket pause() {
    socket.pause();
    return this;
  }

  @Override
  public HalfCloseSocket resume() {
    socket.resume();
    return this;
  }

  @Override
  public HalfCloseSocket fetch(long amount) {
    socket.fetch(amount);
    return this;
  }

  // ---------------------------------------------------------------- WriteStream

  @Override
  public Future<Void> write(Buffer data) {
    Future<Void> f = socket.write(data);
    lastWrite = f;
    return f;
  }

  /** Sends our FIN after every earlier write has gone out; reading goes on. */
  @Override
  public Future<Void> end() {
    if (!outputDone.compareAndSet(false, true)) {
      return shutdown == null ? Future.succeededFuture() : shutdown;
    }
    Promise<Void> p = Promise.promise();
    lastWrite.onComplete(ar -> Channels.shutdownOutput(channel, p));
    shutdown = p.future();
    shutdown.onComplete(ar -> channel.eventLoop().execute(this::maybeClose));
    return shutdown;
  }

  @Override
  public HalfCloseSocket setWriteQueueMaxSize(int maxSize) {
    socket.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public HalfCloseSocket drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
    return this;
  }
}
