package burrow.agent.api;

import burrow.agent.forward.ExchangeObserver;
import burrow.agent.inspect.CaptureStore;
import burrow.agent.inspect.InspectObserver;
import burrow.agent.inspect.InspectOptions;
import burrow.agent.session.EdgeSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The inspector as the agent runs it: one capture store, the observer the session's forwarder reports to, and the
 * web UI + API started on the live session.
 */
public final class Inspector {
  private final Vertx vertx;
  private final InspectOptions options;
  private final CaptureStore store;
  private final TunnelMetricsSource metrics;
  private WebService web;

  public Inspector(Vertx vertx, InspectOptions options, TunnelMetricsSource metrics) {
    this.vertx = vertx;
    this.options = options;
    this.store = new CaptureStore(options);
    this.metrics = metrics;
  }

  public CaptureStore store() {
    return store;
  }

  /** @return what to pass to the session, or null when capture is off ({@code inspect_db_size: -1}) */
  public ExchangeObserver observer() {
    return store.enabled() ? new InspectObserver(store) : null;
  }

  /** @return the web interface's URL, e.g. {@code http://127.0.0.1:4040}, or null when {@code web_addr} is false */
  public Future<String> start(EdgeSession session) {
    if (options.getWebAddr() == null) {
      return Future.succeededFuture(null);
    }
    web = new WebService(vertx, options, store, new AgentTunnels(session), metrics);
    String addr = options.getWebAddr();
    String host = addr.lastIndexOf(':') > 0 ? addr.substring(0, addr.lastIndexOf(':')) : "127.0.0.1";
    return web.start().map(port -> "http://" + (host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port);
  }

  public Future<Void> close() {
    return web == null ? Future.succeededFuture() : web.close();
  }
}
