package burrow.net;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Buffers that carry a reference to pooled, direct memory, handed from one socket to the next without a copy.
 *
 * <p>Vert.x copies every buffer a socket reads into a fresh heap buffer ({@code VertxHandler.safeBuffer}), and Netty
 * copies every heap buffer a TLS or epoll channel writes into direct memory again: at several Gbit/s through a tunnel
 * those copies were most of the edge's and agent's Java CPU. On the paths burrow controls end to end (a public TCP
 * connection, the mux, the agent's local TCP connection) a buffer read from one channel is instead passed on as is,
 * and its reference goes with it: whoever holds an owned buffer writes it to a channel (which releases it) or calls
 * {@link #release}.
 *
 * <p>An owned buffer is told apart by its memory: direct. Buffers made by Vert.x or by application code are heap
 * buffers and are never owned; they are passed on as {@link BufferInternal#getByteBuf() slices} that nobody releases.
 */
public final class OwnedBuffers {
  private OwnedBuffers() {
  }

  /** Wraps {@code buf} without a copy; the returned buffer owns the reference. */
  public static Buffer wrap(ByteBuf buf) {
    return BufferInternal.buffer(buf);
  }

  /** @return true if {@code b} holds a reference to direct memory that its holder must pass on or release */
  public static boolean isOwned(Buffer b) {
    return b instanceof BufferInternal bi && raw(bi).isDirect();
  }

  /**
   * @return a ByteBuf for writing {@code b} to a Netty channel, which releases it: the owned reference itself, or a
   *     slice of a heap buffer (whose release does nothing to {@code b})
   */
  public static ByteBuf take(Buffer b) {
    BufferInternal bi = (BufferInternal) b;
    ByteBuf raw = raw(bi);
    return raw.isDirect() ? raw : bi.getByteBuf();
  }

  /** Releases {@code b} if it is owned; does nothing otherwise. */
  public static void release(Buffer b) {
    if (b instanceof BufferInternal bi) {
      ByteBuf raw = raw(bi);
      if (raw.isDirect() && raw.refCnt() > 0) {
        ReferenceCountUtil.safeRelease(raw);
      }
    }
  }

  /** A part of {@code b}, with a reference of its own when {@code b} is owned (so either can be released first). */
  public static Buffer slice(Buffer b, int start, int end) {
    BufferInternal bi = (BufferInternal) b;
    ByteBuf raw = raw(bi);
    if (raw.isDirect()) {
      return wrap(raw.retainedSlice(start, end - start));   // Buffer indices are absolute, as Vert.x's slice
    }
    return b.slice(start, end);
  }

  /** Appends the bytes of {@code b} to {@code out} (no slice object, as {@code getByteBuf()} would make). */
  public static void copyTo(Buffer b, ByteBuf out) {
    ByteBuf raw = raw((BufferInternal) b);
    out.writeBytes(raw, raw.readerIndex(), raw.readableBytes());
  }

  /** A heap copy of {@code length} bytes of {@code src} from {@code index}, for consumers that keep what they read. */
  public static Buffer copy(ByteBuf src, int index, int length) {
    ByteBuf heap = VertxByteBufAllocator.DEFAULT.heapBuffer(length, length);
    heap.writeBytes(src, index, length);
    return BufferInternal.buffer(heap);
  }

  private static ByteBuf raw(BufferInternal b) {
    return ((io.vertx.core.buffer.impl.BufferImpl) b).byteBuf();
  }
}
