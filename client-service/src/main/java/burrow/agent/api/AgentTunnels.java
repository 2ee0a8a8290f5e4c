package burrow.agent.api;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.EdgeSession.TunnelState;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Future;
import java.util.List;

/** The tunnels the API lists, starts and stops: those of the agent's live {@link EdgeSession}. */
public final class AgentTunnels {
  private final EdgeSession session;

  public AgentTunnels(EdgeSession session) {
    this.session = session;
  }

  public Future<List<TunnelState>> list() {
    return session.tunnelStates();
  }

  /** @return the definition, once the tunnel is bound */
  public Future<TunnelDefinition> find(String name) {
    return list().compose(states -> {
      for (TunnelState s : states) {
        if (s.definition().name().equals(name)) {
          return Future.succeededFuture(s.definition());
        }
      }
      return Future.failedFuture(new BurrowException(ErrorCode.API_NOT_FOUND, "tunnel \"" + name + "\" not found"));
    });
  }

  /**
   * Binds a new tunnel on the live session. Before the session is up this fails with {@link ErrorCode#SESSION_CLOSED}
   * (a retryable 503) and the definition is dropped, so a retry starts from a clean slate; so is one the edge refuses.
   */
  public Future<List<String>> start(TunnelDefinition t) {
    return list().compose(states -> {
      for (TunnelState s : states) {
        if (s.definition().name().equals(t.name())) {
          return Future.failedFuture(new BurrowException(ErrorCode.API_BAD_REQUEST,
              "a tunnel named \"" + t.name() + "\" is already running; stop it first or pick another name"));
        }
      }
      return session.addTunnel(t).recover(err -> session.removeTunnel(t.name()).transform(v -> Future.failedFuture(err)));
    });
  }

  public Future<Void> stop(String name) {
    return session.removeTunnel(name);
  }
}
