package burrow.edge.admit;

import burrow.registry.Registry;
import burrow.registry.model.Account;
import io.vertx.core.Future;

/** Admission backed by the registry: tokens, reservations per account and region, IP whitelists. */
public final class RegistryAuthenticator implements Authenticator {
  private final Registry registry;

  public RegistryAuthenticator(Registry registry) {
    this.registry = registry;
  }

  @Override
  public Future<String> authenticate(String token, String remoteIp) {
    return registry.authenticate(token, remoteIp).map(Account::id);
  }

  @Override
  public Future<Void> checkHostname(String account, String region, String host) {
    return registry.checkHostname(account, region, host);
  }

  @Override
  public Future<Void> checkTcpAddress(String account, String region, String hostPort) {
    return registry.checkTcpAddress(account, region, hostPort);
  }

  @Override
  public boolean allows(String account, String ip) {
    return registry.allowsNow(account, ip);
  }
}
