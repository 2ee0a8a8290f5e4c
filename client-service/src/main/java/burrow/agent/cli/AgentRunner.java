package burrow.agent.cli;

import burrow.agent.config.BurrowHome;
import burrow.agent.config.ConfigFiles;
import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.agent.session.SessionOptions;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

  public AgentRunner(AgentFlags flags, EmbeddedEdge embedded, PrintWriter out, PrintWriter err) {
    this.flags = flags;
    this.embedded = embedded;
    this.out = out;
    this.err = err;
  }

  /** Blocks the calling (main) thread until the process is interrupted or the edge rejects us for good. */
  public int run(List<TunnelDefinition> tunnels) throws InterruptedException {
    LogSetup.configure(flags);
    Map<String, Object> config = ConfigFiles.load(flags.config);
    List<String> regionAddrs = flags.server == null ? regionServers(config, flags.region) : List.of();
    String server = flags.server != null ? flags.server
        : !regionAddrs.isEmpty() ? regionAddrs.get(0) : ConfigFiles.string(config, "server_addr");
    String token = flags.authtoken != null ? flags.authtoken : ConfigFiles.string(config, "authtoken");
    String rootCas = flags.rootCas != null ? flags.rootCas : ConfigFiles.string(config, "root_cas");
    SessionOptions so = new SessionOptions().setAuthtoken(token).setAgentVersion(Version.get());
    if (server != null) {
      so.setServerAddr(server);
      if (regionAddrs.size() > 1) {
        so.setAlternateServerAddrs(regionAddrs.subList(1, regionAddrs.size()));
      }
      so.setRootCas(trust(rootCas));
    }
    Vertx vertx = Vertx.vertx();
    CountDownLatch done = new CountDownLatch(1);
    int[] exit = {0};
    Future<EdgeSession> started = (server != null ? Future.succeededFuture(so) : embedded.startOrJoin(vertx).map(ep -> {
      out.println(ep.notice());
      out.flush();
      if (so.getAuthtoken() == null) {
        so.setAuthtoken(ep.token());
      }
      return so.setServerHost(ep.host()).setServerPort(ep.controlPort()).setRootCasPem(ep.caPem());
    })).compose(opts -> {
      EdgeSession session = new EdgeSession(vertx, opts, tunnels, new ConsoleListener(out, err, tunnels, () -> {
        exit[0] = 1;
        done.countDown();
      }));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        session.close().eventually(vertx::close).toCompletionStage().toCompletableFuture().join();
      }, "burrow-shutdown"));
      return session.startRetrying().map(session);
    });
    started.onFailure(e -> {
      BurrowException be = BurrowException.of(e, ErrorCode.INTERNAL);
      err.println(be.describe());
      err.flush();
      exit[0] = 1;
      done.countDown();
    });
    done.await();
    vertx.close();
    return exit[0];
  }

  /**
   * The control addresses of {@code -region} from the config's {@code regions} map: {@code regions: {eu: host:port}},
   * or a list (or comma-separated string) of addresses of that region's nodes, tried in turn.
   */
  static List<String> regionServers(Map<String, Object> config, String region) {
    if (region == null || !(config.get("regions") instanceof Map<?, ?> regions)) {
      return List.of();
    }
    Object r = regions.get(region);
    if (r == null) {
      throw new BurrowException(ErrorCode.CONFIG_INVALID, "no edge address for region \"" + region
          + "\" in the config's regions map (known: " + regions.keySet() + ")");
    }
    List<String> out = new java.util.ArrayList<>();
    for (Object o : r instanceof List<?> l ? l : List.of(String.valueOf(r).split(","))) {
      if (!String.valueOf(o).isBlank()) {
        out.add(String.valueOf(o).trim());
      }
    }
    return out;
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
        locals.put(t.name(), t.localAddr().url());
      }
    }

    @Override
    public void onTunnelBound(TunnelDefinition tunnel, List<String> urls) {
      for (String u : urls) {
        out.printf("Forwarding                    %s -> %s%n", u, locals.get(tunnel.name()));
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
}
