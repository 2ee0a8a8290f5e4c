package burrow.mux;

import static burrow.mux.MuxPairs.compose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Interoperability with an independent yamux implementation: the npm package yamux-js (0.2.0), as client and as
 * server, against our mux on loopback. The node side lives in src/test/node; npm installs it under target/.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class YamuxJsInteropTest {
  private static final Path NODE_DIR = Path.of("target", "yamux-js-interop");
  private static final int STREAMS = 5;

  NetClient netClient;
  NetServer netServer;
  Process node;

  @BeforeAll
  static void installYamuxJs() throws Exception {
    Files.createDirectories(NODE_DIR);
    for (String f : List.of("package.json", "interop.js")) {
      Files.copy(Path.of("src", "test", "node", f), NODE_DIR.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("yamux-js"))) {
      return;
    }
    Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
        "--no-package-lock").directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
    npm.getOutputStream().close();
    String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(npm.waitFor(150, TimeUnit.SECONDS), "npm install finished");
    assertEquals(0, npm.exitValue(), "npm install yamux-js failed:\n" + out);
  }

  @AfterEach
  void stopNode() {
    if (node != null) {
      node.destroyForcibly();
    }
  }

  private Process startNode(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("node", "interop.js"));
    cmd.addAll(List.of(args));
    node = new ProcessBuilder(cmd).directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
    return node;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void ourClientAgainstYamuxJsServer(Vertx vertx) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(startNode("server").getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    assertTrue(first != null && first.startsWith("PORT "), "node server said: " + first);
    int port = Integer.parseInt(first.substring(5).trim());

    ContextInternal ctx = ((VertxInternal) vertx).createEventLoopContext();
    netClient = vertx.createNetClient();
    MuxSession session = await(compose(ctx, () -> netClient.connect(port, "127.0.0.1")
        .map(so -> new MuxSession(ctx, new NetSocketTransport(so), new MuxOptions(), true).start())));

    List<Future<String>> echoes = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      String msg = "stream " + i + " from java " + "y".repeat(i * 1000);
      sent.add(msg);
      echoes.add(compose(ctx, () -> session.open().compose(s -> {
        Promise<String> back = Promise.promise();
        Buffer acc = Buffer.buffer();
        s.handler(b -> {
          acc.appendBuffer(b);
          if (acc.length() >= msg.length()) {
            back.tryComplete(acc.toString());
          }
        });
        s.exceptionHandler(back::tryFail);
        // yamux-js drops the payload of a DATA frame that carries SYN: open with an empty frame.
        return s.write(Buffer.buffer()).compose(v -> s.write(Buffer.buffer(msg))).compose(v -> back.future());
      })));
    }
    List<String> got = new ArrayList<>();
    for (Future<String> f : echoes) {
      got.add(await(f));
    }
    assertEquals(sent, got);
    assertTrue(await(session.ping()) > 0, "yamux-js answers our ping");
    await(session.close());
  }

  @Test
  void yamuxJsClientAgainstOurServer(Vertx vertx) throws Exception {
    List<Throwable> closes = new ArrayList<>();
    netServer = vertx.createNetServer().connectHandler(so ->
        new MuxSession(Vertx.currentContext(), new NetSocketTransport(so), new MuxOptions(), false)
            .streamHandler(MuxPairs::echo)
            .closeHandler(err -> {
              synchronized (closes) {
                closes.add(err);
              }
            })
            .start());
    int port = await(netServer.listen(0, "127.0.0.1")).actualPort();
    Process p = startNode("client", String.valueOf(port), String.valueOf(STREAMS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals("OK", out, "node client output");
    assertEquals(0, p.exitValue());
    synchronized (closes) {
      closes.forEach(err -> assertEquals(null, err, "our session saw no protocol error"));
    }
  }
}
