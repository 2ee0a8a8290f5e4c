package burrow.agent.forward;

import burrow.mux.MuxStream;

/**
 * Told about every exchange a forwarder serves, for metrics, the console and the log (the inspector sees the bytes
 * through an {@link ExchangeObserver} instead). Called on the session's
 * context; implementations must not block.
 */
public interface ExchangeListener {
  /** One exchange (an HTTP request, or a raw connection when {@code method} is null). */
  interface Exchange {
    /** The status sent back to the public client (502 when the local service could not be reached). */
    default void status(int status) {
    }

    /** The exchange is over: both directions closed, or reset. Called once. */
    default void end() {
    }
  }

  ExchangeListener NONE = (tunnel, method, uri) -> new Exchange() { };

  /** @return the handle for the rest of the exchange */
  Exchange begin(String tunnel, String method, String uri);

  /** Tells the exchange riding on {@code stream} (see {@link #attach}) its response status. */
  static void status(MuxStream stream, int status) {
    if (stream.attachment() instanceof Exchange ex) {
      ex.status(status);
    }
  }

  /** Starts observing an exchange on {@code stream}; it ends when the stream is gone. */
  static void attach(ExchangeListener observer, MuxStream stream, String tunnel, String method, String uri) {
    Exchange ex = observer.begin(tunnel, method, uri);
    stream.attachment(ex);
    stream.closeHandler(v -> ex.end());
  }
}
