package burrow.proto;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.net.OwnedBuffers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.streams.ReadStream;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A head is one JSON object framed by a 4-byte big-endian length. Control messages are heads on stream 1;
 * every data stream starts with one head in each direction (see docs/PROTOCOL.md).
 *
 * <p>Heads are written and read with Jackson's streaming API (jackson-core), not through {@code JsonObject.toBuffer()}
 * and {@code new JsonObject(buffer)}: with jackson-databind on the class path those go through an {@code ObjectMapper}
 * (a serializer provider per call, map and list serializers), and the HTTP heads were built as a {@code JsonObject}
 * only to be written. Under a paced 100 B load Jackson's share of the edge's CPU samples went from 6.0% to 4.8% and
 * of the agent's from 5.4% to 5.0% (async-profiler, docs/PERFORMANCE.md). The bytes on the wire are the same JSON.
 */
public final class Heads {
  /** Largest head we accept, in bytes: 64 KiB. A bigger one is a protocol error. */
  public static final int MAX_HEAD_SIZE = 64 * 1024;

  private Heads() {
  }

  /** jackson-core's factory: thread-safe, and cheap to use once configured. */
  private static final JsonFactory JSON = new JsonFactory();

  /** Writes the body of one head: exactly one JSON object. */
  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  public static Buffer encode(JsonObject json) {
    return write(g -> JacksonCodec.encodeJson(json, g));
  }

  /** One head, written by {@code body} straight into the framed buffer (no intermediate JSON objects or copies). */
  public static Buffer write(Writer body) {
    ByteBuf buf = Unpooled.buffer(512);
    buf.writeInt(0);                                       // the length, set once the body is written
    try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
      body.write(g);
    } catch (IOException e) {
      throw new EncodeException("head could not be written: " + e.getMessage(), e);
    }
    buf.setInt(0, buf.writerIndex() - 4);
    return BufferInternal.buffer(buf);
  }

  /**
   * Parses the JSON body of one head (without its length prefix).
   * @throws BurrowException {@code PROTOCOL_ERROR} when it is not one JSON object
   */
  public static JsonObject decode(Buffer body) {
    Object value;
    try {
      value = JacksonCodec.fromParser(JacksonCodec.createParser(body), Object.class);
    } catch (RuntimeException e) {
      throw new BurrowException(ErrorCode.PROTOCOL_ERROR, "head is not a JSON object");
    }
    if (value instanceof JsonObject json) {
      return json;
    }
    throw new BurrowException(ErrorCode.PROTOCOL_ERROR, "head is not a JSON object");
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
        head = decode(acc.slice(4, 4 + len));
      } catch (BurrowException e) {
        promise.tryFail(e);
        return;
      }
      promise.tryComplete(new Read(head, acc.length() > 4 + len ? acc.slice(4 + len, acc.length()) : null));
    });
    return promise.future();
  }
}
