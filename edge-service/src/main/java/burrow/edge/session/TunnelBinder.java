package burrow.edge.session;

import burrow.proto.TunnelSpec;
import io.vertx.core.Future;
import java.util.List;

/**
 * Binds tunnels of one protocol other than http (tcp: a public port; tls: an SNI name) for an agent session.
 * Called on the session's context.
 */
public interface TunnelBinder {
  /** A bound tunnel: its public URLs, and how to let it go (the session ended or the agent unbound it). */
  record Bound(List<String> urls, Release release) {
  }

  /** Lets a bound tunnel go. */
  @FunctionalInterface
  interface Release {
    /** @param sessionEnded true when the agent's session ended (it may come back), false for an explicit unbind */
    void release(boolean sessionEnded);
  }

  Future<Bound> bind(AgentSession session, TunnelSpec spec);
}
