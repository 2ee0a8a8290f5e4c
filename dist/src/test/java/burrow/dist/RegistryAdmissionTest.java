package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.edge.EdgeOptions;
import burrow.edge.EdgeServer;
import burrow.edge.admit.Authenticator;
import burrow.edge.admit.RegistryAuthenticator;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.Registry;
import burrow.registry.RegistryOptions;
import burrow.registry.RegistryServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge with an in-process registry: only valid authtokens get a session (and a rejected one is not retried),
 * names another account reserved cannot be bound, and the IP whitelist applies to every request, changes included.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegistryAdmissionTest {
  @TempDir
  Path dir;
  Vertx vertx;
  RegistryServer registryServer;
  Registry registry;
  EdgeServer edge;
  HttpServer upstream;
  HttpClient client;
  final List<EdgeSession> agents = new ArrayList<>();
  final AtomicInteger controlConnections = new AtomicInteger();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    RegistryOptions ro = new RegistryOptions().setDataDir(dir.resolve("data").toString()).setPort(0)
        .setClusterPort(0).setClusterMembers(List.of()).setClusterName("t-" + UUID.randomUUID());
    registryServer = RegistryServer.start(vertx, ro).await();
    registry = registryServer.registry();
    edge = new EdgeServer(vertx, new EdgeOptions().setHttpPort(0).setHttpsPort(-1).setControlPort(0).setTlsPort(-1)
        .setInstances(1),
        new Authenticator() {
          final RegistryAuthenticator real = new RegistryAuthenticator(registry);

          @Override
          public Future<String> authenticate(String token, String remoteIp) {
            controlConnections.incrementAndGet();
            return real.authenticate(token, remoteIp);
          }

          @Override
          public Future<Void> checkHostname(String account, String region, String host) {
            return real.checkHostname(account, region, host);
          }

          @Override
          public boolean allows(String account, String ip) {
            return real.allows(account, ip);
          }
        });
    edge.start().await();
    upstream = vertx.createHttpServer().requestHandler(req -> req.response().end("ok")).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() {
    for (EdgeSession a : agents) {
      a.close().await();
    }
    edge.close().await();
    registryServer.close().await();
  }

  EdgeSession agent(String token, TunnelDefinition t) {
    EdgeSession s = new EdgeSession(vertx, new burrow.agent.session.SessionOptions().setServerHost("127.0.0.1")
        .setServerPort(edge.controlPort()).setRootCasPem(edge.generatedCaPem()).setAuthtoken(token)
        .setMinBackoff(20).setMaxBackoff(50), List.of(t), new SessionListener() { });
    agents.add(s);
    return s;
  }

  TunnelDefinition tunnel(String subdomain) {
    return new TunnelDefinition("web", "http", "127.0.0.1:" + upstream.actualPort(), subdomain, null, null, null,
        "false", false, null, null, null, null, null);
  }

  @Test
  void badTokenFailsWithItsCodeAndIsNotRetried() {
    Throwable err = agent("not-a-token", tunnel(null)).startRetrying().toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).join();
    assertThat(err).isInstanceOf(BurrowException.class);
    assertThat(((BurrowException) err).code()).isEqualTo(ErrorCode.AUTH_FAILED);
    // startRetrying() fails only on a final answer; a retryable one would have gone on in the reconnect loop
    // (20-50 ms backoff here). One connection was made, and the loop has stopped.
    assertThat(controlConnections.get()).isEqualTo(1);
  }

  @Test
  void revokedTokenFailsWithItsCode() {
    Registry.NewAccount acct = registry.createAccount("alice").await();
    registry.revokeToken(acct.account().id(), acct.token().record().id()).await();
    Throwable err = agent(acct.token().token(), tunnel(null)).start().toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).join();
    assertThat(((BurrowException) err).code()).isEqualTo(ErrorCode.AUTH_TOKEN_REVOKED);
  }

  @Test
  void nameReservedByAnotherAccountCannotBeBound() {
    Registry.NewAccount alice = registry.createAccount("alice").await();
    Registry.NewAccount bob = registry.createAccount("bob").await();
    registry.reserveDomain(alice.account().id(), "shop", null, "us").await();
    Throwable err = agent(bob.token().token(), tunnel("shop")).start().toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).join();
    assertThat(((BurrowException) err).code()).isEqualTo(ErrorCode.RESERVED_ELSEWHERE);
    var urls = agent(alice.token().token(), tunnel("shop")).start().await();
    assertThat(urls.get("web")).containsExactly("http://shop.localhost:" + edge.httpPort());
  }

  @Test
  void nameReservedInAnotherRegionIsRefusedWithThatMeaning() {
    Registry.NewAccount alice = registry.createAccount("alice").await();
    registry.reserveDomain(alice.account().id(), "eushop", null, "eu").await();
    Throwable err = agent(alice.token().token(), tunnel("eushop")).start().toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).join();
    assertThat(((BurrowException) err).code()).isEqualTo(ErrorCode.RESERVED_IN_OTHER_REGION);
    assertThat(err.getMessage()).contains("eu");
  }

  @Test
  void whitelistAppliesToEveryRequestAndChangesWithinOneSecond() {
    Registry.NewAccount alice = registry.createAccount("alice").await();
    var urls = agent(alice.token().token(), tunnel("wl")).start().await();
    URI u = URI.create(urls.get("web").get(0));
    assertThat(get(u).statusCode()).isEqualTo(200);                 // empty list: everyone

    var entry = registry.addWhitelist(alice.account().id(), "10.9.8.0/24", "office").await();
    HttpClientResponse denied = pollUntil(() -> get(u), r -> r.statusCode() == 403, Duration.ofSeconds(1));
    assertThat(denied.getHeader("X-Burrow-Error-Code")).isEqualTo("BRW-306");

    registry.addWhitelist(alice.account().id(), "127.0.0.0/8", "loopback").await();
    assertThat(pollUntil(() -> get(u), r -> r.statusCode() == 200, Duration.ofSeconds(1)).statusCode()).isEqualTo(200);
    registry.removeWhitelist(alice.account().id(), entry.id()).await();
    assertThat(get(u).statusCode()).isEqualTo(200);
  }

  HttpClientResponse get(URI u) {
    return Http.exchange(client, new RequestOptions().setHost("127.0.0.1").setPort(u.getPort()).setURI("/")
            .putHeader("Host", u.getHost() + ":" + u.getPort())).await().response();
  }

  static <T> T pollUntil(java.util.function.Supplier<T> call, java.util.function.Predicate<T> done, Duration within) {
    Instant deadline = Instant.now().plus(within);
    T last = call.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not met within " + within + "; last: " + last);
      }
      last = call.get();
    }
    return last;
  }
}
