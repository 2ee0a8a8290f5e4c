package burrow.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import burrow.mux.NetSocketTransport;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loopback connections get {@link LoopbackTcp#ALGORITHM} (CUBIC) instead of the system's congestion control, read
 * back from the kernel with {@code getsockopt(TCP_CONGESTION)}: the edge's public TCP connections, the agent's local
 * TCP connections, and both ends of a control link. Needs Linux's epoll transport, as the edge and agent run.
 */
class LoopbackTcpTest {
  private static Vertx vertx;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    assertTrue(vertx.isNativeTransportEnabled(), "the epoll transport is needed: " + vertx.unavailableNativeTransportCause());
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A listening {@link ChannelServer} and a {@link ChannelSocket} connected to it, with the accepted side. */
  private record Pair(ChannelServer server, ChannelSocket client, ChannelSocket accepted) {
    static Pair open() throws Exception {
      VertxInternal vi = (VertxInternal) vertx;
      Promise<ChannelSocket> accepted = Promise.promise();
      ChannelServer server = await(ChannelServer.listen(vi.createEventLoopContext(), "127.0.0.1", 0, 16,
          accepted::tryComplete));
      ChannelSocket client = await(ChannelSocket.connect(vi.createEventLoopContext(), "127.0.0.1", server.actualPort(),
          5000));
      return new Pair(server, client, await(accepted.future()));
    }

    void close() throws Exception {
      client.reset();
      accepted.reset();
      await(server.close());
    }
  }

  @Test
  void bothEndsOfALoopbackConnectionUseCubic() throws Exception {
    Pair pair = Pair.open();
    assertEquals("cubic", LoopbackTcp.ALGORITHM);
    assertEquals("cubic", LoopbackTcp.algorithm(pair.client().channel()), "the agent's connection to its local service");
    assertEquals("cubic", LoopbackTcp.algorithm(pair.accepted().channel()), "the edge's connection from a public client");
    pair.close();
  }

  @Test
  void theControlLinkUsesCubicOnBothEnds() throws Exception {
    Promise<String> edgeSide = Promise.promise();
    NetServer control = vertx.createNetServer().connectHandler(so -> {
      new NetSocketTransport(so);
      edgeSide.tryComplete(LoopbackTcp.algorithm(((NetSocketInternal) so).channelHandlerContext().channel()));
    });
    int port = await(control.listen(0, "127.0.0.1")).actualPort();
    var so = await(vertx.createNetClient().connect(port, "127.0.0.1"));
    new NetSocketTransport(so);
    assertEquals("cubic", LoopbackTcp.algorithm(((NetSocketInternal) so).channelHandlerContext().channel()));
    assertEquals("cubic", await(edgeSide.future()));
    so.close();
    await(control.close());
  }

  @Test
  void anotherAlgorithmOrTheSystemsCanBeChosen() throws Exception {
    Pair pair = Pair.open();
    Channel ch = pair.client().channel();
    String system = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
    assertTrue(LoopbackTcp.tune(ch, "reno"));
    assertEquals("reno", LoopbackTcp.algorithm(ch));
    assertFalse(LoopbackTcp.tune(ch, "system"), "system: left as it is");
    assertEquals("reno", LoopbackTcp.algorithm(ch));
    assertFalse(LoopbackTcp.tune(ch, "no-such-algorithm"), "an unknown name is refused by the kernel, not thrown");
    assertEquals("reno", LoopbackTcp.algorithm(ch));
    assertTrue(LoopbackTcp.tune(ch, system));
    assertEquals(system, LoopbackTcp.algorithm(ch));
    pair.close();
  }

  @Test
  void onlyConnectionsWithBothEndsOnLoopbackAreTuned() {
    InetSocketAddress lo = new InetSocketAddress("127.0.0.1", 4000);
    InetSocketAddress lo6 = new InetSocketAddress("::1", 4000);
    InetSocketAddress mapped = new InetSocketAddress("::ffff:127.0.0.2", 4000);
    InetSocketAddress other = new InetSocketAddress("10.1.2.3", 4000);
    assertTrue(LoopbackTcp.isLoopback(lo, lo));
    assertTrue(LoopbackTcp.isLoopback(lo6, lo6));
    assertTrue(LoopbackTcp.isLoopback(mapped, lo));
    assertFalse(LoopbackTcp.isLoopback(lo, other));
    assertFalse(LoopbackTcp.isLoopback(other, lo));
    assertFalse(LoopbackTcp.isLoopback(InetSocketAddress.createUnresolved("localhost", 1), lo));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
