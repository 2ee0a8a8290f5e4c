package burrow.proto;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.mux.MuxStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;

/**
 * Reads and writes {@link ControlMessage}s on the control stream. Framing is {@link Heads}: a 4-byte length then
 * JSON, parsed with Vert.x's {@link RecordParser} (fixed-size records, switching between length and body).
 */
public final class ControlChannel {
  private final MuxStream stream;
  private Handler<ControlMessage> messageHandler;
  private Handler<BurrowException> errorHandler;

  public ControlChannel(MuxStream stream) {
    this.stream = stream;
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(new Handler<>() {
      boolean inBody;

      @Override
      public void handle(Buffer record) {
        if (!inBody) {
          int len = record.getInt(0);
          if (len < 2 || len > Heads.MAX_HEAD_SIZE) {
            fail(new BurrowException(ErrorCode.PROTOCOL_ERROR, "control message of " + len + " bytes (limit "
                + Heads.MAX_HEAD_SIZE + ")"));
            return;
          }
          inBody = true;
          parser.fixedSizeMode(len);
          return;
        }
        inBody = false;
        parser.fixedSizeMode(4);
        JsonObject json;
        try {
          json = Heads.decode(record);
        } catch (BurrowException e) {
          fail(new BurrowException(ErrorCode.PROTOCOL_ERROR, "control message is not a JSON object"));
          return;
        }
        ControlMessage msg;
        try {
          msg = ControlMessage.fromJson(json);
        } catch (BurrowException e) {
          fail(e);
          return;
        } catch (RuntimeException e) {
          fail(new BurrowException(ErrorCode.PROTOCOL_ERROR, "control message is not a JSON object"));
          return;
        }
        Handler<ControlMessage> h = messageHandler;
        if (h != null) {
          h.handle(msg);
        }
      }
    });
    stream.handler(parser);
  }

  private void fail(BurrowException e) {
    Handler<BurrowException> h = errorHandler;
    if (h != null) {
      h.handle(e);
    }
  }

  public ControlChannel messageHandler(Handler<ControlMessage> handler) {
    this.messageHandler = handler;
    return this;
  }

  /** Malformed or unknown messages; the channel keeps reading after an unknown type. */
  public ControlChannel errorHandler(Handler<BurrowException> handler) {
    this.errorHandler = handler;
    return this;
  }

  public Future<Void> send(ControlMessage msg) {
    return stream.write(Heads.encode(msg.toJson()));
  }

  public MuxStream stream() {
    return stream;
  }
}
