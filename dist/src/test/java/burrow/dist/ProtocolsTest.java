package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Protocols past plain HTTP/1.1: WebSocket upgrades piped end to end, and HTTP/2 on the HTTPS listener. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ProtocolsTest extends TunnelTestBase {
  HttpServer upstream;
  WebSocketClient ws;
  HttpClient h2;

  @BeforeEach
  void setUp(Vertx vertx) {
    dev = DevStack.start(vertx).await();
    upstream = vertx.createHttpServer()
        .webSocketHandler(socket -> socket.textMessageHandler(m -> socket.writeTextMessage("echo:" + m)))
        .requestHandler(req -> req.body().onSuccess(b -> req.response().end(req.method() + " " + req.uri() + " "
            + req.version() + " " + b.length())))
        .listen(0, "127.0.0.1").await();
    upstreams.add(upstream);
  }

  @Test
  void webSocketEchoesEndToEnd(Vertx vertx, VertxTestContext ctx) {
    ws = vertx.createWebSocketClient();
    List<String> got = new ArrayList<>();
    tunnel(http("ws", upstream.actualPort()), "http")
        // The WebSocket client resolves the host itself (it ignores setServer), so dial 127.0.0.1 and name the tunnel.
        .compose(u -> ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(u.getPort())
            .setURI("/socket").putHeader("Host", u.getHost() + ":" + u.getPort())))
        .compose(socket -> {
          io.vertx.core.Promise<Void> three = io.vertx.core.Promise.promise();
          socket.textMessageHandler(m -> {
            got.add(m);
            if (got.size() == 3) {
              three.tryComplete();
            }
          });
          socket.writeTextMessage("one");
          socket.writeTextMessage("two");
          socket.writeTextMessage("x".repeat(100_000));
          return three.future().compose(v -> socket.close());
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(got.subList(0, 2)).containsExactly("echo:one", "echo:two");
          assertThat(got.get(2)).isEqualTo("echo:" + "x".repeat(100_000));
          ctx.completeNow();
        })));
  }

  @Test
  void http2OverTheHttpsListenerViaAlpn(Vertx vertx, VertxTestContext ctx) {
    h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true)
        .setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(dev.edge.generatedCaPem()))));
    tunnel(http("h2", upstream.actualPort()), "https")
        .compose((URI u) -> h2.request(TunnelTestBase.to(u, HttpMethod.GET, "/a?b=c"))
            .compose(req -> req.send())
            .compose(r1 -> r1.body().map(b -> {
              ctx.verify(() -> {
                assertThat(r1.version()).isEqualTo(HttpVersion.HTTP_2);
                assertThat(r1.statusCode()).isEqualTo(200);
                assertThat(b.toString()).isEqualTo("GET /a?b=c HTTP_1_1 0");
              });
              return u;
            }))
            .compose(v -> h2.request(TunnelTestBase.to(u, HttpMethod.POST, "/p")))
            .compose(req -> req.send(Payload.chunk(0, 40_000)))
            .compose(r2 -> r2.body().map(b -> r2.version() + " " + b)))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s).isEqualTo("HTTP_2 POST /p HTTP_1_1 40000");
          ctx.completeNow();
        })));
  }
}
