package burrow.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The byte pipe a {@link MuxSession} runs over: a TCP or TLS socket, or an in-memory pair in tests.
 * All methods are called on the session's context, and all handlers are called on it.
 *
 * <p>The session reads with {@link #byteHandler} and writes with {@link #writeFrame}, which pass Netty buffers and
 * their references (no copies on a socket); the {@code Buffer} methods are what a simple transport implements, and the
 * defaults adapt them.
 */
public interface MuxTransport {
  void handler(Handler<Buffer> handler);

  /** Called with each buffer read; the handler owns it and releases it. Default: {@link #handler}'s buffers. */
  default void byteHandler(Handler<ByteBuf> handler) {
    handler(b -> handler.handle(((BufferInternal) b).getByteBuf()));
  }

  void closeHandler(Handler<Void> handler);

  void exceptionHandler(Handler<Throwable> handler);

  Future<Void> write(Buffer data);

  /**
   * Writes encoded frames and releases the buffer; they may wait for {@link #flush()}. Default: a heap copy through
   * {@link #write}, at once.
   */
  default Future<Void> writeFrame(ByteBuf frame) {
    try {
      return write(Buffer.buffer(ByteBufUtil.getBytes(frame)));
    } finally {
      frame.release();
    }
  }

  /** Sends everything written with {@link #writeFrame}. Called once per event-loop turn in which frames were written. */
  default void flush() {
  }

  /** @return the allocator for frames given to {@link #writeFrame} */
  default ByteBufAllocator alloc() {
    return ByteBufAllocator.DEFAULT;
  }

  boolean writeQueueFull();

  void drainHandler(Handler<Void> handler);

  Future<Void> close();

  /** @return the peer's address, for logs */
  String remoteAddress();
}
