package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HttpTunnelTest {
  DevStack dev;
  HttpServer upstream;
  EdgeSession agent;
  HttpClient client;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    upstream = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> req.response()
            .putHeader("X-Seen-Host", req.getHeader("Host"))
            .putHeader("X-Seen-XFF", String.valueOf(req.getHeader("X-Forwarded-For")))
            .putHeader("X-Seen-Proto", String.valueOf(req.getHeader("X-Forwarded-Proto")))
            .end(req.method() + " " + req.uri() + " " + body.length())))
        .listen(0, "127.0.0.1").await();
    dev = DevStack.start(vertx).await();
    client = vertx.createHttpClient(new HttpClientOptions());
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close().await();
    }
    dev.close().await();
  }

  @Test
  void getAndPostThroughTheTunnel(Vertx vertx, VertxTestContext ctx) {
    agent = dev.agent(List.of(TunnelDefinition.http("web", "127.0.0.1:" + upstream.actualPort())));
    agent.start().compose(urls -> {
      URI u = URI.create(urls.get("web").stream().filter(s -> s.startsWith("http:")).findFirst().orElseThrow());
      assertThat(u.getHost()).matches("[0-9a-f]{8}\\.localhost");
      return send(HttpMethod.GET, u, "/hello?x=1", null)
          .compose(r1 -> r1.body().map(b -> {
            ctx.verify(() -> {
              assertThat(r1.statusCode()).isEqualTo(200);
              assertThat(b.toString()).isEqualTo("GET /hello?x=1 0");
              assertThat(r1.getHeader("X-Seen-XFF")).isEqualTo("127.0.0.1");
              assertThat(r1.getHeader("X-Seen-Proto")).isEqualTo("http");
              assertThat(r1.getHeader("X-Seen-Host")).isEqualTo(u.getHost() + ":" + u.getPort());
            });
            return u;
          }))
          .compose(v -> send(HttpMethod.POST, u, "/p", Buffer.buffer("abc")))
          .compose(r2 -> r2.body());
    }).onComplete(ctx.succeeding(b -> ctx.verify(() -> {
      assertThat(b.toString()).isEqualTo("POST /p 3");
      ctx.completeNow();
    })));
  }

  Future<HttpClientResponse> send(HttpMethod m, URI u, String path, Buffer body) {
    return client.request(new RequestOptions().setMethod(m).setHost("127.0.0.1").setPort(u.getPort()).setURI(path)
            .putHeader("Host", u.getHost() + ":" + u.getPort()))
        .compose(req -> body == null ? req.send() : req.send(body));
  }
}
