package burrow.agent.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Starts (or joins) a single-node edge on this machine when no server is configured. The agent module cannot depend
 * on the edge, so the launcher (dist module) supplies the implementation.
 */
public interface EmbeddedEdge {
  /**
   * Where the agent dials the embedded edge, the CA it trusts, the dev account's authtoken (used when no authtoken
   * is configured), and a line to tell the user what happened.
   */
  record Endpoint(String host, int controlPort, String caPem, String token, String notice) {
  }

  Future<Endpoint> startOrJoin(Vertx vertx);

  /** For an agent built without the edge: says so instead of starting one. */
  static EmbeddedEdge unavailable() {
    return vertx -> Future.failedFuture(new burrow.error.BurrowException(burrow.error.ErrorCode.EDGE_UNREACHABLE,
        "no server configured: set server_addr in the config file or pass --server host:port"));
  }
}
