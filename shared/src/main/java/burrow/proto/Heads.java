package burrow.proto;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.net.OwnedBuffers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

/**
 * A head is one JSON object framed by a 4-byte big-endian length. Control messages are heads on stream 1;
 * every data stream starts with one head in each direction (see docs/PROTOCOL.md).
 */
public final class Heads {
  /** Largest head we accept, in bytes: 64 KiB. A bigger one is a protocol error. */
  public static final int MAX_HEAD_SIZE = 64 * 1024;

  private Heads() {
  }

  public static Buffer encode(JsonObject json) {
    Buffer body = json.toBuffer();
    Buffer out = Buffer.buffer(4 + body.length());
    out.appendInt(body.length());
    out.appendBuffer(body);
    return out;
  }

  /** A head and the bytes that followed it in the same read. */
  public record Read(JsonObject head, Buffer rest) {
  }

  /**
   * Reads one head from {@code stream}, then pauses it and hands back the head and any bytes that came after it.
   * The caller takes over the stream's handlers from there. Fails on a malformed or oversized head, or if the stream
   * ends first.
   */
  public static Future<Read> readOne(ReadStream<Buffer> stream) {
    Promise<Read> promise = Promise.promise();
    Buffer acc = Buffer.buffer();
    stream.exceptionHandler(promise::tryFail);
    stream.endHandler(v -> promise.tryFail(new BurrowException(ErrorCode.PROTOCOL_ERROR, "stream ended before its head")));
    stream.handler(chunk -> {
      if (promise.future().isComplete()) {
        OwnedBuffers.release(chunk);
        return;
      }
      acc.appendBuffer(chunk);
      OwnedBuffers.release(chunk);                    // from a stream that delivers owned buffers: copied above
      if (acc.length() < 4) {
        return;
      }
      int len = acc.getInt(0);
      if (len < 2 || len > MAX_HEAD_SIZE) {
        stream.pause();
        promise.tryFail(new BurrowException(ErrorCode.PROTOCOL_ERROR, "head of " + len + " bytes (limit " + MAX_HEAD_SIZE + ")"));
        return;
      }
      if (acc.length() < 4 + len) {
        return;
      }
      stream.pause();
      stream.handler(null);
      stream.endHandler(null);
      stream.exceptionHandler(null);
      JsonObject head;
      try {
        head = new JsonObject(acc.slice(4, 4 + len));
      } catch (RuntimeException e) {
        promise.tryFail(new BurrowException(ErrorCode.PROTOCOL_ERROR, "head is not a JSON object"));
        return;
      }
      promise.tryComplete(new Read(head, acc.length() > 4 + len ? acc.slice(4 + len, acc.length()) : null));
    });
    return promise.future();
  }
}
