package burrow.mux;

import burrow.net.LoopbackTcp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * A {@link MuxTransport} over a Vert.x {@link NetSocket} (plain TCP or TLS). Reads and frame writes use the socket's
 * raw Netty messages, so neither side copies: Vert.x would copy each buffer read into a heap buffer, and Netty's TLS
 * handler each heap frame written into direct memory (see {@link burrow.net.OwnedBuffers}).
 *
 * <p>Frames written on the socket's event loop go straight to the channel and wait for {@link #flush()}, which the
 * session calls once per event-loop turn: one TLS write and one syscall for all of them, where Vert.x flushes every
 * write. The TLS handler is told to encrypt each written buffer as it is ({@code wrapDataSize} 0), since the session
 * already batches small frames into record-sized buffers; its own coalescing would copy every large payload again.
 * Written elsewhere (a session whose context is not the socket's), frames go through Vert.x as before.
 */
public final class NetSocketTransport implements MuxTransport {
  private final NetSocket socket;
  private final ChannelHandlerContext ctx;
  private volatile Handler<Void> drainHandler;

  public NetSocketTransport(NetSocket socket) {
    this.socket = socket;
    this.ctx = ((NetSocketInternal) socket).channelHandlerContext();
    // A turn's frames wait for one flush: room for a few windows' worth before the session counts the link as full
    // (Netty's default of 64 KiB would stop every stream mid-turn, long before the kernel's buffer is full).
    ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
    LoopbackTcp.tune(ctx.channel());                    // an embedded or local edge: no pacing on this host
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl != null) {
      ssl.setWrapDataSize(0);
    }
    // Writes that bypass Vert.x's queue are not in its writability bookkeeping: watch the channel's own.
    ctx.pipeline().addBefore(ctx.name(), "burrow-writability", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext c) {
        Handler<Void> h = drainHandler;
        if (h != null && c.channel().isWritable()) {
          h.handle(null);
        }
        c.fireChannelWritabilityChanged();
      }
    });
  }

  public NetSocket socket() {
    return socket;
  }

  @Override
  public void handler(Handler<Buffer> handler) {
    socket.handler(handler);
  }

  @Override
  public void byteHandler(Handler<ByteBuf> handler) {
    ((NetSocketInternal) socket).messageHandler(msg -> {
      if (msg instanceof ByteBuf b) {
        handler.handle(b);
      } else {
        ReferenceCountUtil.release(msg);
      }
    });
  }

  @Override
  public Future<Void> writeFrame(ByteBuf frame) {
    if (!ctx.executor().inEventLoop()) {
      return ((NetSocketInternal) socket).writeMessage(frame);
    }
    Promise<Void> p = Promise.promise();
    ctx.write(frame).addListener((PromiseInternal<Void>) p);
    return p.future();
  }

  @Override
  public void flush() {
    if (ctx.executor().inEventLoop()) {
      ctx.flush();
    }
  }

  @Override
  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    socket.closeHandler(handler);
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
    socket.exceptionHandler(handler);
  }

  @Override
  public Future<Void> write(Buffer data) {
    return socket.write(data);
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull() || !ctx.channel().isWritable();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    socket.drainHandler(handler);
  }

  @Override
  public Future<Void> close() {
    return socket.close();
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(socket.remoteAddress());
  }
}
