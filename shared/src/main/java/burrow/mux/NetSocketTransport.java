package burrow.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * A {@link MuxTransport} over a Vert.x {@link NetSocket} (plain TCP or TLS). Reads and frame writes use the socket's
 * raw Netty messages, so neither side copies: Vert.x would copy each buffer read into a heap buffer, and Netty's TLS
 * handler each heap frame written into direct memory (see {@link burrow.net.OwnedBuffers}).
 */
public final class NetSocketTransport implements MuxTransport {
  private final NetSocket socket;

  public NetSocketTransport(NetSocket socket) {
    this.socket = socket;
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
    return ((NetSocketInternal) socket).writeMessage(frame);
  }

  @Override
  public ByteBufAllocator alloc() {
    return ((NetSocketInternal) socket).channelHandlerContext().alloc();
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
    return socket.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
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
