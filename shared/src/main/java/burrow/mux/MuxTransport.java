package burrow.mux;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * The byte pipe a {@link MuxSession} runs over: a TCP or TLS socket, or an in-memory pair in tests.
 * All methods are called on the session's context, and all handlers are called on it.
 */
public interface MuxTransport {
  void handler(Handler<Buffer> handler);

  void closeHandler(Handler<Void> handler);

  void exceptionHandler(Handler<Throwable> handler);

  Future<Void> write(Buffer data);

  boolean writeQueueFull();

  void drainHandler(Handler<Void> handler);

  Future<Void> close();

  /** @return the peer's address, for logs */
  String remoteAddress();
}
