package burrow.edge.route;

import burrow.edge.admit.BasicAuth;
import burrow.edge.session.AgentSession;
import burrow.proto.TunnelSpec;

/**
 * One public host bound to one tunnel of one agent session.
 *
 * @param auth the tunnel's basic-auth check, or null when it has none
 */
public record Binding(String host, AgentSession session, TunnelSpec spec, BasicAuth auth) implements Route {
  public Binding(String host, AgentSession session, TunnelSpec spec) {
    this(host, session, spec, spec.auth() == null || spec.auth().isEmpty() ? null : new BasicAuth(spec.auth()));
  }

  @Override
  public String account() {
    return session.account();
  }

  @Override
  public io.vertx.core.Future<burrow.mux.MuxStream> openStream() {
    return session.openStream();
  }
}
