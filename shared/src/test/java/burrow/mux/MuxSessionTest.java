package burrow.mux;

import static burrow.mux.MuxPairs.call;
import static burrow.mux.MuxPairs.compose;
import static burrow.mux.MuxPairs.crc;
import static burrow.mux.MuxPairs.echo;
import static burrow.mux.MuxPairs.randomBytes;
import static burrow.mux.MuxPairs.readAll;
import static burrow.mux.MuxPairs.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import burrow.mux.MuxPairs.Kind;
import burrow.mux.MuxPairs.Pair;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stream behaviour of {@link MuxSession} over the in-memory transport and loopback TCP, roles swapped. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MuxSessionTest {
  private static final int WINDOW = MuxOptions.DEFAULT_INITIAL_WINDOW;

  /** Opens {@code n} streams from {@code opener}, sends each a random payload, and checks the echo byte for byte. */
  private static Future<Void> echoStreams(MuxSession opener, int n, int maxLen, long seed) {
    return echoStreams(opener, n, maxLen, seed, new int[1]);
  }

  /** As above; {@code openAtOnce[0]} receives how many streams the opener held open right after opening them all. */
  private static Future<Void> echoStreams(MuxSession opener, int n, int maxLen, long seed, int[] openAtOnce) {
    return compose(opener.context(), () -> {
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Random r = new Random(seed * 31 + i);
        byte[] data = randomBytes(r, r.nextInt(maxLen + 1));
        long want = crc(data);
        all.add(opener.open().compose(s -> {
          Future<Buffer> back = readAll(s);
          return writeAll(s, data, r, 1 + r.nextInt(40_000)).compose(v -> back).map(buf -> {
            if (buf.length() != data.length || crc(buf) != want) {
              throw new AssertionError("stream " + s.id() + " (seed " + seed + "): sent " + data.length
                  + " bytes crc " + want + ", got back " + buf.length() + " crc " + crc(buf));
            }
            return null;
          });
        }));
      }
      openAtOnce[0] = opener.streamCount();
      return Future.all(all).mapEmpty();
    });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void manyStreamsEchoBothDirections(Kind kind, Vertx vertx, VertxTestContext ctx) {
    MuxPairs.create(vertx, kind, new MuxOptions(), null, MuxPairs::echo, MuxPairs::echo)
        .compose(p -> Future.all(echoStreams(p.client(), 50, 100_000, 1), echoStreams(p.server(), 50, 100_000, 2))
            .compose(v -> streamCounts(p)))
        .onComplete(ctx.succeeding(counts -> ctx.verify(() -> {
          assertEquals(List.of(0, 0), counts, "every stream closed and left both sessions");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void randomizedFramingAndWritesKeepEveryByte(Kind kind, Vertx vertx, VertxTestContext ctx) {
    long seed = Long.getLong("mux.seed", System.nanoTime());
    System.out.println("MuxSessionTest.randomized " + kind + ": -Dmux.seed=" + seed);
    Random rnd = new Random(seed);
    Random chunking = kind == Kind.MEMORY ? new Random(rnd.nextLong()) : null;
    int n = 20 + rnd.nextInt(30);
    MuxPairs.create(vertx, kind, new MuxOptions(), chunking, MuxPairs::echo, MuxPairs::echo)
        .compose(p -> Future.all(echoStreams(p.client(), n, 600_000, rnd.nextLong()),
            echoStreams(p.server(), n, 600_000, rnd.nextLong())))
        .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void fiveThousandConcurrentStreamsComplete(Kind kind, Vertx vertx, VertxTestContext ctx) {
    int[] openAtOnce = new int[1];
    MuxPairs.create(vertx, kind, new MuxOptions(), null, MuxPairs::echo, MuxPairs::echo)
        .compose(p -> echoStreams(p.client(), 5_000, 2_000, 3, openAtOnce).compose(v -> streamCounts(p)))
        .onComplete(ctx.succeeding(counts -> ctx.verify(() -> {
          assertEquals(5_000, openAtOnce[0], "all streams were open at once");
          assertEquals(List.of(0, 0), counts);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void stalledReaderBlocksOnlyItsOwnStream(Kind kind, Vertx vertx, VertxTestContext ctx) {
    AtomicInteger stalledId = new AtomicInteger(-1);
    Promise<MuxStream> stalled = Promise.promise();
    Promise<Long> stalledDone = Promise.promise();
    Promise<Long> movingDone = Promise.promise();
    long[] maxQueued = new long[1];
    int stalledTotal = 1 << 20;
    int movingTotal = 8 << 20;
    MuxPairs.create(vertx, kind, new MuxOptions(), null, s -> { }, s -> {
      long[] count = new long[1];
      s.handler(b -> count[0] += b.length());
      if (s.id() == stalledId.get()) {
        s.pause();
        s.endHandler(v -> stalledDone.complete(count[0]));
        stalled.complete(s);
      } else {
        s.endHandler(v -> movingDone.complete(count[0]));
      }
    }).compose(p -> {
      MuxSession c = p.client();
      Promise<MuxStream> writer = Promise.promise();
      Promise<Void> writerDone = Promise.promise();
      c.context().runOnContext(v -> c.open().onSuccess(a -> {
        stalledId.set(a.id());
        writeAll(a, new byte[stalledTotal], new Random(4), 64 * 1024).onComplete(writerDone);
        writer.complete(a);
      }).onFailure(writer::fail));
      return writer.future().compose(a -> call(c.context(), () -> {
        assertTrue(a.writeQueueFull(), "the writer sees the full window");
        assertEquals(0, a.sendWindow());
        return a;
      })).compose(a -> stalled.future().compose(b -> until(vertx, p.server(),
          () -> b.inboundQueuedBytes() == WINDOW)).map(v -> a))
          .compose(a -> {
            // While the stalled stream holds a full window, another stream moves many MiB.
            MuxStream b = stalled.future().result();
            long timer = vertx.setPeriodic(2, t -> p.server().context().runOnContext(w ->
                maxQueued[0] = Math.max(maxQueued[0], b.inboundQueuedBytes())));
            Future<Void> moving = compose(c.context(), () -> c.open()
                .compose(m -> writeAll(m, new byte[movingTotal], new Random(5), 64 * 1024)));
            return moving.compose(v -> movingDone.future())
                .compose(moved -> call(c.context(), () -> {
                  vertx.cancelTimer(timer);
                  assertEquals(movingTotal, moved);
                  assertTrue(a.writeQueueFull(), "stalled writer still blocked");
                  assertEquals(0, a.sendWindow());
                  assertFalse(writerDone.future().isComplete());
                  return a;
                }))
                .compose(x -> call(p.server().context(), () -> {
                  assertTrue(maxQueued[0] <= WINDOW, "queued " + maxQueued[0] + " > window");
                  assertEquals(WINDOW, b.inboundQueuedBytes());
                  b.resume();
                  return b;
                }))
                .compose(x -> Future.all(writerDone.future(), stalledDone.future()));
          });
    }).onComplete(ctx.succeeding(cf -> ctx.verify(() -> {
      assertEquals((long) stalledTotal, stalledDone.future().result());
      ctx.completeNow();
    })));
  }

  /**
   * Auto-tuning: a reader that keeps up gets its window doubled up to the per-stream maximum, the session's total growth
   * stays within its budget, the queue never holds more than the window granted, and a closed stream gives its growth
   * back.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aFastReadersWindowGrowsWithinItsBounds(Kind kind, Vertx vertx, VertxTestContext ctx) {
    int initial = 64 * 1024;
    int max = 1024 * 1024;
    long budget = 3 * max / 2;                           // room for one stream at the maximum, not two
    MuxOptions opts = new MuxOptions().setInitialWindow(initial).setMaxWindow(max).setMaxSessionWindowGrowth(budget)
        .setWindowTuneMillis(60_000);                     // every update counts as fast: growth is deterministic
    List<String> violations = new ArrayList<>();
    List<Integer> finalWindows = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<Long>> received = new ArrayList<>();
    Promise<Long> r1 = Promise.promise();
    Promise<Long> r2 = Promise.promise();
    received.add(r1.future());
    received.add(r2.future());
    AtomicInteger accepted = new AtomicInteger();
    int total = 16 << 20;
    MuxPairs.create(vertx, kind, opts, null, s -> { }, s -> {
      Promise<Long> done = accepted.getAndIncrement() == 0 ? r1 : r2;
      long[] count = new long[1];
      s.handler(b -> {
        count[0] += b.length();
        if (s.inboundQueuedBytes() > s.receiveWindow() || s.receiveWindow() > max) {
          violations.add("stream " + s.id() + " queued " + s.inboundQueuedBytes() + " window " + s.receiveWindow());
        }
        if (s.session().windowGrowth() > budget) {
          violations.add("session growth " + s.session().windowGrowth());
        }
      });
      s.endHandler(v -> {
        finalWindows.add(s.receiveWindow());
        done.complete(count[0]);
        Future.all(r1.future(), r2.future()).onComplete(x -> s.end());   // both stay open until both are done
      });
    }).compose(p -> compose(p.client().context(), () -> Future.all(
            p.client().open().compose(s -> writeAll(s, new byte[total], new Random(1), 64 * 1024)),
            p.client().open().compose(s -> writeAll(s, new byte[total], new Random(2), 64 * 1024))))
        .compose(v -> Future.all(received))
        .compose(v -> until(vertx, p.server(), () -> p.server().streamCount() == 0))
        .compose(v -> call(p.server().context(), () -> p.server().windowGrowth())))
        .onComplete(ctx.succeeding(growthAfter -> ctx.verify(() -> {
          assertEquals(List.of(), violations);
          assertEquals((long) total, r1.future().result());
          assertEquals((long) total, r2.future().result());
          List<Integer> sorted = new ArrayList<>(finalWindows);
          java.util.Collections.sort(sorted);
          assertEquals(max, sorted.get(1), "one stream grew to the maximum");
          assertTrue(sorted.get(0) > initial && sorted.get(0) + sorted.get(1) - 2 * initial <= budget,
              "the other grew within what the budget left: " + sorted);
          assertEquals(0L, growthAfter, "closed streams gave their growth back");
          ctx.completeNow();
        })));
  }

  @Test
  void windowAccountingNeverExceedsTheWindow(Vertx vertx, VertxTestContext ctx) {
    int window = 4096;
    long seed = Long.getLong("mux.seed", System.nanoTime());
    System.out.println("MuxSessionTest.windowAccounting: -Dmux.seed=" + seed);
    // a fixed window (no auto-tuning): the accounting itself is under test
    MuxOptions opts = new MuxOptions().setInitialWindow(window).setMaxWindow(window).setMaxFrameSize(1024);
    Random chunking = new Random(seed);
    List<String> violations = new ArrayList<>();
    Promise<Long> received = Promise.promise();
    int total = 1 << 20;
    MuxPairs.create(vertx, Kind.MEMORY, opts, chunking, s -> { }, s -> {
      Random r = new Random(seed + 1);
      long[] count = new long[1];
      s.handler(b -> {
        count[0] += b.length();
        if (s.inboundQueuedBytes() > window) {
          violations.add("receiver queued " + s.inboundQueuedBytes());
        }
        if (r.nextInt(8) == 0) {   // a reader that stops now and then, and comes back later
          s.pause();
          vertx.setTimer(1 + r.nextInt(3), t -> s.resume());
        }
      });
      s.endHandler(v -> received.complete(count[0]));
    }).compose(p -> compose(p.client().context(), () -> p.client().open().compose(s -> {
      long timer = vertx.setPeriodic(1, t -> p.client().context().runOnContext(v -> {
        if (s.sendWindow() < 0 || s.sendWindow() > window) {
          violations.add("sendWindow " + s.sendWindow());
        }
      }));
      return writeAll(s, new byte[total], new Random(seed + 2), 3000)
          .compose(v -> received.future())
          .eventually(() -> {
            vertx.cancelTimer(timer);
            return Future.succeededFuture();
          })
          .map(n -> {
            assertEquals((long) total, n, "seed " + seed);
            assertTrue(s.sendWindow() >= 0 && s.sendWindow() <= window, "sendWindow " + s.sendWindow());
            assertFalse(p.server().isClosed(), "no protocol error");
            return n;
          });
    }))).onComplete(ctx.succeeding(n -> ctx.verify(() -> {
      assertEquals(List.of(), violations, "seed " + seed);
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void halfCloseLetsThePeerStillWrite(Kind kind, Vertx vertx, VertxTestContext ctx) {
    Promise<Void> serverClosed = Promise.promise();
    MuxPairs.create(vertx, kind, new MuxOptions(), null, s -> { }, s -> {
      Buffer in = Buffer.buffer();
      s.handler(in::appendBuffer);
      s.closeHandler(serverClosed::tryComplete);
      s.endHandler(v -> s.write(Buffer.buffer("pong:" + in)).compose(w -> s.write(Buffer.buffer("!"))).compose(w -> s.end()));
    }).compose(p -> compose(p.client().context(), () -> p.client().open().compose(s -> {
      Promise<Void> clientClosed = Promise.promise();
      s.closeHandler(clientClosed::tryComplete);
      Future<Buffer> back = readAll(s);
      return s.write(Buffer.buffer("ping")).compose(v -> s.end()).compose(v -> back)
          .compose(buf -> Future.all(clientClosed.future(), serverClosed.future()).map(buf));
    })).compose(buf -> streamCounts(p).map(counts -> List.of(buf.toString(), counts))))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals("pong:ping!", res.get(0));
          assertEquals(List.of(0, 0), res.get(1));
          ctx.completeNow();
        })));
  }

  /**
   * A pipe whose source lives on another event loop writes from there, and can end the stream from the session's own
   * loop (Vert.x's {@code Pipe.to} ends it on the caller's thread when the source has already ended). The end must not
   * overtake the writes still queued from the other thread: the peer gets every byte, then the FIN.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void anEndOnTheLoopWaitsForWritesQueuedFromAnotherThread(Kind kind, Vertx vertx, VertxTestContext ctx) {
    Promise<Buffer> received = Promise.promise();
    MuxPairs.create(vertx, kind, new MuxOptions(), null, s -> { }, s -> readAll(s).onComplete(received))
        .compose(p -> compose(p.client().context(), () -> p.client().open().compose(s -> {
          List<Future<Void>> writes = new ArrayList<>();
          // On the session's loop: another thread queues three writes (and returns), then this loop ends the stream.
          Thread other = new Thread(() -> {
            for (String part : List.of("one ", "two ", "three")) {
              writes.add(s.write(Buffer.buffer(part)));
            }
          });
          other.start();
          try {
            other.join(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Future<Void> end = s.end();
          return Future.all(Future.all(writes), end).compose(v -> received.future());
        })))
        .onComplete(ctx.succeeding(buf -> ctx.verify(() -> {
          assertEquals("one two three", buf.toString());
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void resetReachesThePeerWithItsCodeAndFailsPendingWrites(Kind kind, Vertx vertx, VertxTestContext ctx) {
    Promise<MuxStream> accepted = Promise.promise();
    Promise<MuxErrorCode> serverReset = Promise.promise();
    MuxPairs.create(vertx, kind, new MuxOptions(), null, s -> { }, s -> {
      s.pause();
      s.resetHandler(serverReset::tryComplete);
      accepted.complete(s);
    }).compose(p -> {
      Promise<MuxErrorCode> clientReset = Promise.promise();
      Promise<Throwable> clientError = Promise.promise();
      return compose(p.client().context(), () -> p.client().open().map(s -> {
        s.resetHandler(clientReset::tryComplete);
        s.exceptionHandler(clientError::tryComplete);
        while (!s.writeQueueFull()) {
          s.write(Buffer.buffer(new byte[32 * 1024]));
        }
        return s.write(Buffer.buffer(new byte[1000]));   // queued behind the closed window
      })).compose(pending -> accepted.future()
          .compose(b -> call(p.server().context(), () -> {
            b.reset(MuxErrorCode.CANCEL);
            return b;
          }))
          .compose(b -> Future.all(clientReset.future(), clientError.future(), serverReset.future()))
          .compose(cf -> pending.transform(ar -> Future.succeededFuture(ar)))
          .map(ar -> List.of(clientReset.future().result(), clientError.future().result(),
              serverReset.future().result(), ar.failed() ? ar.cause() : "write succeeded")));
    }).onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(MuxErrorCode.CANCEL, res.get(0), "peer's resetHandler");
      MuxException ex = assertInstanceOf(MuxException.class, res.get(1), "peer's exceptionHandler");
      assertEquals(MuxErrorCode.CANCEL, ex.code());
      assertEquals(MuxErrorCode.CANCEL, res.get(2), "local resetHandler");
      MuxException pending = assertInstanceOf(MuxException.class, res.get(3), "pending write");
      assertEquals(MuxErrorCode.CANCEL, pending.code());
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void pingReturnsARoundTrip(Kind kind, Vertx vertx, VertxTestContext ctx) {
    MuxPairs.create(vertx, kind, new MuxOptions(), null, s -> { }, s -> { })
        .compose(p -> Future.all(p.client().ping(), p.server().ping()))
        .onComplete(ctx.succeeding(cf -> ctx.verify(() -> {
          assertTrue(cf.<Long>resultAt(0) > 0);
          assertTrue(cf.<Long>resultAt(1) > 0);
          ctx.completeNow();
        })));
  }

  @Test
  void unansweredKeepAliveClosesTheSession(Vertx vertx, VertxTestContext ctx) {
    MuxOptions fast = new MuxOptions().setKeepAliveInterval(20).setPingTimeout(100);
    Promise<Throwable> closed = Promise.promise();
    // A healthy pair with fast keep-alive stays up; a session whose peer never answers closes.
    MuxPairs.create(vertx, Kind.MEMORY, fast, null, s -> { }, s -> { }).compose(healthy -> {
      var vi = (io.vertx.core.internal.VertxInternal) vertx;
      var ca = vi.createEventLoopContext();
      var cb = vi.createEventLoopContext();
      InMemoryTransport[] t = InMemoryTransport.pair(ca, cb, null);   // nobody reads t[1]
      MuxSession lonely = new MuxSession(ca, t[0], fast, true).closeHandler(closed::tryComplete);
      return call(ca, lonely::start).compose(v -> closed.future())
          .compose(cause -> call(healthy.client().context(), () -> {
            assertFalse(healthy.client().isClosed(), "answered keep-alives keep the session open");
            return cause;
          }));
    }).onComplete(ctx.succeeding(cause -> ctx.verify(() -> {
      assertInstanceOf(MuxException.class, cause);
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void goAwayStopsNewStreamsButNotOpenOnes(Kind kind, Vertx vertx, VertxTestContext ctx) {
    Promise<MuxErrorCode> goAway = Promise.promise();
    Promise<Void> accepted = Promise.promise();
    MuxPairs.create(vertx, kind, new MuxOptions(), null, s -> { }, s -> {
      echo(s);
      accepted.tryComplete();
    }).compose(p -> {
      p.client().goAwayHandler(goAway::tryComplete);   // set before anything can arrive: go-away comes below
      return MuxPairs.<MuxStream>compose(p.client().context(), () -> p.client().open().compose(s ->
          s.write(Buffer.buffer("before")).map(s)))
          .compose(existing -> accepted.future().map(existing))   // a SYN that crosses our go-away is refused
          .compose(existing -> {
            p.server().goAway(MuxErrorCode.GOING_AWAY);
            return goAway.future().compose(code -> {
              Future<MuxStream> serverOpen = p.server().open();
              Future<MuxStream> clientOpen = p.client().open();
              Future<Buffer> echoed = compose(p.client().context(), () -> {
                Future<Buffer> back = readAll(existing);
                return existing.end().compose(v -> back);
              });
              return Future.join(serverOpen, clientOpen, echoed).transform(ar -> Future.succeededFuture(
                  List.of(code, serverOpen.cause(), clientOpen.cause(),
                      echoed.succeeded() ? echoed.result().toString() : String.valueOf(echoed.cause()))));
            });
          });
    }).onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(MuxErrorCode.GOING_AWAY, res.get(0), "receiver's goAwayHandler");
      assertEquals(MuxErrorCode.GOING_AWAY, assertInstanceOf(MuxException.class, res.get(1)).code(),
          "the side that sent go-away opens no more");
      assertEquals(MuxErrorCode.GOING_AWAY, assertInstanceOf(MuxException.class, res.get(2)).code(),
          "the side that received go-away opens no more");
      assertEquals("before", res.get(3), "a stream opened before go-away goes on");
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void closingTheTransportResetsEveryStream(Kind kind, Vertx vertx, VertxTestContext ctx) {
    int n = 3;
    List<Future<MuxErrorCode>> resets = new ArrayList<>();
    List<Promise<Void>> accepted = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      accepted.add(Promise.promise());
    }
    AtomicInteger acceptedCount = new AtomicInteger();
    Promise<Throwable> serverClosed = Promise.promise();
    Promise<Throwable> clientClosed = Promise.promise();
    MuxPairs.create(vertx, kind, new MuxOptions(), null, s -> { }, s -> {
      Promise<MuxErrorCode> r = Promise.promise();
      s.resetHandler(r::tryComplete);
      s.handler(b -> { });
      synchronized (resets) {
        resets.add(r.future());
      }
      accepted.get(acceptedCount.getAndIncrement()).complete();
    }).compose(p -> {
      p.server().closeHandler(serverClosed::tryComplete);
      p.client().closeHandler(clientClosed::tryComplete);
      return compose(p.client().context(), () -> {
        List<Future<Void>> opened = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          opened.add(p.client().open().compose(s -> {
            Promise<MuxErrorCode> r = Promise.promise();
            s.resetHandler(r::tryComplete);
            synchronized (resets) {
              resets.add(r.future());
            }
            return s.write(Buffer.buffer("x"));
          }));
        }
        return Future.all(opened);
      }).compose(v -> Future.all(accepted.stream().map(Promise::future).toList()))
          .compose(v -> compose(p.client().context(), () -> p.client().transport().close()))
          .compose(v -> Future.all(serverClosed.future(), clientClosed.future()))
          .compose(v -> {
            synchronized (resets) {
              return Future.all(new ArrayList<>(resets));
            }
          })
          .compose(cf -> streamCounts(p).map(counts -> List.of(cf.list(), counts)));
    }).onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      List<?> codes = (List<?>) res.get(0);
      assertEquals(2 * n, codes.size());
      codes.forEach(c -> assertEquals(MuxErrorCode.SESSION_CLOSED, c));
      assertEquals(List.of(0, 0), res.get(1));
      assertNull(serverClosed.future().result(), "a transport close is a clean end");
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void streamsPastMaxStreamsAreRefused(Kind kind, Vertx vertx, VertxTestContext ctx) {
    Promise<MuxErrorCode> refused = Promise.promise();
    MuxPairs.create(vertx, kind, new MuxOptions(), new MuxOptions().setMaxStreams(2), null, s -> { }, s -> s.handler(b -> { }))
        .compose(p -> compose(p.client().context(), () -> {
          List<Future<Void>> writes = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            MuxStream s = p.client().open().result();
            if (i == 2) {
              s.resetHandler(refused::tryComplete);
            }
            writes.add(s.write(Buffer.buffer("x")));
          }
          return Future.all(writes);
        }).compose(v -> refused.future()).compose(code -> streamCounts(p).map(counts -> List.of(code, counts))))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals(MuxErrorCode.REFUSED, res.get(0), "the third stream is refused");
          assertEquals(List.of(2, 2), res.get(1), "two streams stay open on each side");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void resetBeforeTheFirstFrameIsNeverSeenByThePeer(Kind kind, Vertx vertx, VertxTestContext ctx) {
    AtomicInteger accepted = new AtomicInteger();
    MuxPairs.create(vertx, kind, new MuxOptions(), null, s -> { }, s -> {
      accepted.incrementAndGet();
      echo(s);
    }).compose(p -> compose(p.client().context(), () -> {
      MuxStream abandoned = p.client().open().result();
      abandoned.reset(MuxErrorCode.CANCEL);
      return p.client().open().compose(s -> {
        Future<Buffer> back = readAll(s);
        return s.write(Buffer.buffer("hi")).compose(v -> s.end()).compose(v -> back);
      });
    }).compose(buf -> call(p.server().context(), () -> List.of(buf.toString(), accepted.get()))))
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals("hi", res.get(0));
          assertEquals(1, res.get(1), "the peer's streamHandler never saw the stream that sent nothing");
          ctx.completeNow();
        })));
  }

  @Test
  void streamIdsAboveTwoToTheThirtyOneKeepTheirParity(Vertx vertx, VertxTestContext ctx) {
    // yamux ids are u32: a long-lived peer reaches 0x80000001 and up, which is odd although negative as an int.
    Promise<Integer> acceptedId = Promise.promise();
    MuxPairs.create(vertx, Kind.MEMORY, new MuxOptions(), null, s -> { }, s -> acceptedId.tryComplete(s.id()))
        .compose(p -> {
          ((InMemoryTransport) p.server().transport()).inject(
              MuxMalformedInputTest.frame(Frame.TYPE_WINDOW_UPDATE, Frame.FLAG_SYN, 0x8000_0001, 0));
          return acceptedId.future().compose(id -> call(p.server().context(), () -> {
            assertFalse(p.server().isClosed(), "no protocol error");
            return id;
          }));
        })
        .onComplete(ctx.succeeding(id -> ctx.verify(() -> {
          assertEquals(0x8000_0001, id);
          ctx.completeNow();
        })));
  }

  /** Completes when {@code cond} holds on the session's context, polling every 2 ms. */
  static Future<Void> until(Vertx vertx, MuxSession session, java.util.function.BooleanSupplier cond) {
    Promise<Void> p = Promise.promise();
    vertx.setPeriodic(2, id -> session.context().runOnContext(v -> {
      if (!p.future().isComplete() && cond.getAsBoolean()) {
        vertx.cancelTimer(id);
        p.tryComplete();
      }
    }));
    return p.future();
  }

  static Future<List<Integer>> streamCounts(Pair p) {
    return Future.all(call(p.client().context(), p.client()::streamCount),
        call(p.server().context(), p.server()::streamCount)).map(cf -> List.of(cf.resultAt(0), cf.resultAt(1)));
  }
}
