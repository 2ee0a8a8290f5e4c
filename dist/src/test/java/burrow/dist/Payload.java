package burrow.dist;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Deterministic test bytes, generated as a stream of 16 KiB chunks so no side ever holds a whole body, and a CRC32
 * of them computed as they go. Chunk {@code i} is a fixed random block stamped with {@code i}, so a lost, repeated or
 * reordered chunk changes the checksum.
 */
final class Payload {
  static final int CHUNK = 16 * 1024;
  private static final byte[] BLOCK = new byte[CHUNK];

  static {
    new Random(42).nextBytes(BLOCK);
  }

  private Payload() {
  }

  static Buffer chunk(long index, int length) {
    byte[] b = BLOCK.clone();
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (index >>> (8 * i));
    }
    return Buffer.buffer(length == CHUNK ? b : java.util.Arrays.copyOf(b, length));
  }

  /** The CRC32 of the first {@code size} bytes, computed without any I/O. */
  static long expectedCrc(long size) {
    CRC32 crc = new CRC32();
    long i = 0;
    for (long off = 0; off < size; off += CHUNK, i++) {
      crc.update(chunk(i, (int) Math.min(CHUNK, size - off)).getBytes());
    }
    return crc.getValue();
  }

  /**
   * Writes {@code size} bytes to {@code ws} with backpressure (waits for drain whenever its queue is full), then ends
   * it. Call on the stream's context (a Vert.x context). {@code written} (may be null) counts the bytes handed over so far.
   */
  static Future<Void> pump(WriteStream<Buffer> ws, long size, long[] written) {
    Promise<Void> done = Promise.promise();
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    new Object() {
      long index;
      long off;

      void next() {
        int burst = 0;
        while (off < size) {
          if (done.future().isComplete()) {
            return;                                    // a write failed: the peer is gone
          }
          if (ws.writeQueueFull()) {
            ws.drainHandler(v -> next());
            return;
          }
          int n = (int) Math.min(CHUNK, size - off);
          Future<Void> w = ws.write(chunk(index++, n)).onFailure(done::tryFail);
          off += n;
          if (written != null) {
            written[0] = off;
          }
          if (++burst == 64) {                         // yield after 1 MiB, so the loop never hogs its thread
            w.onComplete(ar -> context.runOnContext(v -> next()));
            return;
          }
        }
        ws.drainHandler(null);
        ws.end().onComplete(done);
      }
    }.next();
    return done.future();
  }

  /** Counts and checksums the bytes a stream delivers. */
  static final class Sink {
    private final CRC32 crc = new CRC32();
    private long length;

    void update(Buffer b) {
      crc.update(b.getBytes());
      length += b.length();
    }

    long length() {
      return length;
    }

    long crc() {
      return crc.getValue();
    }
  }
}
