package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.edge.EdgeOptions;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.tls.DevCertificates;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent's session across edge restarts, and names two agents both want. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SessionLifecycleTest extends TunnelTestBase {
  HttpServer upstream;
  HttpClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    upstream = upstream(vertx, req -> req.response().end("up")).await();
    client = vertx.createHttpClient();
  }

  Future<String> get(URI u) {
    return Http.exchange(client, TunnelTestBase.to(u, HttpMethod.GET, "/")).map(Http.Reply::line);
  }

  @Test
  void agentRebindsTheSameUrlAfterTheEdgeRestarts(Vertx vertx, VertxTestContext ctx, @TempDir Path dir)
      throws Exception {
    // The restarted edge must present a certificate the agent trusts, so both edges load the same files.
    DevCertificates.Pems pems = DevCertificates.generate("localhost", List.of("127.0.0.1"));
    Files.writeString(dir.resolve("cert.pem"), pems.cert());
    Files.writeString(dir.resolve("key.pem"), pems.key());
    EdgeOptions first = new EdgeOptions().setHttpPort(0).setHttpsPort(-1).setControlPort(0).setTlsPort(-1)
        .setInstances(1)
        .setCertPath(dir.resolve("cert.pem").toString()).setKeyPath(dir.resolve("key.pem").toString());
    dev = DevStack.start(vertx, first, pems.caCert()).await();
    EdgeOptions again = new EdgeOptions(first.toJson()).setHttpPort(dev.edge.httpPort())
        .setControlPort(dev.edge.controlPort()).setInstances(2);

    Promise<List<String>> rebound = Promise.promise();
    Promise<Void> dropped = Promise.promise();
    EdgeSession agent = dev.agent(List.of(http("web", upstream.actualPort())), new SessionListener() {
      int binds;

      @Override
      public void onTunnelBound(TunnelDefinition tunnel, List<String> urls) {
        if (++binds == 2) {
          rebound.tryComplete(urls);
        }
      }

      @Override
      public void onDisconnected(String sessionId, long retryInMillis) {
        dropped.tryComplete();
      }
    });
    agents.add(agent);
    agent.start().compose(urls -> {
      URI before = url(urls, "web", "http");
      return get(before)
          .compose(ok -> dev.close())
          .compose(v -> dropped.future())
          .compose(v -> DevStack.start(vertx, again, pems.caCert()))
          .compose(d -> {
            dev = d;
            return rebound.future();
          })
          .compose(urls2 -> {
            ctx.verify(() -> assertThat(urls2).containsExactly(before.toString()));
            return Poll.until(vertx, 5_000, "agent connected", () -> Future.succeededFuture(agent.isConnected()));
          })
          .compose(v -> get(before));
    }).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      assertThat(body).isEqualTo("200 up");
      ctx.completeNow();
    })));
  }

  @Test
  void aSubdomainTakenByAnotherAgentIsRefused(Vertx vertx, VertxTestContext ctx) {
    dev = DevStack.start(vertx).await();
    TunnelDefinition t = with(http("mine", upstream.actualPort()), null, null, "both", "taken");
    agent(t).start()
        .compose(urls -> agent(t).start().transform(ar -> {
          ctx.verify(() -> {
            assertThat(ar.failed()).as("second start should fail").isTrue();
            assertThat(ar.cause()).isInstanceOf(BurrowException.class);
            assertThat(((BurrowException) ar.cause()).code()).isEqualTo(ErrorCode.SUBDOMAIN_TAKEN);
            assertThat(ErrorCode.SUBDOMAIN_TAKEN.code()).isEqualTo("BRW-303");
          });
          return get(url(urls, "mine", "http"));
        }))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          assertThat(body).isEqualTo("200 up");
          ctx.completeNow();
        })));
  }
}
