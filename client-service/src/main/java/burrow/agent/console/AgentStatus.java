package burrow.agent.console;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.forward.ExchangeListener;
import burrow.agent.session.SessionListener;
import burrow.metrics.ConnMetrics;
import burrow.metrics.TunnelMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the agent is doing, for the console UI, the log and the API: session status, the forwarding URLs, metrics per
 * tunnel ({@link #metrics(String)}, in ngrok's API shape) and over all tunnels, and the last HTTP requests.
 * Written on the session's context, read from the console's thread: every method is thread-safe.
 */
public final class AgentStatus implements SessionListener, ExchangeListener {
  /** HTTP requests kept for the console: 10. */
  public static final int MAX_REQUESTS = 10;

  /** One finished HTTP request, for the console's list. */
  public record Request(String tunnel, String method, String uri, int status, long durationNanos) {
  }

  private final String version;
  private final String region;
  private final Map<String, String> locals = new LinkedHashMap<>();
  private final Map<String, List<String>> forwarding = new LinkedHashMap<>();
  private final Map<String, TunnelMetrics> metrics = new ConcurrentHashMap<>();
  private final TunnelMetrics total = new TunnelMetrics();
  private final Deque<Request> requests = new ArrayDeque<>();
  private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<ExchangeListener> requestListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile String status = "connecting";
  private volatile String account;
  private volatile String webUrl;

  public AgentStatus(String version, String region) {
    this.version = version;
    this.region = region;
  }

  public String status() { return status; }
  public String account() { return account; }
  public String version() { return version; }
  public String region() { return region; }
  /** @return the web interface's URL, or null while it is not listening (or disabled) */
  public String webUrl() { return webUrl; }
  public void webUrl(String url) { webUrl = url; changed(); }

  /** @return the metrics of one tunnel, created on first use: {@code toJson()} gives the API's "metrics" object */
  public TunnelMetrics metrics(String tunnel) {
    return metrics.computeIfAbsent(tunnel, t -> new TunnelMetrics());
  }

  /** @return the metrics over every tunnel (the console's Connections line) */
  public TunnelMetrics total() {
    return total;
  }

  /** @return public URL → local address, in bind order */
  public synchronized Map<String, String> forwarding() {
    Map<String, String> m = new LinkedHashMap<>();
    forwarding.forEach((t, urls) -> urls.forEach(u -> m.put(u, locals.get(t))));
    return m;
  }

  /** @return the last requests, newest first */
  public synchronized List<Request> requests() {
    return new ArrayList<>(requests);
  }

  /** Runs {@code r} (on the caller's thread) after every change. */
  public void onChange(Runnable r) {
    changeListeners.add(r);
  }

  /** Also tells {@code o} of each request (the log, when there is no console). */
  public void onRequest(ExchangeListener o) {
    requestListeners.add(o);
  }

  private void changed() {
    changeListeners.forEach(Runnable::run);
  }

  public synchronized void tunnels(List<TunnelDefinition> tunnels) {
    for (TunnelDefinition t : tunnels) {
      locals.put(t.name(), t.proto().equals("http") ? t.localAddr().url() : t.localAddr().hostPort());
    }
  }

  @Override
  public void onConnected(String sessionId, String account) {
    this.status = "online";
    this.account = account;
    changed();
  }

  @Override
  public void onTunnelBound(TunnelDefinition tunnel, List<String> urls) {
    synchronized (this) {
      locals.putIfAbsent(tunnel.name(), tunnel.localAddr().url());
      forwarding.put(tunnel.name(), List.copyOf(urls));
    }
    changed();
  }

  @Override
  public void onDisconnected(String sessionId, long retryInMillis) {
    status = "reconnecting";
    changed();
  }

  @Override
  public void onReconnecting(Throwable cause, long retryInMillis) {
    status = "reconnecting";
    changed();
  }

  @Override
  public void onFatal(Throwable cause) {
    status = "offline";
    changed();
  }

  @Override
  public Exchange begin(String tunnel, String method, String uri) {
    TunnelMetrics tm = metrics(tunnel);
    List<Runnable> closers = new ArrayList<>(List.of(tm.conns().open(), total.conns().open()));
    if (method != null) {
      closers.add(tm.http().open());
      closers.add(total.http().open());
    }
    List<Exchange> others = new ArrayList<>();
    for (ExchangeListener o : requestListeners) {
      others.add(o.begin(tunnel, method, uri));
    }
    long start = System.nanoTime();
    changed();
    return new Exchange() {
      int status;

      @Override
      public void status(int s) {
        status = s;
        others.forEach(o -> o.status(s));
      }

      @Override
      public void end() {
        closers.forEach(Runnable::run);
        if (method != null) {
          synchronized (AgentStatus.this) {
            requests.addFirst(new Request(tunnel, method, uri, status, System.nanoTime() - start));
            while (requests.size() > MAX_REQUESTS) {
              requests.removeLast();
            }
          }
        }
        others.forEach(Exchange::end);
        changed();
      }
    };
  }

  /** @return the console's connections figures: ttl, opn, rt1, rt5, p50, p90 (seconds) */
  public double[] connectionFigures() {
    ConnMetrics c = total.conns();
    double[] p = c.percentiles();
    return new double[] {c.count(), c.gauge(), c.rate1(), c.rate5(), p[0] / 1e9, p[1] / 1e9};
  }
}
