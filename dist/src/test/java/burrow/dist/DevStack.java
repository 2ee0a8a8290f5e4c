package burrow.dist;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import burrow.agent.session.SessionOptions;
import burrow.edge.EdgeOptions;
import burrow.edge.EdgeServer;
import burrow.edge.admit.Authenticator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** An edge on loopback with every port 0, and agents dialling it: the test bed of the integration tests. */
public final class DevStack {
  public final Vertx vertx;
  public final EdgeServer edge;
  private final String caPem;

  private DevStack(Vertx vertx, EdgeServer edge, String caPem) {
    this.vertx = vertx;
    this.edge = edge;
    this.caPem = caPem;
  }

  public static Future<DevStack> start(Vertx vertx) {
    return start(vertx, new EdgeOptions().setHttpPort(0).setHttpsPort(0).setControlPort(0).setTlsPort(0).setInstances(2));
  }

  public static Future<DevStack> start(Vertx vertx, EdgeOptions options) {
    return start(vertx, options, null);
  }

  /** @param caPem the CA agents trust when {@code options} name a certificate file; null for a generated one */
  public static Future<DevStack> start(Vertx vertx, EdgeOptions options, String caPem) {
    EdgeServer edge = new EdgeServer(vertx, options, Authenticator.acceptAll());
    return edge.start().map(e -> new DevStack(vertx, e, caPem != null ? caPem : e.generatedCaPem()));
  }

  /** The CA that signed the edge's certificate. */
  public String caPem() {
    return caPem;
  }

  public SessionOptions sessionOptions() {
    return new SessionOptions().setServerHost("127.0.0.1").setServerPort(edge.controlPort())
        .setRootCasPem(caPem).setMinBackoff(50).setMaxBackoff(400);
  }

  public EdgeSession agent(List<TunnelDefinition> tunnels) {
    return agent(tunnels, new SessionListener() { });
  }

  public EdgeSession agent(List<TunnelDefinition> tunnels, SessionListener listener) {
    return new EdgeSession(vertx, sessionOptions(), tunnels, listener);
  }

  public Future<Void> close() {
    return edge.close();
  }
}
