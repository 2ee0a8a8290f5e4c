package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the edge answers itself: auth, unknown hosts, a dead local service, Host rewriting, and bind_tls. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class EdgeRoutingTest extends TunnelTestBase {
  HttpServer upstream;
  HttpClient client;
  HttpClient tlsClient;

  /** A status line, the error code header, selected headers and the body of one response. */
  record Reply(int status, String code, String contentType, String wwwAuth, String seenHost, String originalHost,
               String body) {
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    dev = DevStack.start(vertx).await();
    upstream = upstream(vertx, req -> req.body().onSuccess(b -> req.response()
        .putHeader("X-Seen-Host", String.valueOf(req.getHeader(HttpHeaders.HOST)))
        .putHeader("X-Seen-Original-Host", String.valueOf(req.getHeader("X-Original-Host")))
        .end("hello"))).await();
    client = vertx.createHttpClient();
    tlsClient = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(dev.edge.generatedCaPem()))));
  }

  Future<Reply> get(URI u, String... headers) {
    HttpClient c = u.getScheme().equals("https") ? tlsClient : client;
    var ro = TunnelTestBase.to(u, HttpMethod.GET, "/");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      ro.putHeader(headers[i], headers[i + 1]);
    }
    return Http.exchange(c, ro).map(r -> reply(r.response(), r.body()));
  }

  static Reply reply(HttpClientResponse r, Buffer b) {
    return new Reply(r.statusCode(), r.getHeader("X-Burrow-Error-Code"), r.getHeader(HttpHeaders.CONTENT_TYPE),
        r.getHeader("WWW-Authenticate"), r.getHeader("X-Seen-Host"), r.getHeader("X-Seen-Original-Host"),
        b.toString());
  }

  static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes());
  }

  @Test
  void basicAuthIsEnforcedByTheEdge(VertxTestContext ctx) {
    tunnel(with(http("secret", upstream.actualPort()), "user:pass", null, "both", null), "http")
        .compose(u -> get(u).compose(none -> get(u, "Authorization", basic("user:wrong"))
            .compose(wrong -> get(u, "Authorization", basic("user:pass"))
                .map(right -> List.of(none, wrong, right)))))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertThat(rs.get(0).status()).isEqualTo(401);
          assertThat(rs.get(0).code()).isEqualTo("BRW-305");
          assertThat(rs.get(0).wwwAuth()).startsWith("Basic realm=");
          assertThat(rs.get(1).status()).isEqualTo(401);
          assertThat(rs.get(2).status()).isEqualTo(200);
          assertThat(rs.get(2).body()).isEqualTo("hello");
          ctx.completeNow();
        })));
  }

  @Test
  void unknownHostIs404InHtmlOrJson(VertxTestContext ctx) {
    URI u = URI.create("http://nobody-here.localhost:" + dev.edge.httpPort());
    get(u).compose(html -> get(u, "Accept", "application/json").map(json -> List.of(html, json)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertThat(rs.get(0).status()).isEqualTo(404);
          assertThat(rs.get(0).code()).isEqualTo("BRW-301");
          assertThat(rs.get(0).contentType()).startsWith("text/html");
          assertThat(rs.get(0).body()).contains("BRW-301");
          assertThat(rs.get(1).status()).isEqualTo(404);
          assertThat(rs.get(1).contentType()).isEqualTo("application/json");
          assertThat(new JsonObject(rs.get(1).body()).getString("error_code")).isEqualTo("BRW-301");
          ctx.completeNow();
        })));
  }

  @Test
  void deadLocalServiceIs502NamingTheAddress(VertxTestContext ctx) throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    tunnel(http("dead", closed), "http").compose(this::get)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.status()).isEqualTo(502);
          assertThat(r.code()).isEqualTo("BRW-302");
          assertThat(r.body()).contains("127.0.0.1:" + closed);
          ctx.completeNow();
        })));
  }

  @Test
  void hostHeaderRewriteSendsTheLocalAddress(VertxTestContext ctx) {
    tunnel(with(http("rw", upstream.actualPort()), null, "rewrite", "both", null), "http")
        .compose(u -> get(u).map(r -> List.of(u.getHost() + ":" + u.getPort(), r)))
        .onComplete(ctx.succeeding(l -> ctx.verify(() -> {
          Reply r = (Reply) l.get(1);
          assertThat(r.seenHost()).isEqualTo("127.0.0.1:" + upstream.actualPort());
          assertThat(r.originalHost()).isEqualTo(l.get(0));
          ctx.completeNow();
        })));
  }

  @Test
  void hostHeaderLiteralIsSentAsIs(VertxTestContext ctx) {
    tunnel(with(http("lit", upstream.actualPort()), null, "example.com", "both", null), "http")
        .compose(this::get)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.seenHost()).isEqualTo("example.com");
          ctx.completeNow();
        })));
  }

  @Test
  void bindTlsTrueServesHttpsOnly(VertxTestContext ctx) {
    agent(with(http("tls", upstream.actualPort()), null, null, "true", null)).start()
        .compose(urls -> {
          ctx.verify(() -> assertThat(urls.get("tls")).hasSize(1).allMatch(s -> s.startsWith("https://")));
          URI https = url(urls, "tls", "https");
          URI http = URI.create("http://" + https.getHost() + ":" + dev.edge.httpPort());
          return get(https).compose(a -> get(http).map(b -> List.of(a, b)));
        })
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertThat(rs.get(0).status()).isEqualTo(200);
          assertThat(rs.get(1).status()).isEqualTo(404);
          assertThat(rs.get(1).code()).isEqualTo("BRW-301");
          ctx.completeNow();
        })));
  }

  @Test
  void bindTlsFalseServesHttpOnly(VertxTestContext ctx) {
    agent(with(http("plain", upstream.actualPort()), null, null, "false", null)).start()
        .compose(urls -> {
          ctx.verify(() -> assertThat(urls.get("plain")).hasSize(1).allMatch(s -> s.startsWith("http://")));
          URI http = url(urls, "plain", "http");
          URI https = URI.create("https://" + http.getHost() + ":" + dev.edge.httpsPort());
          return get(http).compose(a -> get(https).map(b -> List.of(a, b)));
        })
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertThat(rs.get(0).status()).isEqualTo(200);
          assertThat(rs.get(1).status()).isEqualTo(404);
          ctx.completeNow();
        })));
  }

  @Test
  void bindTlsBothServesBoth(VertxTestContext ctx) {
    agent(with(http("both", upstream.actualPort()), null, null, "both", null)).start()
        .compose(urls -> {
          ctx.verify(() -> assertThat(urls.get("both")).hasSize(2));
          return get(url(urls, "both", "http")).compose(a -> get(url(urls, "both", "https")).map(b -> List.of(a, b)));
        })
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertThat(rs).allMatch(r -> r.status() == 200 && r.body().equals("hello"));
          ctx.completeNow();
        })));
  }
}
