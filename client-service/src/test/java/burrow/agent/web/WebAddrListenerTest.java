package burrow.agent.web;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * web_addr in use (by another socket, as another program would hold it; a Vert.x server in the same instance would
 * share the port instead): the next port is tried, and when all are taken the error names the addresses (BRW-109).
 */
@ExtendWith(VertxExtension.class)
class WebAddrListenerTest {
  @Test
  void portInUseTriesTheNext(Vertx vertx) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      ServerSocket next = tryBind(port + 1);
      HttpServer web = WebAddrListener.listen(() -> vertx.createHttpServer().requestHandler(r -> r.response().end()),
          "127.0.0.1:" + port).await();
      assertThat(web.actualPort()).isGreaterThan(port).isEqualTo(next != null ? port + 2 : port + 1);
      web.close().await();
      if (next != null) {
        next.close();
      }
    }
  }

  @Test
  void allTakenNamesTheAddresses(Vertx vertx) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Throwable err = WebAddrListener.listen(() -> vertx.createHttpServer().requestHandler(r -> r.response().end()), "127.0.0.1:" + port, 1)
          .map(s -> (Throwable) null).otherwise(t -> t).await();
      assertThat(err).isInstanceOfSatisfying(BurrowException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.WEB_ADDR_IN_USE);
        assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("already in use");
      });
    }
  }

  /** Holds port+1 too when it is free, so the test does not depend on what else runs on this machine. */
  private static ServerSocket tryBind(int port) {
    try {
      return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      return null;
    }
  }
}
