package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real clients and volume through a tcp tunnel: redis-cli against redis-server, 256 MiB each way, 1,000 connections. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TcpLoadTest {
  static final long BULK = 256L * 1024 * 1024;
  static final int BLOCK = 1024 * 1024;

  TcpTestKit kit;
  Process redis;

  @BeforeEach
  void setUp(Vertx vertx) {
    kit = new TcpTestKit(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (redis != null) {
      redis.destroy();
      redis.waitFor(10, TimeUnit.SECONDS);
    }
    kit.close();
  }

  @Test
  void redisCliTalksToRedisServerThroughTheTunnel(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    assertThat(Path.of("/usr/bin/redis-server")).as("redis-server is missing: install the Debian packages "
        + "redis-server and redis-tools (.ci/run does)").exists();
    assertThat(Path.of("/usr/bin/redis-cli")).as("redis-cli is missing: install redis-tools (.ci/run does)").exists();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    redis = new ProcessBuilder("/usr/bin/redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        break;
      } catch (IOException e) {
        assertThat(System.nanoTime()).as("redis-server listens: %s", Files.readString(dir.resolve("redis.log")))
            .isLessThan(deadline);
        kit.vertx.timer(20).await();
      }
    }
    int pub = kit.publicPort(TcpTestKit.tcp("redis", port, null, null));
    assertThat(cli(pub, "SET", "greeting", "hello through burrow")).isEqualTo("OK");
    assertThat(cli(pub, "GET", "greeting")).isEqualTo("hello through burrow");
    assertThat(cli(pub, "INCRBY", "counter", "41")).isEqualTo("41");
    assertThat(cli(pub, "INCR", "counter")).isEqualTo("42");
    String big = "x".repeat(1 << 20) + "\n";
    assertThat(cli(big, pub, "-x", "SET", "big")).isEqualTo("OK");
    assertThat(cli(pub, "STRLEN", "big")).isEqualTo(String.valueOf((1 << 20) + 1));   // -x keeps the newline
  }

  private String cli(int port, String... args) throws Exception {
    return cli(null, port, args);
  }

  private String cli(String stdin, int port, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void twoHundredFiftySixMebibytesEachWayWithAChecksum() throws Exception {
    // up: the client sends, shuts its write side, and the local server answers the SHA-256 of what it read
    // down: the local server sends and closes; the client hashes what it read
    ServerSocket local = kit.server(s -> {
      DataInputStream in = new DataInputStream(s.getInputStream());
      int mode = in.read();
      if (mode == 'U') {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        int n;
        long total = 0;
        while ((n = in.read(buf)) >= 0) {
          md.update(buf, 0, n);
          total += n;
        }
        s.getOutputStream().write((total + " " + HexFormat.of().formatHex(md.digest())).getBytes(StandardCharsets.US_ASCII));
      } else {
        write(s.getOutputStream(), 2);
      }
    });
    int port = kit.publicPort(TcpTestKit.tcp("bulk", local.getLocalPort(), null, null));
    String upExpected = expected(1);
    String downExpected = expected(2);
    var up = kit.async(() -> {
      try (Socket c = new Socket("127.0.0.1", port)) {
        c.getOutputStream().write('U');
        write(c.getOutputStream(), 1);
        c.shutdownOutput();
        assertThat(new String(TcpTestKit.readAll(c.getInputStream()), StandardCharsets.US_ASCII)).isEqualTo(BULK + " " + upExpected);
      }
    });
    var down = kit.async(() -> {
      try (Socket c = new Socket("127.0.0.1", port)) {
        c.getOutputStream().write('D');
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        InputStream in = c.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
          md.update(buf, 0, n);
          total += n;
        }
        assertThat(total).isEqualTo(BULK);
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(downExpected);
      }
    });
    up.get(150, TimeUnit.SECONDS);
    down.get(150, TimeUnit.SECONDS);
  }

  /** 256 MiB from a seed: one random 1 MiB block, each copy stamped with its index so reordering shows. */
  static void write(OutputStream out, long seed) throws IOException {
    byte[] block = new byte[BLOCK];
    new Random(seed).nextBytes(block);
    for (int i = 0; i < BULK / BLOCK; i++) {
      block[0] = (byte) i;
      block[1] = (byte) (i >> 8);
      out.write(block);
    }
    out.flush();
  }

  static String expected(long seed) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] block = new byte[BLOCK];
    new Random(seed).nextBytes(block);
    for (int i = 0; i < BULK / BLOCK; i++) {
      block[0] = (byte) i;
      block[1] = (byte) (i >> 8);
      md.update(block);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void aThousandConcurrentConnectionsThroughOneAgent(Vertx vertx) {
    NetServer echo = vertx.createNetServer().connectHandler(so -> so.pipeTo(so)).listen(0, "127.0.0.1").await();
    int port = kit.publicPort(TcpTestKit.tcp("echo", echo.actualPort(), null, null));
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(30_000));
    List<NetSocket> open = new ArrayList<>();
    List<Future<NetSocket>> connects = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      connects.add(client.connect(port, "127.0.0.1"));
    }
    for (Future<NetSocket> f : connects) {
      open.add(f.await());                                   // all 1,000 are open at once from here on
    }
    List<Future<Buffer>> echoes = new ArrayList<>();
    for (int i = 0; i < open.size(); i++) {
      NetSocket so = open.get(i);
      String msg = "connection " + i + " says hello;";
      var p = io.vertx.core.Promise.<Buffer>promise();
      Buffer acc = Buffer.buffer();
      so.handler(b -> {
        acc.appendBuffer(b);
        if (acc.length() >= msg.length()) {
          p.tryComplete(acc);
        }
      });
      so.write(msg);
      echoes.add(p.future());
    }
    for (int i = 0; i < echoes.size(); i++) {
      assertThat(echoes.get(i).await().toString()).isEqualTo("connection " + i + " says hello;");
    }
    assertThat(kit.agents.get(0).isConnected()).isTrue();
    for (NetSocket so : open) {
      so.close();
    }
    client.close().await();
    echo.close().await();
  }
}
