package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Malformed ClientHellos at the TLS listener (seeded, randomized): truncated, oversized, random bytes, a record that
 * never completes, and mutated hellos for a name nobody bound. Every connection is closed by the edge within the
 * configured ClientHello timeout (plus a margin for a loaded machine), and none reaches an agent.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientHelloFuzzTest {
  static final long HELLO_TIMEOUT = 400;
  static final long MARGIN = 3_000;
  static final long SEED = Long.getLong("burrow.fuzz.seed", 20261126L);
  static final int CASES = 60;

  TcpTestKit kit;
  final AtomicInteger reachedLocal = new AtomicInteger();

  @BeforeEach
  void setUp(Vertx vertx) {
    kit = new TcpTestKit(vertx, TcpTestKit.options().setClientHelloTimeout(HELLO_TIMEOUT));
  }

  @AfterEach
  void tearDown() throws Exception {
    kit.close();
  }

  @Test
  void malformedHellosAreClosedInTimeAndNeverReachTheAgent() throws Exception {
    ServerSocket local = kit.server(s -> reachedLocal.incrementAndGet());
    kit.publicPort(TcpTestKit.tls("owned", local.getLocalPort(), "owned", null, null, null, null));
    byte[] hello = clientHello("nobody.localhost");
    byte[] owned = clientHello("owned.localhost");
    Random random = new Random(SEED);
    List<byte[]> inputs = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      switch (i % 6) {
        case 0 -> {   // truncated: a valid hello for an owned name, cut short, then silence
          inputs.add(Arrays.copyOf(owned, 1 + random.nextInt(owned.length - 1)));
          kinds.add("truncated");
        }
        case 1 -> {   // oversized: a handshake that claims and sends more than the 16 KiB cap
          int n = 17_000 + random.nextInt(20_000);
          ByteBuffer b = ByteBuffer.allocate(n);
          b.put((byte) 22).put((byte) 3).put((byte) 1).putShort((short) 16_384)
              .put((byte) 1).put((byte) 0).putShort((short) 0xFFF0);
          byte[] rest = new byte[n - b.position()];
          random.nextBytes(rest);
          b.put(rest);
          inputs.add(b.array());
          kinds.add("oversized");
        }
        case 2 -> {   // random bytes
          byte[] r = new byte[1 + random.nextInt(20_000)];
          random.nextBytes(r);
          inputs.add(r);
          kinds.add("random");
        }
        case 3 -> {   // a record that never completes
          byte[] r = new byte[5 + random.nextInt(200)];
          random.nextBytes(r);
          r[0] = 22;
          r[1] = 3;
          r[2] = 1;
          r[3] = 0x10;
          r[4] = 0;
          inputs.add(r);
          kinds.add("never-completes");
        }
        case 4 -> {   // a mutated hello for a name nobody bound
          byte[] m = hello.clone();
          for (int k = 0, n = 1 + random.nextInt(8); k < n; k++) {
            m[random.nextInt(m.length)] = (byte) random.nextInt(256);
          }
          inputs.add(m);
          kinds.add("mutated");
        }
        default -> {  // a valid hello for a name nobody bound
          inputs.add(hello);
          kinds.add("unknown-name");
        }
      }
    }
    List<CompletableFuture<Long>> results = new ArrayList<>();
    for (byte[] in : inputs) {
      CompletableFuture<Long> f = new CompletableFuture<>();
      results.add(f);
      kit.async(() -> f.complete(closedAfter(in)));
    }
    for (int i = 0; i < results.size(); i++) {
      long ms = results.get(i).get(60, TimeUnit.SECONDS);
      assertThat(ms).as("case %d (%s, seed %d) closed after %d ms", i, kinds.get(i), SEED, ms)
          .isLessThan(HELLO_TIMEOUT + MARGIN);
    }
    assertThat(reachedLocal.get()).as("connections that reached the agent's local service").isZero();
    // and a well-formed hello for the bound name still gets through
    try (Socket s = new Socket("127.0.0.1", kit.dev.edge.tlsPort())) {
      s.getOutputStream().write(owned);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (reachedLocal.get() == 0) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        kit.vertx.timer(10).await();
      }
    }
  }

  /** Sends the bytes, then waits for the edge to close; returns the milliseconds from the last byte to the close. */
  private long closedAfter(byte[] input) throws Exception {
    try (Socket s = new Socket("127.0.0.1", kit.dev.edge.tlsPort())) {
      s.setSoTimeout((int) (HELLO_TIMEOUT + MARGIN + 5_000));
      long start = System.nanoTime();
      try {
        s.getOutputStream().write(input);
        start = System.nanoTime();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[512];
        while (in.read(buf) >= 0) {
          // an alert, then the close
        }
      } catch (java.net.SocketTimeoutException e) {
        return Long.MAX_VALUE;
      } catch (java.io.IOException e) {
        // reset: closed as well
      }
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
  }

  /** A real ClientHello from the JDK's TLS engine, with the given SNI name. */
  static byte[] clientHello(String sni) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, null, null);
    SSLEngine engine = ctx.createSSLEngine(sni, 443);
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(sni)));
    engine.setSSLParameters(p);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }
}
