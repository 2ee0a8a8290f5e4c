package burrow.dist;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.edge.EdgeOptions;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** Shared pieces of the TCP and TLS tunnel tests: an edge on loopback, agents, and small blocking servers. */
final class TcpTestKit implements AutoCloseable {
  final Vertx vertx;
  final DevStack dev;
  final List<EdgeSession> agents = new ArrayList<>();
  final List<AutoCloseable> closeables = new ArrayList<>();
  final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-io");
    t.setDaemon(true);
    return t;
  });

  TcpTestKit(Vertx vertx) {
    this(vertx, options());
  }

  TcpTestKit(Vertx vertx, EdgeOptions options) {
    this.vertx = vertx;
    this.dev = DevStack.start(vertx, options).await();
  }

  /** Every port 0 except the TCP tunnel range, which keeps its default (a random free port per tunnel). */
  static EdgeOptions options() {
    return new EdgeOptions().setHttpPort(-1).setHttpsPort(-1).setControlPort(0).setTlsPort(0).setInstances(2);
  }

  static TunnelDefinition tcp(String name, int localPort, String remoteAddr, Integer proxyProto) {
    return new TunnelDefinition(name, "tcp", "127.0.0.1:" + localPort, null, null, null, null, null, false,
        remoteAddr, null, null, null, proxyProto);
  }

  static TunnelDefinition tls(String name, int localPort, String subdomain, String crt, String key, String cas,
                              Integer proxyProto) {
    return new TunnelDefinition(name, "tls", "127.0.0.1:" + localPort, subdomain, null, null, null, null, false,
        null, crt, key, cas, proxyProto);
  }

  EdgeSession agent(TunnelDefinition... tunnels) {
    EdgeSession a = dev.agent(List.of(tunnels));
    agents.add(a);
    return a;
  }

  /** Starts an agent and returns the public port of its first tunnel's first URL. */
  int publicPort(TunnelDefinition t) {
    EdgeSession a = agent(t);
    return URI.create(a.start().await().get(t.name()).get(0)).getPort();
  }

  /** A blocking server on 127.0.0.1:0 that runs {@code serve} for every accepted connection in its own thread. */
  ServerSocket server(Serve serve) throws IOException {
    ServerSocket ss = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
    closeables.add(ss);
    Thread t = new Thread(() -> {
      while (!ss.isClosed()) {
        try {
          Socket s = ss.accept();
          threads.execute(() -> {
            try (s) {
              serve.serve(s);
            } catch (Exception ignored) {
              // the test asserts on what the client saw
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    }, "test-server");
    t.setDaemon(true);
    t.start();
    return ss;
  }

  interface Serve {
    void serve(Socket s) throws Exception;
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  /** A free port in the edge's default TCP range, found by binding it. */
  static int freePortInRange() {
    int[] r = burrow.edge.front.TcpFrontend.parseRange(EdgeOptions.DEFAULT_TCP_PORT_RANGE);
    for (int i = 0; i < 200; i++) {
      int p = r[0] + ThreadLocalRandom.current().nextInt(r[1] - r[0] + 1);
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IllegalStateException("no free port in " + EdgeOptions.DEFAULT_TCP_PORT_RANGE);
  }

  CompletableFuture<Void> async(ThrowingRunnable r) {
    return CompletableFuture.runAsync(() -> {
      try {
        r.run();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, threads);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Override
  public void close() throws Exception {
    for (EdgeSession a : agents) {
      a.close().await();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
    dev.close().await();
    threads.shutdownNow();
  }
}
