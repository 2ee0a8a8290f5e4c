package burrow.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the mux hands its transport in one event-loop turn: frames packed into batches of exactly one TLS record's
 * plaintext (16 KiB), payloads running on from one batch into the next, and the bytes still the frames that were
 * written, in order.
 */
class MuxBatchTest {
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Records each buffer written, and flushes. */
  private static final class Recorder implements MuxTransport {
    final List<byte[]> writes = new CopyOnWriteArrayList<>();
    final List<Integer> flushedAfter = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> writeFrame(ByteBuf frame) {
      byte[] b = new byte[frame.readableBytes()];
      frame.readBytes(b);
      frame.release();
      writes.add(b);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> write(Buffer data) {
      writes.add(data.getBytes());
      return Future.succeededFuture();
    }

    @Override
    public void flush() {
      flushedAfter.add(writes.size());
    }

    @Override
    public void handler(Handler<Buffer> handler) {
    }

    @Override
    public void closeHandler(Handler<Void> handler) {
    }

    @Override
    public void exceptionHandler(Handler<Throwable> handler) {
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }

    @Override
    public String remoteAddress() {
      return "recorder";
    }
  }

  @Test
  void framesOfOneTurnFillWholeRecordsAndParseBack() throws Exception {
    ContextInternal ctx = ((VertxInternal) vertx).createEventLoopContext();
    Recorder rec = new Recorder();
    MuxSession session = new MuxSession(ctx, rec, new MuxOptions(), true);
    Random random = new Random(11);
    // A SYN, then payloads of assorted sizes (heap buffers, so copied into batches): 9 bytes to 40 KiB, 180 KiB in all.
    int[] sizes = {9, 16 * 1024, 100, 40 * 1024, 3, 16 * 1024 - 12, 30_000, 1, 16 * 1024 + 5, 50_000};
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    Promise<Integer> done = Promise.promise();
    ctx.runOnContext(v -> {
      session.start();
      session.open().onSuccess(stream -> {
        rec.writes.clear();                          // the SYN went out in an earlier turn
        rec.flushedAfter.clear();
        for (int size : sizes) {                     // all in this turn
          byte[] b = new byte[size];
          random.nextBytes(b);
          sent.writeBytes(b);
          stream.write(Buffer.buffer(b));
        }
        done.complete(stream.id());
      }).onFailure(done::fail);
    });
    int id = done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // Wait on the flush at the end of that turn.
    Promise<Void> flushed = Promise.promise();
    ctx.runOnContext(v -> ctx.runOnContext(w -> flushed.complete()));
    flushed.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    List<byte[]> writes = List.copyOf(rec.writes);
    assertEquals(List.of(writes.size()), rec.flushedAfter, "one flush, after the turn's last write");
    for (int i = 0; i < writes.size() - 1; i++) {
      assertEquals(16 * 1024, writes.get(i).length, "write " + i + " of " + writes.size() + " is a full record");
    }
    assertTrue(writes.get(writes.size() - 1).length <= 16 * 1024);
    // The bytes parse back into DATA frames of stream `id` whose payloads, in order, are what was written.
    ByteBuf all = Unpooled.buffer();
    writes.forEach(all::writeBytes);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (all.isReadable()) {
      assertEquals(Frame.VERSION, all.readByte());
      int type = all.readByte();
      all.readShort();
      assertEquals(id, all.readInt());
      int length = all.readInt();
      if (type == Frame.TYPE_DATA) {
        byte[] payload = new byte[length];
        all.readBytes(payload);
        received.writeBytes(payload);
      } else {
        assertEquals(Frame.TYPE_WINDOW_UPDATE, type);
      }
    }
    assertArrayEquals(sent.toByteArray(), received.toByteArray());
  }
}
