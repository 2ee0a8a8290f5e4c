package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.mux.MuxOptions;
import burrow.mux.MuxSession;
import burrow.mux.MuxStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow and vanishing public clients: a client that stops reading stalls only its own stream with bounded buffers,
 * and clients that hang up mid-download leave no streams behind on either side.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BackpressureTest extends TunnelTestBase {
  static final long HUGE = 1024L * 1024 * 1024;
  static final int WINDOW = MuxOptions.DEFAULT_INITIAL_WINDOW;

  final long[] written = new long[1];
  final java.util.concurrent.atomic.AtomicInteger upstreamCut = new java.util.concurrent.atomic.AtomicInteger();
  HttpClient client;
  NetClient raw;
  URI url;

  @BeforeEach
  void setUp(Vertx vertx) {
    dev = DevStack.start(vertx).await();
    HttpServer upstream = upstream(vertx, req -> {
      if (req.path().equals("/endless")) {
        req.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(HUGE));
        Payload.pump(req.response(), HUGE, written).onFailure(err -> upstreamCut.incrementAndGet());
      } else {
        req.response().end("fine");
      }
    }).await();
    url = tunnel(http("web", upstream.actualPort()), "http").await();
    client = vertx.createHttpClient();
    raw = vertx.createNetClient();
  }

  /** Sends a GET for the endless body on a raw socket and completes once {@code atLeast} bytes have come back. */
  Future<NetSocket> startDownload(long atLeast, long[] read) {
    return raw.connect(url.getPort(), "127.0.0.1").compose(so -> {
      Promise<NetSocket> enough = Promise.promise();
      so.handler(b -> {
        read[0] += b.length();
        if (read[0] >= atLeast) {
          enough.tryComplete(so);
        }
      });
      so.exceptionHandler(err -> { });
      so.write("GET /endless HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort() + "\r\n\r\n");
      return enough.future();
    });
  }

  Future<String> get() {
    return Http.exchange(client, TunnelTestBase.to(url, HttpMethod.GET, "/")).map(Http.Reply::line);
  }

  MuxSession edgeMux() {
    return dev.edge.routes().lookup(url.getHost()).session().mux();
  }

  /** Runs {@code f} on the session's context, where its streams live. */
  static <T> Future<T> on(MuxSession mux, Function<MuxSession, T> f) {
    Promise<T> p = Promise.promise();
    mux.context().runOnContext(v -> p.complete(f.apply(mux)));
    return p.future();
  }

  @Test
  void aClientThatStopsReadingKeepsEveryBufferBounded(Vertx vertx, VertxTestContext ctx) {
    long[] read = new long[1];
    long[] last = {-1, 0};
    startDownload(1024 * 1024, read)
        .compose(so -> {
          so.pause();
          // The upstream stalls once every buffer on the way is full: wait until it has written nothing for 500 ms.
          return Poll.until(vertx, 20_000, "upstream to stall", () -> {
            long now = System.currentTimeMillis();
            if (written[0] != last[0]) {
              last[0] = written[0];
              last[1] = now;
            }
            return Future.succeededFuture(now - last[1] >= 500);
          }).map(so);
        })
        .compose(so -> on(edgeMux(), MuxSession::streams)
            .compose(edge -> on(agents.get(0).mux(), MuxSession::streams).map(agent -> List.of(edge, agent)))
            .map(both -> {
              ctx.verify(() -> {
                assertThat(written[0]).as("upstream wrote far less than the body").isLessThan(HUGE / 8);
                assertThat(written[0] - read[0]).as("bytes held between upstream and client")
                    .isLessThan(48L * 1024 * 1024);
                for (List<MuxStream> side : both) {
                  assertThat(side).hasSize(2);  // the control stream and the download
                  for (MuxStream s : side) {
                    // the window a fast reader earned (auto-tuning) is the bound, itself bounded per stream
                    assertThat(s.inboundQueuedBytes()).isLessThanOrEqualTo(s.receiveWindow());
                    assertThat(s.receiveWindow()).isBetween(WINDOW, MuxOptions.DEFAULT_MAX_WINDOW);
                  }
                }
                MuxStream agentSide = both.get(1).stream().filter(s -> s.id() != 1).findFirst().orElseThrow();
                assertThat(agentSide.writeQueueFull()).as("agent's stream waits for credit").isTrue();
              });
              so.close();
              return null;
            }))
        .compose(v -> get())
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s).isEqualTo("200 fine");
          ctx.completeNow();
        })));
  }

  @Test
  void tenClientsHangingUpMidDownloadLeakNoStreams(Vertx vertx, VertxTestContext ctx) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 10; i++) {
      chain = chain.compose(v -> startDownload(512 * 1024, new long[1])).compose(NetSocket::close);
    }
    chain.compose(v -> get())
        .compose(s -> {
          ctx.verify(() -> assertThat(s).isEqualTo("200 fine"));
          // Only the control stream (id 1) may remain on each side.
          return Poll.until(vertx, 10_000, "edge streams back to the control stream",
                  () -> on(edgeMux(), MuxSession::streamCount).map(n -> n == 1))
              .compose(v -> Poll.until(vertx, 10_000, "agent streams back to the control stream",
                  () -> on(agents.get(0).mux(), MuxSession::streamCount).map(n -> n == 1)))
              // and the agent hung up on the local service too, rather than draining 1 GiB ten times
              .compose(v -> Poll.until(vertx, 10_000, "all ten upstream responses cut off",
                  () -> Future.succeededFuture(upstreamCut.get() == 10)));
        })
        .compose(v -> get())
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(s).isEqualTo("200 fine");
          ctx.completeNow();
        })));
  }
}
