package burrow.mux;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/** Builds connected client/server {@link MuxSession} pairs over each transport, and stream helpers for tests. */
final class MuxPairs {
  /** The transports every behaviour is checked over. */
  enum Kind {
    /** In-memory pair on two different event-loop contexts. */
    MEMORY,
    /** Loopback TCP; the side that dials is the mux client (odd ids), as the agent is. */
    TCP_DIALLER_IS_MUX_CLIENT,
    /** Loopback TCP; the side that accepts is the mux client (roles swapped). */
    TCP_DIALLER_IS_MUX_SERVER
  }

  record Pair(MuxSession client, MuxSession server) {
  }

  private MuxPairs() {
  }

  static Future<Pair> create(Vertx vertx, Kind kind, MuxOptions options, Random chunking,
      Handler<MuxStream> onClientAccept, Handler<MuxStream> onServerAccept) {
    return create(vertx, kind, options, options, chunking, onClientAccept, onServerAccept);
  }

  static Future<Pair> create(Vertx vertx, Kind kind, MuxOptions clientOptions, MuxOptions serverOptions,
      Random chunking, Handler<MuxStream> onClientAccept, Handler<MuxStream> onServerAccept) {
    VertxInternal vi = (VertxInternal) vertx;
    if (kind == Kind.MEMORY) {
      ContextInternal ca = vi.createEventLoopContext();
      ContextInternal cb = vi.createEventLoopContext();
      if (ca.nettyEventLoop() == cb.nettyEventLoop()) {
        cb = vi.createEventLoopContext();
      }
      InMemoryTransport[] t = InMemoryTransport.pair(ca, cb, chunking);
      MuxSession c = new MuxSession(ca, t[0], clientOptions, true).streamHandler(onClientAccept);
      MuxSession s = new MuxSession(cb, t[1], serverOptions, false).streamHandler(onServerAccept);
      return Future.all(call(ca, c::start), call(cb, s::start)).map(v -> new Pair(c, s));
    }
    boolean diallerIsClient = kind == Kind.TCP_DIALLER_IS_MUX_CLIENT;
    NetServer server = vertx.createNetServer();
    Promise<MuxSession> accepted = Promise.promise();
    server.connectHandler(so -> {
      MuxSession m = new MuxSession(Vertx.currentContext(), new NetSocketTransport(so),
          diallerIsClient ? serverOptions : clientOptions, !diallerIsClient)
          .streamHandler(diallerIsClient ? onServerAccept : onClientAccept).start();
      accepted.tryComplete(m);
    });
    ContextInternal dialCtx = vi.createEventLoopContext();
    NetClient netClient = vertx.createNetClient();
    return server.listen(0, "127.0.0.1").compose(ns -> {
      Promise<MuxSession> dialled = Promise.promise();
      dialCtx.runOnContext(v -> netClient.connect(ns.actualPort(), "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          dialled.fail(ar.cause());
          return;
        }
        MuxSession m = new MuxSession(dialCtx, new NetSocketTransport(ar.result()),
            diallerIsClient ? clientOptions : serverOptions, diallerIsClient)
            .streamHandler(diallerIsClient ? onClientAccept : onServerAccept).start();
        dialled.complete(m);
      }));
      return Future.all(dialled.future(), accepted.future());
    }).map(cf -> {
      MuxSession d = cf.resultAt(0);
      MuxSession a = cf.resultAt(1);
      return diallerIsClient ? new Pair(d, a) : new Pair(a, d);
    });
  }

  /** Runs {@code work} on {@code ctx} and completes with its result there. */
  static <T> Future<T> call(Context ctx, Supplier<T> work) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        p.complete(work.get());
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  /** Runs {@code work} (which returns a future) on {@code ctx}. */
  static <T> Future<T> compose(Context ctx, Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        work.get().onComplete(p);
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  /** Echoes everything back and ends when the peer ends. Call on the stream's context. */
  static void echo(MuxStream s) {
    s.pipeTo(s);
  }

  /** Collects everything until the peer's FIN; fails on reset. Call on the stream's context. */
  static Future<Buffer> readAll(MuxStream s) {
    Promise<Buffer> p = Promise.promise();
    Buffer acc = Buffer.buffer();
    s.handler(acc::appendBuffer);
    s.endHandler(v -> p.tryComplete(acc));
    s.exceptionHandler(p::tryFail);
    s.resetHandler(code -> p.tryFail(new MuxException(code, "reset")));
    return p.future();
  }

  /**
   * Writes {@code data} in random-size chunks, honouring writeQueueFull/drainHandler, then ends.
   * Call on the stream's context.
   */
  static Future<Void> writeAll(MuxStream s, byte[] data, Random sizes, int maxChunk) {
    Promise<Void> done = Promise.promise();
    new Object() {
      int pos;

      void pump() {
        s.drainHandler(null);
        while (pos < data.length) {
          if (s.writeQueueFull()) {
            s.drainHandler(v -> pump());
            return;
          }
          int n = Math.min(data.length - pos, 1 + sizes.nextInt(maxChunk));
          s.write(Buffer.buffer(Arrays.copyOfRange(data, pos, pos + n))).onFailure(done::tryFail);
          pos += n;
        }
        s.end().onComplete(ar -> {
          if (ar.succeeded()) {
            done.tryComplete();
          } else {
            done.tryFail(ar.cause());
          }
        });
      }
    }.pump();
    return done.future();
  }

  static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  static long crc(Buffer b) {
    return crc(b.getBytes());
  }
}
