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
    if (requestFull) {
      return;
    }
    if (capture.requestBodyLength() + chunk.length() > store.maxBody() || !store.charge(capture, chunk.length())) {
      requestFull = true;
      capture.truncateRequest();
      return;
    }
    capture.appendRequest(chunk);
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
    if (responseFull) {
      return;
    }
    if (capture.responseBodyLength() + chunk.length() > store.maxBody() || !store.charge(capture, chunk.length())) {
      responseFull = true;
      capture.truncateResponse();
      return;
    }
    capture.appendResponse(chunk);
  }

  @Override
  public void responseEnd() {
    capture.finish(null);
    store.updated(capture);
  }

  @Override
  public void failed(Throwable err) {
    if (capture.isComplete()) {
      return;
    }
    capture.finish(err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage());
    store.updated(capture);
  }
}
