package burrow.agent.forward;

import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.streams.ReadStream;

/**
 * A local service's response body whose {@link #pause()} stops reading at the socket (the connection's Netty
 * {@code autoRead}) instead of pausing Vert.x's {@link HttpClientResponse}.
 *
 * <p>Why: Vert.x 5.0 pauses a response by queueing the connection's decoded messages behind it, and when the
 * connection closes it fails the response ("Connection was closed") before it delivers that queue. A local service
 * that closes its connection after the body (HTTP/1.0, or {@code Connection: close}: {@code python3 -m http.server}
 * does) while the tunnel's window held the body paused lost the rest of the body: the public client got the first
 * window (256 KiB) and then a cut connection, or waited forever. With reading stopped at the socket, the unread bytes
 * wait in the kernel; when the service's FIN arrives Netty reads them all (it drains a half-closed socket whatever
 * {@code autoRead} says) and Vert.x delivers them and the end before it handles the close.
 *
 * <p>So chunks can still arrive after {@code pause()}: what one read already held, or the rest of the body when the
 * service closes. The pipe writes them to the mux stream, which queues them: a bound of the socket's receive buffer.
 * The response ends with reading switched back on, so the pooled connection serves its next exchange normally.
 */
final class SocketPausedBody implements ReadStream<Buffer> {
  private final HttpClientResponse resp;
  private final Channel channel;
  private boolean stopped;          // this body switched reading off and has not switched it back on
  private boolean done;             // ended or failed: the connection may serve another exchange now

  private SocketPausedBody(HttpClientResponse resp, Channel channel) {
    this.resp = resp;
    this.channel = channel;
  }

  /** @return the body of {@code resp}, paused at its socket; {@code resp} itself when its connection has no socket */
  static ReadStream<Buffer> of(HttpClientResponse resp) {
    // ConnectionBase is Vert.x's internal connection class (io.vertx.core.net.impl): the public API has no way to the
    // Netty channel. An HTTP/1.x client connection is one; anything else keeps Vert.x's own pause.
    HttpConnection conn = resp.request().connection();
    if (conn instanceof ConnectionBase base && base.channel() != null) {
      return new SocketPausedBody(resp, base.channel());
    }
    return resp;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    resp.exceptionHandler(finishingFirst(handler));
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    resp.handler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    if (!done && !stopped) {
      stopped = true;
      channel.config().setAutoRead(false);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    if (stopped) {
      stopped = false;
      channel.config().setAutoRead(true);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    return amount > 0 ? resume() : this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    resp.endHandler(finishingFirst(handler));
    return this;
  }

  /** {@code handler}, called after {@link #finish()}: the end and the failure of the body both finish it. */
  private <T> Handler<T> finishingFirst(Handler<T> handler) {
    return handler == null ? null : event -> {
      finish();
      handler.handle(event);
    };
  }

  /** The exchange is over: reading goes back on, and later pauses and resumes (a late drain) do nothing. */
  private void finish() {
    resume();
    done = true;
  }
}
