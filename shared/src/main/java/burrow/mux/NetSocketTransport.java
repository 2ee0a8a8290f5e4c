package burrow.mux;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** A {@link MuxTransport} over a Vert.x {@link NetSocket} (plain TCP or TLS). */
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
