package burrow.agent.inspect;

import burrow.agent.forward.ExchangeTap;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Records one exchange into a {@link Capture}: copies each chunk while it fits the per-body cap and the store, and
 * simply stops copying once it does not. Never delays or holds a chunk: the stream flows on as if untapped.
 */
public final class CaptureTap implements ExchangeTap {
  private final CaptureStore store;
  private final Capture capture;
  private boolean requestFull;
  private boolean responseFull;

  CaptureTap(CaptureStore store, Capture capture) {
    this.store = store;
    this.capture = capture;
  }

  public Capture capture() {
    return capture;
  }

  @Override
  public void requestChunk(Buffer chunk) {
    if (requestFull || chunk.length() == 0) {
      return;
    }
    Buffer kept = keep(chunk, capture.requestBodyLength());
    if (kept != null) {
      capture.appendRequest(kept);
    }
    if (kept != chunk) {
      requestFull = true;
      capture.truncateRequest();
    }
  }

  /** @return the part of {@code chunk} that fits the body cap and the store (charged), null for none */
  private Buffer keep(Buffer chunk, int already) {
    int room = Math.min(chunk.length(), Math.max(0, store.maxBody() - already));
    if (room == 0 || !store.charge(capture, room)) {
      return null;
    }
    return room == chunk.length() ? chunk : chunk.slice(0, room);
  }

  @Override
  public void requestEnd() {
    capture.requestEnded();
  }

  @Override
  public void response(int status, String reason, MultiMap headers) {
    var h = Capture.canonical(headers);
    if (!store.charge(capture, Capture.headerCost(h))) {
      return;                                         // evicted meanwhile: nobody can see it any more
    }
    capture.response(status, reason, h);
    store.updated(capture);
  }

  @Override
  public void responseChunk(Buffer chunk) {
    if (responseFull || chunk.length() == 0) {
      return;
    }
    Buffer kept = keep(chunk, capture.responseBodyLength());
    if (kept != null) {
      capture.appendResponse(kept);
    }
    if (kept != chunk) {
      responseFull = true;
      capture.truncateResponse();
    }
  }

  @Override
  public void responseEnd() {
    store.finish(capture, null);
  }

  @Override
  public void failed(Throwable err) {
    if (capture.isComplete()) {
      return;
    }
    store.finish(capture, err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage());
  }
}
