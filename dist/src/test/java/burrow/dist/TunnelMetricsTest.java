package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.console.AgentStatus;
import burrow.agent.console.ConsoleScreen;
import burrow.agent.session.EdgeSession;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Requests through a real tunnel update the tunnel's conns/http metrics (the API shape) and the console's list. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelMetricsTest {
  @Test
  void requestsAreCountedTimedAndListed(Vertx vertx) {
    HttpServer upstream = vertx.createHttpServer().requestHandler(req -> req.response()
        .setStatusCode(req.path().equals("/missing") ? 404 : 200).end("x")).listen(0, "127.0.0.1").await();
    DevStack dev = DevStack.start(vertx).await();
    AgentStatus status = new AgentStatus("test", "us");
    EdgeSession agent = new EdgeSession(vertx, dev.sessionOptions(),
        List.of(TunnelDefinition.http("web", "127.0.0.1:" + upstream.actualPort())), status).exchangeListener(status);
    URI u = URI.create(agent.start().await().get("web").stream().filter(s -> s.startsWith("http:")).findFirst().orElseThrow());
    HttpClient client = vertx.createHttpClient();
    for (String path : List.of("/a", "/b?q=1", "/missing")) {
      Http.exchange(client, new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(dev.edge.httpPort())
          .setURI(path).putHeader("Host", u.getHost() + ":" + u.getPort())).await();
    }
    Instant deadline = Instant.now().plusSeconds(10);
    while (status.requests().size() < 3 && Instant.now().isBefore(deadline)) {
      vertx.timer(20).await(); // the exchange ends when the stream closes, just after the response: poll with a deadline
    }
    JsonObject m = status.metrics("web").toJson();
    assertThat(m.getJsonObject("http").getLong("count")).isEqualTo(3);
    assertThat(m.getJsonObject("conns").getLong("count")).isEqualTo(3);
    assertThat(m.getJsonObject("http").getLong("gauge")).isZero();
    assertThat(m.getJsonObject("http").getDouble("p50")).isPositive();
    assertThat(status.requests()).extracting(AgentStatus.Request::uri).containsExactly("/missing", "/b?q=1", "/a");
    assertThat(status.requests().get(0).status()).isEqualTo(404);
    assertThat(String.join("\n", ConsoleScreen.render(status, 100, 40)))
        .contains("Session Status                online").contains("Forwarding                    " + u)
        .containsPattern("GET\\s+/missing\\s+404 Not Found").containsPattern("\\n\\s+3\\s+0\\s");
    agent.close().await();
    dev.close().await();
  }
}
