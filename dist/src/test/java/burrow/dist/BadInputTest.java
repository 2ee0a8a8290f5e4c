package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Hostile or broken input on the public and control ports is answered or dropped alone; the tunnel lives on. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BadInputTest extends TunnelTestBase {
  HttpClient client;
  NetClient raw;
  URI url;

  @BeforeEach
  void setUp(Vertx vertx) {
    dev = DevStack.start(vertx).await();
    HttpServer upstream = upstream(vertx, req -> req.response().end("fine")).await();
    url = tunnel(http("web", upstream.actualPort()), "http").await();
    client = vertx.createHttpClient();
    raw = vertx.createNetClient();
  }

  Future<String> get() {
    return Http.exchange(client, TunnelTestBase.to(url, HttpMethod.GET, "/")).map(Http.Reply::line);
  }

  /** Writes {@code bytes}, then collects what comes back until the peer closes the connection. */
  Future<Buffer> sendAndReadUntilClosed(int port, Buffer bytes) {
    return raw.connect(port, "127.0.0.1").compose((NetSocket so) -> {
      Promise<Buffer> closed = Promise.promise();
      Buffer got = Buffer.buffer();
      so.handler(got::appendBuffer);
      so.closeHandler(v -> closed.tryComplete(got));
      so.exceptionHandler(err -> { });
      so.write(bytes);
      return closed.future();
    });
  }

  @Test
  void oversizeRequestHeadGets431NotAHang(VertxTestContext ctx) {
    String head = "GET / HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort() + "\r\nX-Big: " + "a".repeat(70 * 1024)
        + "\r\n\r\n";
    sendAndReadUntilClosed(url.getPort(), Buffer.buffer(head))
        .compose(reply -> get().map(after -> reply.toString().lines().findFirst().orElse("") + " | " + after))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s).startsWith("HTTP/1.1 431").endsWith("| 200 fine");
          ctx.completeNow();
        })));
  }

  @Test
  void garbageOnTheControlPortClosesOnlyThatConnection(VertxTestContext ctx) {
    byte[] junk = new byte[4096];
    new java.util.Random(7).nextBytes(junk);
    int control = dev.edge.controlPort();
    sendAndReadUntilClosed(control, Buffer.buffer(junk))
        .compose(r -> sendAndReadUntilClosed(control, Buffer.buffer("GET / HTTP/1.1\r\nHost: edge\r\n\r\n")))
        .compose(r -> sendAndReadUntilClosed(control, Buffer.buffer(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})))
        .compose(r -> get())
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s).isEqualTo("200 fine");
          assertThat(agents.get(0).isConnected()).isTrue();
          ctx.completeNow();
        })));
  }
}
