package burrow.net;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * A TCP connection that {@link StreamBridge} joins to a mux stream: a byte stream both ways with TCP half-close
 * ({@link #end()} sends a FIN and reading goes on; the peer's FIN ends the read side), and an abort with a TCP RST.
 */
public interface BridgeSocket extends ReadStream<Buffer>, WriteStream<Buffer> {
  @Override
  BridgeSocket exceptionHandler(Handler<Throwable> handler);

  /** Aborts both directions with a TCP RST. */
  void reset();

  /** Called once when the connection is closed, cleanly or not; see {@link #closedCleanly()}. */
  BridgeSocket closeHandler(Handler<Void> handler);

  /** @return true when the connection closed by itself after both directions finished, false after a reset or error */
  boolean closedCleanly();

  /**
   * @return true if {@link #write} takes {@link OwnedBuffers owned} buffers (and releases them), so a mux stream may
   *     hand it the buffers it read without copying them
   */
  default boolean takesOwnedBuffers() {
    return false;
  }
}
