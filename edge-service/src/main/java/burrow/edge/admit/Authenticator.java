package burrow.edge.admit;

import io.vertx.core.Future;

/** Decides whether an agent's authtoken is good; the registry implements it. */
public interface Authenticator {
  /**
   * @return the account id, or a failed future with a {@code BurrowException} (AUTH_FAILED, AUTH_TOKEN_REVOKED,
   *     AUTH_RATE_LIMITED)
   */
  Future<String> authenticate(String token, String remoteIp);

  /** Accepts every agent, as the account "dev". For an edge run without a registry. */
  static Authenticator acceptAll() {
    return (token, ip) -> Future.succeededFuture("dev");
  }
}
