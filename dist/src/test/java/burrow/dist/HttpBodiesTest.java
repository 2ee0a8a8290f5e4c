package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.Promise;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Request and response bodies through the tunnel: large, chunked, kept alive, concurrent, 100-continue. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HttpBodiesTest extends TunnelTestBase {
  static final long BIG = 64L * 1024 * 1024;

  final AtomicInteger upstreamConnections = new AtomicInteger();
  HttpClient client;
  URI url;

  @BeforeEach
  void setUp(Vertx vertx) {
    dev = DevStack.start(vertx).await();
    var server = vertx.createHttpServer().connectionHandler(c -> upstreamConnections.incrementAndGet())
        .requestHandler(this::serve).listen(0, "127.0.0.1").await();
    upstreams.add(server);
    url = tunnel(http("bodies", server.actualPort()), "http").await();
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(200));
  }

  /** /sum: checksum of the request body; /download?n=: n payload bytes; /echo: body back, chunked; else: "ok". */
  void serve(HttpServerRequest req) {
    switch (req.path()) {
      case "/sum" -> {
        Payload.Sink sink = new Payload.Sink();
        req.handler(sink::update);
        req.endHandler(v -> req.response().end(sink.length() + " " + sink.crc() + " "
            + req.getHeader(HttpHeaders.TRANSFER_ENCODING)));
      }
      case "/download" -> {
        long n = Long.parseLong(req.getParam("n"));
        if ("1".equals(req.getParam("chunked"))) {
          req.response().setChunked(true);
        } else {
          req.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(n));
        }
        Payload.pump(req.response(), n, null);
      }
      case "/echo" -> {
        req.response().setChunked(true);
        req.handler(b -> req.response().write(b));
        req.endHandler(v -> req.response().end());
      }
      default -> req.body().onSuccess(b -> req.response().end("ok " + req.getParam("i")));
    }
  }

  Future<String> text(HttpClientResponse r) {
    return r.body().map(b -> r.statusCode() + " " + b);
  }

  @Test
  void uploadOf64MiBArrivesIntact(VertxTestContext ctx) {
    Http.onLoop(client, () -> client.request(TunnelTestBase.to(url, HttpMethod.POST, "/sum"))
        .compose(req -> {
          req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(BIG));
          Payload.pump(req, BIG, null);
          return req.response();
        })
        .compose(this::text))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s).isEqualTo("200 " + BIG + " " + Payload.expectedCrc(BIG) + " null");
          ctx.completeNow();
        })));
  }

  @Test
  void downloadOf64MiBArrivesIntact(VertxTestContext ctx) {
    Payload.Sink sink = new Payload.Sink();
    Http.onLoop(client, () -> client.request(TunnelTestBase.to(url, HttpMethod.GET, "/download?n=" + BIG))
        .compose(req -> req.send())
        .compose(resp -> {
          ctx.verify(() -> assertThat(resp.getHeader(HttpHeaders.CONTENT_LENGTH)).isEqualTo(Long.toString(BIG)));
          resp.handler(sink::update);
          return resp.end();
        }))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(sink.length()).isEqualTo(BIG);
          assertThat(sink.crc()).isEqualTo(Payload.expectedCrc(BIG));
          ctx.completeNow();
        })));
  }

  /**
   * A local service that answers in HTTP/1.0 and closes its connection after the body, as {@code python3 -m
   * http.server} does, while the public client is not reading yet: the whole body arrives through the tunnel. (The
   * race this once lost, the service's close reaching the agent while the tunnel's window held the body paused, is
   * pinned down deterministically by {@code SocketPausedBodyTest}; end to end it showed with curl in about 1 download
   * in 20.)
   */
  @Test
  void aServiceThatClosesAfterItsHttp10BodyIsServedWhole(Vertx vertx, VertxTestContext ctx) {
    long n = 512 * 1024;                                      // beyond the window; the rest fits in socket buffers
    Promise<Void> serviceClosed = Promise.promise();
    var closer = vertx.createNetServer(new NetServerOptions().setSendBufferSize(4 * 1024 * 1024))
        .connectHandler(so -> so.handler(RecordParser.newDelimited("\r\n\r\n", head -> {
          so.handler(null);                                   // one request per connection
          so.closeHandler(v -> serviceClosed.tryComplete());
          so.write("HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\nContent-Type: application/octet-stream\r\n"
              + "Content-Length: " + n + "\r\n\r\n");
          Payload.pump(so, n, null);                          // then ends: the connection closes after the body
        }))).listen(0, "127.0.0.1").await();
    URI closing = tunnel(http("closer", closer.actualPort()), "http").await();
    Payload.Sink sink = new Payload.Sink();
    Http.onLoop(client, () -> client.request(TunnelTestBase.to(closing, HttpMethod.GET, "/big.bin"))
        .compose(req -> req.send())
        .compose(resp -> {
          resp.pause();                                       // read nothing until the service has closed
          resp.handler(sink::update);
          return serviceClosed.future().compose(v -> {
            resp.resume();
            return resp.end();
          }).map(v -> resp.statusCode());
        }))
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status).isEqualTo(200);
          assertThat(sink.length()).isEqualTo(n);
          assertThat(sink.crc()).isEqualTo(Payload.expectedCrc(n));
          ctx.completeNow();
        })));
  }

  @Test
  void chunkedRequestAndResponseBodies(VertxTestContext ctx) {
    long n = 5 * Payload.CHUNK + 123;
    Payload.Sink sink = new Payload.Sink();
    Http.onLoop(client, () -> client.request(TunnelTestBase.to(url, HttpMethod.POST, "/echo"))
        .compose(req -> {
          req.setChunked(true);
          Payload.pump(req, n, null);
          return req.response();
        })
        .compose(resp -> {
          ctx.verify(() -> {
            assertThat(resp.getHeader(HttpHeaders.TRANSFER_ENCODING)).isEqualTo("chunked");
            assertThat(resp.getHeader(HttpHeaders.CONTENT_LENGTH)).isNull();
          });
          resp.handler(sink::update);
          return resp.end();
        })
        .compose(v -> client.request(TunnelTestBase.to(url, HttpMethod.POST, "/sum")))
        .compose(req -> {
          req.setChunked(true);
          Payload.pump(req, n, null);
          return req.response();
        })
        .compose(this::text))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(sink.length()).isEqualTo(n);
          assertThat(sink.crc()).isEqualTo(Payload.expectedCrc(n));
          assertThat(s).isEqualTo("200 " + n + " " + Payload.expectedCrc(n) + " chunked");
          ctx.completeNow();
        })));
  }

  @Test
  void chunkedDownloadOfUnknownLength(VertxTestContext ctx) {
    long n = 3 * 1024 * 1024 + 7;
    Payload.Sink sink = new Payload.Sink();
    Http.onLoop(client, () -> client.request(TunnelTestBase.to(url, HttpMethod.GET, "/download?chunked=1&n=" + n))
        .compose(req -> req.send())
        .compose(resp -> {
          resp.handler(sink::update);
          return resp.end().map(resp.getHeader(HttpHeaders.TRANSFER_ENCODING));
        }))
        .onComplete(ctx.succeeding(te -> ctx.verify(() -> {
          assertThat(te).isEqualTo("chunked");
          assertThat(sink.crc()).isEqualTo(Payload.expectedCrc(n));
          ctx.completeNow();
        })));
  }

  @Test
  void keepAliveReusesOneConnection(Vertx vertx, VertxTestContext ctx) {
    HttpClient one = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    List<HttpConnection> seen = new ArrayList<>();
    int before = upstreamConnections.get();
    Http.onLoop(one, () -> {
      Future<String> chain = Future.succeededFuture("");
      for (int i = 0; i < 5; i++) {
        int n = i;
        chain = chain.compose(prev -> one.request(TunnelTestBase.to(url, HttpMethod.GET, "/?i=" + n)))
            .compose(req -> req.send().compose(resp -> {
              seen.add(req.connection());
              return text(resp);
            }));
      }
      return chain;
    }).onComplete(ctx.succeeding(last -> ctx.verify(() -> {
      assertThat(last).isEqualTo("200 ok 4");
      assertThat(Set.copyOf(seen)).hasSize(1);
      assertThat(upstreamConnections.get() - before).isLessThanOrEqualTo(1);
      ctx.completeNow();
    })));
  }

  @Test
  void twoHundredConcurrentRequestsAllSucceed(VertxTestContext ctx) {
    Set<String> bodies = ConcurrentHashMap.newKeySet();
    List<Future<String>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(Http.exchange(client, TunnelTestBase.to(url, HttpMethod.GET, "/?i=" + i)).map(Http.Reply::line)
          .onSuccess(bodies::add));
    }
    Future.all(all).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(bodies).hasSize(200).allMatch(s -> s.startsWith("200 ok "));
      ctx.completeNow();
    })));
  }

  @Test
  void expectContinueUpload(VertxTestContext ctx) {
    Buffer body = Payload.chunk(1, 10_000);
    Http.onLoop(client, () -> client.request(TunnelTestBase.to(url, HttpMethod.POST, "/sum"))
        .compose(req -> {
          req.putHeader(HttpHeaders.EXPECT, HttpHeaders.CONTINUE).putHeader(HttpHeaders.CONTENT_LENGTH, "10000");
          req.continueHandler(v -> req.end(body));
          return req.sendHead().compose(v -> req.response());
        })
        .compose(this::text))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(body.getBytes());
          assertThat(s).isEqualTo("200 10000 " + crc.getValue() + " null");
          ctx.completeNow();
        })));
  }
}
