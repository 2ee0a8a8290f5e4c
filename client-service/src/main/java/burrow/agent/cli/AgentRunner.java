package burrow.agent.cli;

import burrow.agent.api.Inspector;
import burrow.agent.api.TunnelMetricsSource;
import burrow.agent.config.AgentConfig;
import burrow.agent.inspect.InspectOptions;
import burrow.agent.config.BurrowHome;
import burrow.agent.config.ConfigValidator;
import burrow.agent.config.ProxyConfig;
import burrow.agent.console.AgentStatus;
import burrow.agent.console.ConsoleUi;
import burrow.agent.forward.ExchangeListener;
import burrow.agent.log.Lifecycle;
import burrow.agent.config.TunnelDefinition;
import burrow.agent.inspect.InspectOptions;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.agent.session.SessionOptions;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the agent for a command: merge config (files, then flags), find the edge (or start the embedded one), bind
 * the tunnels, print the forwarding lines, and run until interrupted.
 */
public final class AgentRunner {
  private final AgentFlags flags;
  private final EmbeddedEdge embedded;
  private final PrintWriter out;
  private final PrintWriter err;
  private volatile AgentStatus status;

  public AgentRunner(AgentFlags flags, EmbeddedEdge embedded, PrintWriter out, PrintWriter err) {
    this.flags = flags;
    this.embedded = embedded;
    this.out = out;
    this.err = err;
  }

  /** Loads and validates the config files (every problem at once, before anything connects), then runs. */
  public int run(List<TunnelDefinition> tunnels) throws InterruptedException {
    return run(ConfigValidator.load(flags.config), tunnels);
  }

  /** @return what the agent is doing (console, metrics per tunnel for the API); null before {@link #run} */
  public AgentStatus status() {
    return status;
  }

  /** Blocks the calling (main) thread until the process is interrupted or the edge rejects us for good. */
  public int run(AgentConfig fileConfig, List<TunnelDefinition> tunnels) throws InterruptedException {
    AgentConfig config = EffectiveConfig.apply(flags, fileConfig);
    LogSetup.configure(config);
    config.notes().forEach(Lifecycle::note);
    String server = config.serverAddr();
    SessionOptions so = new SessionOptions().setAuthtoken(config.authtoken()).setAgentVersion(Version.get());
    if (config.metadata() != null) {
      so.setMetadata(new JsonObject().put("metadata", config.metadata()));
    }
    // -region picks the region's edge addresses from the config's regions map (tried in turn), unless --server
    List<String> regionAddrs = flags.server == null && config.region() != null && !config.regions().isEmpty()
        ? regionServers(config.regions(), config.region()) : List.of();
    if (!regionAddrs.isEmpty()) {
      server = regionAddrs.get(0);
    }
    if (server != null) {
      so.setServerAddr(server);
      if (regionAddrs.size() > 1) {
        so.setAlternateServerAddrs(regionAddrs.subList(1, regionAddrs.size()));
      }
      so.setRootCas(trust(config.rootCas()));
    }
    boolean console = switch (config.consoleUi()) {
      case TRUE -> true;
      case FALSE -> false;
      case IFTTY -> ConsoleUi.stdoutIsTerminal();
    };
    status = new AgentStatus(Version.get(), config.region());
    status.tunnels(tunnels);
    if (!console) {
      status.onRequest(new RequestLog());
    }
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    Inspector inspector = new Inspector(vertx, inspectOptions(config), metricsOf(status));
    CountDownLatch done = new CountDownLatch(1);
    int[] exit = {0};
    ConsoleUi[] ui = {null};
    Future<EdgeSession> started = (server != null ? Future.succeededFuture(so) : embedded.startOrJoin(vertx).map(ep -> {
      if (!console) {
        out.println(ep.notice());
        out.flush();
      }
      // The embedded edge knows only its local dev account: a configured authtoken belongs to a configured server.
      so.setAuthtoken(ep.token());
      return so.setServerHost(ep.host()).setServerPort(ep.controlPort()).setRootCasPem(ep.caPem());
    })).compose(opts -> {
      ProxyConfig proxy = ProxyConfig.select(config, System.getenv(), opts.getServerHost());
      if (proxy != null) {
        opts.setProxy(proxy.toOptions());
      }
      Runnable fatal = () -> {
        if (ui[0] != null) {
          ui[0].close();
        }
        exit[0] = 1;
        done.countDown();
      };
      SessionListener screen = console ? new FatalOnly(err, fatal) : new ConsoleListener(out, err, tunnels, fatal);
      if (console) {
        try {
          ui[0] = ConsoleUi.start(status, "black".equals(config.consoleUiColor()));
        } catch (java.io.IOException e) {
          return Future.failedFuture(new BurrowException(ErrorCode.INTERNAL, "cannot open the terminal: " + e.getMessage()));
        }
      }
      EdgeSession session = new EdgeSession(vertx, opts, tunnels,
          new Listeners(List.of(status, new LifecycleLog(tunnels), screen)), inspector.observer());
      session.exchangeListener(status);
      inspector.start(session).onComplete(ar -> {
        if (ar.failed()) {
          err.println(BurrowException.of(ar.cause(), ErrorCode.WEB_ADDR_IN_USE).describe());
        } else if (ar.result() != null) {
          status.webUrl(ar.result());
          if (!console) {
            out.printf("Web Interface                 %s%n", ar.result());
          }
        }
        out.flush();
        err.flush();
      });
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (ui[0] != null) {
          ui[0].close();
        }
        // bounded waits: once Vert.x is closing, a completion may be rejected by a stopped event loop and never come
        awaitQuietly(session.close());
        awaitQuietly(vertx.close());
      }, "burrow-shutdown"));
      return session.startRetrying().map(session);
    });
    started.onFailure(e -> {
      if (ui[0] != null) {
        ui[0].close();
      }
      BurrowException be = BurrowException.of(e, ErrorCode.INTERNAL);
      err.println(be.describe());
      err.flush();
      exit[0] = 1;
      done.countDown();
    });
    done.await();
    if (ui[0] != null) {
      ui[0].close();
    }
    vertx.close();
    return exit[0];
  }

  private static void awaitQuietly(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // shutting down anyway
    }
  }

  /** The inspector's settings from the agent config: {@code web_addr} and {@code inspect_db_size}. */
  static InspectOptions inspectOptions(AgentConfig config) {
    InspectOptions o = new InspectOptions().setDbSize(config.inspectDbSize());
    return o.setWebAddr(config.webDisabled() ? null : config.webAddr());
  }

  /** The API's tunnel metrics, from the per-tunnel metrics the console keeps ("web (http)" is tunnel "web"). */
  static TunnelMetricsSource metricsOf(AgentStatus status) {
    return new TunnelMetricsSource() {
      JsonObject of(String publicName, String key) {
        String name = publicName.endsWith(" (http)") ? publicName.substring(0, publicName.length() - 7) : publicName;
        var m = status.metrics(name);
        return m == null ? TunnelMetricsSource.zeros(key.equals("conns")) : m.toJson().getJsonObject(key);
      }

      @Override
      public JsonObject conns(String publicName) {
        return of(publicName, "conns");
      }

      @Override
      public JsonObject http(String publicName) {
        return of(publicName, "http");
      }
    };
  }

  /** The control addresses of {@code region} from the config's {@code regions} map, tried in turn. */
  static List<String> regionServers(Map<String, List<String>> regions, String region) {
    List<String> r = regions.get(region);
    if (r == null || r.isEmpty()) {
      throw new BurrowException(ErrorCode.CONFIG_INVALID, "no edge address for region \"" + region
          + "\" in the config's regions map (known: " + regions.keySet() + ")");
    }
    return r;
  }

  private static String trust(String rootCas) {
    if (rootCas == null || rootCas.isBlank() || rootCas.equals("host")) {
      return "host";
    }
    if (rootCas.equals("trusted")) {
      String env = System.getenv("BURROW_TRUSTED_CA");
      return env != null ? env : BurrowHome.dir().resolve("ca.pem").toString();
    }
    return Path.of(rootCas).toString();
  }

  /** Prints ngrok's forwarding lines and connection status. */
  static final class ConsoleListener implements SessionListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> locals = new java.util.HashMap<>();
    private final Runnable onFatal;

    ConsoleListener(PrintWriter out, PrintWriter err, List<TunnelDefinition> tunnels, Runnable onFatal) {
      this.out = out;
      this.err = err;
      this.onFatal = onFatal;
      for (TunnelDefinition t : tunnels) {
        locals.put(t.name(), "http".equals(t.proto()) ? t.localAddr().url() : t.localAddr().hostPort());
      }
    }

    @Override
    public void onTunnelBound(TunnelDefinition tunnel, List<String> urls) {
      for (String u : urls) {
        out.printf("Forwarding                    %s -> %s%n", u, locals.getOrDefault(tunnel.name(), tunnel.localAddr().url()));
      }
      out.flush();
    }

    @Override
    public void onDisconnected(String sessionId, long retryInMillis) {
      err.printf("session closed, reconnecting in %d ms%n", retryInMillis);
      err.flush();
    }

    @Override
    public void onReconnecting(Throwable cause, long retryInMillis) {
      err.printf("%s (retrying in %d ms)%n", BurrowException.of(cause, ErrorCode.EDGE_UNREACHABLE).describe(), retryInMillis);
      err.flush();
    }

    @Override
    public void onFatal(Throwable cause) {
      err.println(BurrowException.of(cause, ErrorCode.INTERNAL).describe());
      err.flush();
      onFatal.run();
    }
  }

  /** Tells several listeners, in order. */
  record Listeners(List<SessionListener> all) implements SessionListener {
    @Override
    public void onConnected(String sessionId, String account) {
      all.forEach(l -> l.onConnected(sessionId, account));
    }

    @Override
    public void onTunnelBound(TunnelDefinition tunnel, List<String> urls) {
      all.forEach(l -> l.onTunnelBound(tunnel, urls));
    }

    @Override
    public void onDisconnected(String sessionId, long retryInMillis) {
      all.forEach(l -> l.onDisconnected(sessionId, retryInMillis));
    }

    @Override
    public void onReconnecting(Throwable cause, long retryInMillis) {
      all.forEach(l -> l.onReconnecting(cause, retryInMillis));
    }

    @Override
    public void onFatal(Throwable cause) {
      all.forEach(l -> l.onFatal(cause));
    }
  }

  /** The lifecycle lines wrappers of ngrok 2 read from the log. */
  static final class LifecycleLog implements SessionListener {
    private final Map<String, String> locals = new java.util.HashMap<>();

    LifecycleLog(List<TunnelDefinition> tunnels) {
      for (TunnelDefinition t : tunnels) {
        locals.put(t.name(), t.localAddr().url());
      }
    }

    @Override
    public void onConnected(String sessionId, String account) {
      Lifecycle.sessionEstablished(sessionId, account);
    }

    @Override
    public void onTunnelBound(TunnelDefinition tunnel, List<String> urls) {
      for (String u : urls) {
        Lifecycle.startedTunnel(tunnel.name(), locals.getOrDefault(tunnel.name(), tunnel.localAddr().url()), u);
      }
    }

    @Override
    public void onDisconnected(String sessionId, long retryInMillis) {
      Lifecycle.sessionClosed(sessionId, retryInMillis);
    }

    @Override
    public void onReconnecting(Throwable cause, long retryInMillis) {
      BurrowException be = BurrowException.of(cause, ErrorCode.EDGE_UNREACHABLE);
      Lifecycle.connectFailed(be.code().code(), be.getMessage(), retryInMillis);
    }
  }

  /** With the console UI up, only a fatal error is printed (after the screen is restored by the caller). */
  record FatalOnly(PrintWriter err, Runnable onFatal) implements SessionListener {
    @Override
    public void onFatal(Throwable cause) {
      onFatal.run();
      err.println(BurrowException.of(cause, ErrorCode.INTERNAL).describe());
      err.flush();
    }
  }

  /** Each HTTP request as a log line, when no console UI shows it. */
  static final class RequestLog implements ExchangeListener {
    @Override
    public Exchange begin(String tunnel, String method, String uri) {
      if (method == null) {
        return new Exchange() { };
      }
      long start = System.nanoTime();
      return new Exchange() {
        int status;

        @Override
        public void status(int s) {
          status = s;
        }

        @Override
        public void end() {
          Lifecycle.request(tunnel, method, uri, status, (System.nanoTime() - start) / 1e6);
        }
      };
    }
  }
}
