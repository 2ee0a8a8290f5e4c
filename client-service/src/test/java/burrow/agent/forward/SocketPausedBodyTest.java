package burrow.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A response body paused at its socket: a local service that closes its connection after an HTTP/1.0 body while the
 * body is paused still delivers all of it, and a kept-alive connection reads again for its next exchange.
 *
 * <p>What these do not pin down: the race the class exists for (the service's close handled while Vert.x's own pause
 * held the rest of the body) depends on timing. With Vert.x's pause in place of the socket's, the first test failed
 * with {@code HttpClosedException} in one run and passed in later ones; the reproduction is end to end, a quick start
 * beside {@code python3 -m http.server} downloading 1 MiB with curl (a cut body in each of six starts before the fix,
 * none in 480 downloads after it).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SocketPausedBodyTest {
  static final int BODY = 1024 * 1024;

  /** Answers every connection once in HTTP/1.0 with a {@code BODY}-byte body, then closes it ({@code closed}). */
  static NetServer closingService(Vertx vertx, Promise<Void> closed) {
    Buffer body = Buffer.buffer(new byte[BODY]);
    return vertx.createNetServer(new NetServerOptions().setSendBufferSize(4 * 1024 * 1024))
        .connectHandler(so -> so.handler(RecordParser.newDelimited("\r\n\r\n", head -> {
          so.handler(null);
          so.closeHandler(v -> closed.tryComplete());
          so.write("HTTP/1.0 200 OK\r\nContent-Length: " + BODY + "\r\n\r\n");
          so.end(body);                                        // the body, then the close (as python3 -m http.server)
        }))).listen(0, "127.0.0.1").await();
  }

  /** Runs {@code chain} on {@code loop}; the result may be awaited from the test's thread. */
  static <T> Future<T> on(Context loop, Supplier<Future<T>> chain) {
    Promise<T> result = Promise.promise();
    loop.runOnContext(v -> chain.get().onComplete(result));
    return result.future();
  }

  static HttpClient client(Vertx vertx) {
    return vertx.createHttpClient(new HttpClientOptions().setMaxChunkSize(64 * 1024), new PoolOptions().setHttp1MaxSize(1));
  }

  @Test
  void aServiceThatClosesWhileTheBodyIsPausedDeliversAllOfIt(Vertx vertx) {
    Promise<Void> closed = Promise.promise();
    NetServer service = closingService(vertx, closed);
    HttpClient client = client(vertx);
    AtomicLong received = new AtomicLong();
    Promise<Void> ended = Promise.promise();
    java.util.concurrent.atomic.AtomicReference<Context> loop = new java.util.concurrent.atomic.AtomicReference<>();
    Future<ReadStream<Buffer>> paused = client.request(new RequestOptions().setHost("127.0.0.1")
            .setPort(service.actualPort()).setURI("/big.bin"))
        .compose(req -> req.send())
        .map(resp -> {
          ReadStream<Buffer> body = SocketPausedBody.of(resp);
          assertThat(body).isNotSameAs(resp);                  // an HTTP/1.1 client connection has a socket
          body.handler(b -> received.addAndGet(b.length()));
          body.exceptionHandler(ended::tryFail);
          body.endHandler(v -> ended.tryComplete());
          body.pause();                                         // like the pipe when the tunnel's window is full
          loop.set(io.vertx.core.Vertx.currentContext());
          return body;
        });
    ReadStream<Buffer> body = paused.await();
    closed.future().await();                                    // the service has written everything and closed
    loop.get().runOnContext(v -> body.resume());              // where the pipe would resume it: the body's loop
    ended.future().await();
    assertThat(received.get()).isEqualTo(BODY);
    client.close().await();
  }

  @Test
  void aKeptAliveConnectionReadsAgainAfterABodyThatEndedPaused(Vertx vertx) {
    Buffer body = Buffer.buffer(new byte[256 * 1024]);
    var service = vertx.createHttpServer().requestHandler(req -> req.response().end(body)).listen(0, "127.0.0.1").await();
    HttpClient client = client(vertx);                          // one connection: the second exchange reuses it
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(service.actualPort()).setURI("/");
    AtomicLong first = new AtomicLong();
    // Both exchanges start on one event loop, the loop of the pooled connection, as the agent's do (its session's). A
    // request made from another thread gets another loop, and there Vert.x may hand the first chunks of a response
    // over before the handlers set in the response callback are in place.
    Context loop = vertx.getOrCreateContext();
    on(loop, () -> client.request(get).compose(req -> req.send()).compose(resp -> {
      Promise<Void> ended = Promise.promise();
      ReadStream<Buffer> b = SocketPausedBody.of(resp);
      b.handler(chunk -> {
        first.addAndGet(chunk.length());
        b.pause();                                              // every chunk pauses; nothing resumes before the end
      });
      b.endHandler(v -> ended.complete());
      vertx.setPeriodic(1, id -> {
        if (ended.future().isComplete()) {
          vertx.cancelTimer(id);
        } else {
          b.resume();
        }
      });
      return ended.future();
    })).await();
    assertThat(first.get()).isEqualTo(body.length());
    // the connection went back to the pool reading: the next exchange on it is answered
    Buffer second = on(loop, () -> client.request(get).compose(req -> req.send()).compose(HttpClientResponse::body))
        .await();
    assertThat(second.length()).isEqualTo(body.length());
    client.close().await();
  }
}
