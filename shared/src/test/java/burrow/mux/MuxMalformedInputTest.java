package burrow.mux;

import static burrow.mux.MuxPairs.call;
import static burrow.mux.MuxPairs.compose;
import static burrow.mux.MuxPairs.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import burrow.mux.MuxPairs.Kind;
import burrow.mux.MuxPairs.Pair;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each malformed input closes the session with PROTOCOL_ERROR and a GO_AWAY(1), once, with nothing thrown, and
 * leaves other sessions on the same Vert.x alone. The receiving session is the mux server: the peer's ids are odd.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MuxMalformedInputTest {
  NetClient raw;

  static Buffer frame(int version, int type, int flags, int streamId, long length) {
    return Buffer.buffer().appendUnsignedByte((short) version).appendUnsignedByte((short) type)
        .appendUnsignedShort(flags).appendInt(streamId).appendUnsignedInt(length);
  }

  static Buffer frame(int type, int flags, int streamId, long length) {
    return frame(Frame.VERSION, type, flags, streamId, length);
  }

  static Stream<Arguments> malformed() {
    int window = MuxOptions.DEFAULT_INITIAL_WINDOW;
    Buffer open1 = frame(Frame.TYPE_WINDOW_UPDATE, Frame.FLAG_SYN, 1, 0);
    return Stream.of(
        Arguments.of("bad version", frame(1, Frame.TYPE_DATA, Frame.FLAG_SYN, 1, 0)),
        Arguments.of("unknown type", frame(7, 0, 0, 0)),
        Arguments.of("DATA on stream 0", frame(Frame.TYPE_DATA, 0, 0, 4).appendString("abcd")),
        Arguments.of("SYN with wrong parity", frame(Frame.TYPE_WINDOW_UPDATE, Frame.FLAG_SYN, 2, 0)),
        Arguments.of("duplicate SYN", open1.copy().appendBuffer(open1)),
        Arguments.of("data past the window",
            open1.copy().appendBuffer(frame(Frame.TYPE_DATA, 0, 1, window + 1)).appendBuffer(Buffer.buffer(new byte[100]))),
        Arguments.of("PING on a non-zero stream", frame(Frame.TYPE_PING, Frame.FLAG_SYN, 5, 42)));
  }

  /**
   * Valid frames that follow the bad one: a session that (wrongly) went on would answer them, and if the check
   * under test were missing the session would stay open, so the test fails rather than pass on later bytes.
   */
  static Buffer validTrailer() {
    Buffer b = Buffer.buffer();
    for (int i = 0; i < 8; i++) {
      b.appendBuffer(frame(Frame.TYPE_PING, Frame.FLAG_SYN, 0, 77));
    }
    return b;
  }

  /** Bytes arriving after the session closed: they must be dropped, not raise a second error. */
  static Buffer garbage() {
    Buffer b = Buffer.buffer();
    for (int i = 0; i < 64; i++) {
      b.appendBuffer(frame(9, 9, 0, 0, 0xFFFF_FFFFL));
    }
    return b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void overMemory(String name, Buffer bad, Vertx vertx, VertxTestContext ctx) {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(uncaught::add);
    AtomicInteger closes = new AtomicInteger();
    Promise<Throwable> serverClosed = Promise.promise();
    Promise<MuxErrorCode> clientGoAway = Promise.promise();
    Future<Pair> bystander = MuxPairs.create(vertx, Kind.MEMORY, new MuxOptions(), null, s -> { }, MuxPairs::echo);
    Future<Pair> victim = MuxPairs.create(vertx, Kind.MEMORY, new MuxOptions(), null, s -> { }, s -> s.handler(b -> { }));
    Future.all(bystander, victim).compose(cf -> {
      Pair p = victim.result();
      p.server().closeHandler(err -> {
        closes.incrementAndGet();
        serverClosed.tryComplete(err);
      });
      p.client().goAwayHandler(clientGoAway::tryComplete);
      InMemoryTransport t = (InMemoryTransport) p.server().transport();
      t.inject(bad.copy().appendBuffer(validTrailer()));
      return Future.all(serverClosed.future(), clientGoAway.future())
          .compose(v -> call(p.server().context(), () -> {
            t.inject(garbage());
            return null;
          }))
          .compose(v -> call(p.server().context(), closes::get))
          .compose(n -> echoOnce(bystander.result()).map(echoed -> List.of(n, echoed)));
    }).onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      MuxException ex = assertInstanceOf(MuxException.class, serverClosed.future().result(), name);
      assertEquals(MuxErrorCode.PROTOCOL_ERROR, ex.code(), name);
      assertEquals(MuxErrorCode.PROTOCOL_ERROR, clientGoAway.future().result(), "GO_AWAY sent to the peer");
      assertEquals(1, res.get(0), "closeHandler called once");
      assertEquals("still here", res.get(1), "another session keeps working");
      assertEquals(List.of(), uncaught, "nothing thrown");
      ctx.completeNow();
    })));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void overRawTcp(String name, Buffer bad, Vertx vertx, VertxTestContext ctx) {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(uncaught::add);
    Promise<Throwable> serverClosed = Promise.promise();
    AtomicInteger closes = new AtomicInteger();
    NetServer server = vertx.createNetServer().connectHandler(so ->
        new MuxSession(Vertx.currentContext(), new NetSocketTransport(so), new MuxOptions(), false)
            .streamHandler(s -> s.handler(b -> { }))
            .closeHandler(err -> {
              closes.incrementAndGet();
              serverClosed.tryComplete(err);
            })
            .start());
    raw = vertx.createNetClient();
    Future<Pair> bystander = MuxPairs.create(vertx, Kind.TCP_DIALLER_IS_MUX_CLIENT, new MuxOptions(), null,
        s -> { }, MuxPairs::echo);
    bystander.compose(b -> server.listen(0, "127.0.0.1"))
        .compose(ns -> raw.connect(ns.actualPort(), "127.0.0.1"))
        .compose(so -> {
          Buffer received = Buffer.buffer();
          Promise<Buffer> ended = Promise.promise();
          so.handler(received::appendBuffer);
          so.closeHandler(v -> ended.tryComplete(received));
          so.write(bad.copy().appendBuffer(validTrailer()));
          return ended.future();
        })
        .compose(received -> serverClosed.future().map(received))
        .compose(received -> echoOnce(bystander.result()).map(echoed -> List.of(received, echoed)))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          MuxException ex = assertInstanceOf(MuxException.class, serverClosed.future().result(), name);
          assertEquals(MuxErrorCode.PROTOCOL_ERROR, ex.code(), name);
          Buffer received = (Buffer) res.get(0);
          assertTrue(received.length() >= Frame.HEADER_SIZE && received.length() % Frame.HEADER_SIZE == 0,
              "only header frames come back: " + received.length() + " bytes");
          for (int i = 0; i < received.length(); i += Frame.HEADER_SIZE) {
            assertTrue(received.getUnsignedByte(i + 1) != Frame.TYPE_PING, "no frame after the bad one is answered");
          }
          Buffer last = received.slice(received.length() - Frame.HEADER_SIZE, received.length());
          assertEquals(frame(Frame.TYPE_GO_AWAY, 0, 0, MuxErrorCode.PROTOCOL_ERROR.value()), last,
              "the session ends with GO_AWAY(PROTOCOL_ERROR)");
          assertEquals(1, closes.get(), "closeHandler called once");
          assertEquals("still here", res.get(1), "another session keeps working");
          assertEquals(List.of(), uncaught, "nothing thrown");
          ctx.completeNow();
        })));
  }

  private static Future<String> echoOnce(Pair p) {
    return compose(p.client().context(), () -> p.client().open().compose(s -> {
      Future<Buffer> back = readAll(s);
      return s.write(Buffer.buffer("still here")).compose(v -> s.end()).compose(v -> back);
    })).map(Buffer::toString);
  }
}
