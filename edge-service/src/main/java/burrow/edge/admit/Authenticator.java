package burrow.edge.admit;

import io.vertx.core.Future;

/**
 * The edge's questions to the registry: is this authtoken good, may this account bind this name or address in this
 * region, may this client address reach this account's tunnels. {@link #acceptAll()} answers yes to everything
 * (an edge without a registry); {@link RegistryAuthenticator} asks the registry.
 */
public interface Authenticator {
  /**
   * @return the account id, or a failed future with a {@code BurrowException} (AUTH_FAILED, AUTH_TOKEN_REVOKED,
   *     AUTH_RATE_LIMITED)
   */
  Future<String> authenticate(String token, String remoteIp);

  /** Fails with RESERVED_ELSEWHERE or RESERVED_IN_OTHER_REGION when another account or region holds the name. */
  default Future<Void> checkHostname(String account, String region, String host) {
    return Future.succeededFuture();
  }

  /** Fails with RESERVED_ELSEWHERE or RESERVED_IN_OTHER_REGION when another account or region holds the address. */
  default Future<Void> checkTcpAddress(String account, String region, String hostPort) {
    return Future.succeededFuture();
  }

  /** The account's IP whitelist, answered from a local snapshot (no I/O): safe on the hot path. */
  default boolean allows(String account, String ip) {
    return true;
  }

  /** Accepts every agent, as the account "dev". For an edge run without a registry. */
  static Authenticator acceptAll() {
    return (token, ip) -> Future.succeededFuture("dev");
  }
}
