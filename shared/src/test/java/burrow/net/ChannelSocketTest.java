package burrow.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import burrow.mux.MuxOptions;
import burrow.mux.MuxSession;
import burrow.mux.MuxStream;
import burrow.mux.NetSocketTransport;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The zero-copy TCP path as the edge and the agent run it: a public {@link ChannelServer} connection bridged to a mux
 * stream, a mux session over loopback TCP, and on the far side a {@link ChannelSocket} connected to a local service.
 * Also an HTTP server whose responses are mux streams piped by {@link OwnedPipe}, as the edge's HTTP frontend does.
 * Checks bytes, half-close and reset both ways, and that no pooled buffer leaks (Netty's leak detector, at its
 * paranoid level, tracking every buffer; this class runs in its own JVM, see the module's pom).
 */
class ChannelSocketTest {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    // Before any Netty buffer class loads: every buffer is tracked, and a leak is recorded here instead of logged.
    System.setProperty("io.netty.leakDetection.level", "paranoid");  // or Vert.x turns the detector off
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
      @Override
      public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
        return new ResourceLeakDetector<>(resource, samplingInterval) {
          @Override
          protected boolean needReport() {
            return true;
          }

          @Override
          protected void reportTracedLeak(String type, String records) {
            LEAKS.add(type + records);
          }

          @Override
          protected void reportUntracedLeak(String type) {
            LEAKS.add(type);
          }
        };
      }
    });
  }

  private static Vertx vertx;
  private static int publicPort;
  private static int echoPort;
  private static int resetPort;
  private static int publicResetPort;
  private static int publicCrossThreadPort;
  private static int httpPort;
  private static final int HTTP_BODY = 8 << 20;
  private static MuxSession edgeMux;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    VertxInternal vi = (VertxInternal) vertx;
    // Local services: an echo that half-closes after the client does, and one that answers with a TCP RST.
    echoPort = await(ChannelServer.listen(vi.createEventLoopContext(), "127.0.0.1", 0, 128, so -> {
      so.pipe().endOnFailure(false).to(so);
    })).actualPort();
    resetPort = await(ChannelServer.listen(vi.createEventLoopContext(), "127.0.0.1", 0, 128, so -> {
      so.handler(b -> {
        OwnedBuffers.release(b);
        so.reset();
      });
      so.resume();
    })).actualPort();
    // The mux over loopback TCP; the agent side connects each stream to the local service its first byte names.
    ContextInternal agentCtx = vi.createEventLoopContext();
    NetServer control = vertx.createNetServer();
    Promise<MuxSession> edgeAccepted = Promise.promise();
    control.connectHandler(so -> edgeAccepted.complete(new MuxSession(Vertx.currentContext(), new NetSocketTransport(so),
        new MuxOptions().setMaxFrameSize(16 * 1024), false).start()));
    int controlPort = await(control.listen(0, "127.0.0.1")).actualPort();
    Promise<Void> dialled = Promise.promise();
    agentCtx.runOnContext(v -> vertx.createNetClient().connect(controlPort, "127.0.0.1").onSuccess(so -> {
      new MuxSession(agentCtx, new NetSocketTransport(so), new MuxOptions().setMaxFrameSize(16 * 1024), true).streamHandler(stream -> {
        stream.pause();
        stream.handler(first -> {
          stream.handler(null);
          if (first.getByte(0) == 'H') {             // a response body of HTTP_BODY bytes, for OwnedPipe
            OwnedBuffers.release(first);
            stream.write(burrow.proto.Heads.encode(new io.vertx.core.json.JsonObject().put("s", 200)));
            Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
            writeBody(stream, chunk, HTTP_BODY / chunk.length());
            return;
          }
          int port = first.getByte(0) == 'E' ? echoPort : resetPort;
          OwnedBuffers.release(first);
          ChannelSocket.connect(agentCtx, "127.0.0.1", port, 5_000)
              .onSuccess(local -> StreamBridge.bridge(local, stream));
        });
        stream.fetch(1);
      }).start();
      dialled.complete();
    }).onFailure(dialled::fail));
    await(dialled.future());
    MuxSession edge = await(edgeAccepted.future());
    ChannelSocketTest.edgeMux = edge;
    // The public side: each connection opens a stream, names the service in its first byte, and is bridged to it.
    ContextInternal edgeCtx = (ContextInternal) edge.context();
    ContextInternal otherCtx = vi.createEventLoopContext();
    if (otherCtx.nettyEventLoop() == edgeCtx.nettyEventLoop()) {
      otherCtx = vi.createEventLoopContext();
    }
    publicPort = publicListener(edge, edgeCtx, "E");
    // As a node following another node's port: the connection's event loop is not the mux session's.
    publicCrossThreadPort = publicListener(edge, otherCtx, "E");
    publicResetPort = publicListener(edge, otherCtx, "R");
    // An HTTP server whose responses are mux streams piped with OwnedPipe, as the edge's HTTP frontend does: the
    // stream delivers owned buffers from its first frame, its head is read on the session's loop, and the body piped
    // from the request's loop, so frames arriving during that hop wait in the stream.
    httpPort = await(vertx.createHttpServer().requestHandler(req -> {
      io.vertx.core.Context reqCtx = Vertx.currentContext();
      edge.open().onSuccess(stream -> {
        stream.write(Buffer.buffer("H"));
        stream.end();
        req.response().closeHandler(v -> stream.reset(burrow.mux.MuxErrorCode.CANCEL));
        stream.deliverOwned();
        burrow.proto.Heads.readOne(stream).onSuccess(read -> reqCtx.runOnContext(v -> {
          req.response().putHeader("content-length", String.valueOf(HTTP_BODY));
          if (read.rest() != null) {
            req.response().write(read.rest());
          }
          OwnedPipe.pipe(stream, req.response()).onFailure(err -> req.response().reset());
        })).onFailure(err -> req.response().reset());
      });
    }).listen(0, "127.0.0.1")).actualPort();
  }

  private static int publicListener(MuxSession edge, ContextInternal ctx, String service) throws Exception {
    return await(ChannelServer.listen(ctx, "127.0.0.1", 0, 128, so -> edge.open().onSuccess(stream -> {
      stream.write(Buffer.buffer(service));
      StreamBridge.bridge(so, stream);
    }))).actualPort();
  }

  @AfterAll
  static void tearDown() throws Exception {
    await(vertx.close());
  }

  @Test
  void bytesBothWaysWithHalfCloseAndNoLeak() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 6; round++) {
      int port = round % 2 == 0 ? publicPort : publicCrossThreadPort;
      byte[] sent = new byte[(4 << 20) + random.nextInt(100_000)];
      random.nextBytes(sent);
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(20_000);
        Thread writer = new Thread(() -> {
          try {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < sent.length; off += 65_536) {
              out.write(sent, off, Math.min(65_536, sent.length - off));
            }
            s.shutdownOutput();                    // half-close: the reply must still come whole
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        writer.start();
        byte[] got = s.getInputStream().readAllBytes();
        writer.join(20_000);
        assertEquals(sent.length, got.length);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(sent),
            MessageDigest.getInstance("SHA-256").digest(got));
      }
    }
    assertNoLeaks();
  }

  @Test
  void aResetByTheLocalServiceResetsThePublicConnection() throws Exception {
    try (Socket s = new Socket("127.0.0.1", publicResetPort)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("hello".getBytes());
      InputStream in = s.getInputStream();
      SocketException e = assertThrows(SocketException.class, () -> {
        while (in.read() >= 0) {
          // nothing comes back: the local service's RST must reach us as one
        }
      });
      assertTrue(e.getMessage().contains("reset"), e.getMessage());
    }
    assertNoLeaks();
  }

  /** Writes {@code n} copies of {@code chunk} with backpressure, then ends the stream. */
  private static void writeBody(MuxStream stream, Buffer chunk, int n) {
    if (n == 0) {
      stream.end();
      return;
    }
    stream.write(chunk.copy());
    if (stream.writeQueueFull()) {
      stream.drainHandler(v -> {
        stream.drainHandler(null);
        writeBody(stream, chunk, n - 1);
      });
    } else {
      stream.session().context().runOnContext(v -> writeBody(stream, chunk, n - 1));
    }
  }

  @Test
  void anHttpResponseFedWithoutCopiesArrivesWholeAndLeaksNothing() throws Exception {
    for (int round = 0; round < 3; round++) {
      java.net.HttpURLConnection c = (java.net.HttpURLConnection)
          java.net.URI.create("http://127.0.0.1:" + httpPort + "/").toURL().openConnection();
      c.setReadTimeout(20_000);
      try (InputStream in = c.getInputStream()) {
        assertEquals(HTTP_BODY, in.readAllBytes().length);
      }
      // and a client that hangs up mid-body: what was in flight is released too
      try (Socket s = new Socket("127.0.0.1", httpPort)) {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        s.getInputStream().readNBytes(100_000);
      }
    }
    assertNoLeaks();
  }

  @Test
  void theFramesOfOneReadReachTheDestinationAsOneWrite() throws Exception {
    // 8 MiB in 16 KiB frames (this class's sessions), 4 frames per flush: without coalescing, one write per frame (512).
    int frames = HTTP_BODY / (16 * 1024);
    java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicInteger heapWrites = new java.util.concurrent.atomic.AtomicInteger();
    Promise<Void> ended = Promise.promise();
    io.vertx.core.streams.WriteStream<Buffer> recorder = new io.vertx.core.streams.WriteStream<>() {
      public io.vertx.core.streams.WriteStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> h) {
        return this;
      }

      public Future<Void> write(Buffer data) {
        writes.incrementAndGet();
        bytes.addAndGet(data.length());
        if (!OwnedBuffers.isOwned(data)) {
          heapWrites.incrementAndGet();
        }
        return Future.succeededFuture();
      }

      public Future<Void> end() {
        ended.tryComplete();
        return Future.succeededFuture();
      }

      public io.vertx.core.streams.WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
      }

      public boolean writeQueueFull() {
        return false;
      }

      public io.vertx.core.streams.WriteStream<Buffer> drainHandler(io.vertx.core.Handler<Void> handler) {
        return this;
      }
    };
    Promise<Void> piped = Promise.promise();
    edgeMux.context().runOnContext(v -> edgeMux.open().onSuccess(stream -> {
      stream.write(Buffer.buffer("H"));
      stream.end();
      stream.deliverOwned();
      burrow.proto.Heads.readOne(stream).onSuccess(read -> {
        if (read.rest() != null) {
          bytes.addAndGet(read.rest().length());
          OwnedBuffers.release(read.rest());
        }
        OwnedPipe.pipe(stream, recorder).onComplete(piped);
      }).onFailure(piped::fail);
    }).onFailure(piped::fail));
    await(piped.future());
    await(ended.future());
    assertEquals(HTTP_BODY, bytes.get());
    assertEquals(0, heapWrites.get(), "every write is the link's own (direct) buffers");
    assertTrue(writes.get() < frames / 2, writes.get() + " writes for " + frames + " frames");
    assertNoLeaks();
  }

  /** Drives the leak detector: after a full GC, each new tracked allocation reports buffers that died unreleased. */
  private static void assertNoLeaks() {
    for (int i = 0; i < 5; i++) {
      System.gc();
      for (int j = 0; j < 100; j++) {
        ByteBufAllocator.DEFAULT.directBuffer(64).release();
      }
    }
    assertTrue(LEAKS.isEmpty(), () -> LEAKS.size() + " leaked buffers, first: " + LEAKS.get(0));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
