package burrow.agent.session;

import burrow.agent.config.TunnelDefinition;
import java.util.List;

/** What the session tells the console, the log and the API. Called on the session's context. */
public interface SessionListener {
  default void onConnected(String sessionId, String account) {
  }

  default void onTunnelBound(TunnelDefinition tunnel, List<String> urls) {
  }

  default void onDisconnected(String sessionId, long retryInMillis) {
  }

  default void onReconnecting(Throwable cause, long retryInMillis) {
  }

  /** The edge rejected us for good (bad token, name taken): the reconnect loop has stopped. */
  default void onFatal(Throwable cause) {
  }
}
