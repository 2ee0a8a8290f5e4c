package burrow.registry;

import burrow.registry.model.Account;
import burrow.registry.model.AuthToken;
import burrow.registry.model.DevAccount;
import burrow.registry.model.IssuedToken;
import burrow.registry.model.ReservedAddress;
import burrow.registry.model.ReservedDomain;
import burrow.registry.model.WhitelistEntry;
import burrow.registry.store.RegistryMaps;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The registry's Java API, for the edge (in-process) and for the REST API. Every method returns a Future
 * and never blocks the caller's event loop. Failures are {@link burrow.error.BurrowException}s: the
 * edge-facing checks use the session/routing codes (BRW-204..206, BRW-312, BRW-313), management
 * operations use REG_* codes via {@link RegistryException}, which names the bad field.
 *
 * <p>Build one with {@link #create(Vertx, HazelcastInstance, RegistryOptions)}; the Hazelcast member must
 * carry the registry's map configs ({@link RegistryMaps#configure}), or they are added dynamically.
 */
public class Registry {
  private final RegistryOptions options;
  private final Accounts accounts;
  private final Reservations reservations;
  private final Whitelist whitelist;

  private Registry(Vertx vertx, HazelcastInstance hz, RegistryOptions options) {
    this.options = new RegistryOptions(options);
    RegistryMaps.ensureConfigured(hz, this.options);
    RegistryMaps maps = new RegistryMaps(hz);
    Secrets secrets = new Secrets();
    AuthLimiter limiter = new AuthLimiter(options.getAuthFailuresPerWindow(),
        TimeUnit.SECONDS.toNanos(options.getAuthWindowSeconds()), options.getAuthTrackedSources(), System::nanoTime);
    this.accounts = new Accounts(vertx, maps, secrets, limiter);
    this.reservations = new Reservations(vertx, maps, this.options, secrets);
    this.whitelist = new Whitelist(vertx, maps);
  }

  /** Creates a registry over {@code hz} and loads its whitelist snapshot (the maps load eagerly, from the store). */
  public static Future<Registry> create(Vertx vertx, HazelcastInstance hz, RegistryOptions options) {
    return vertx.executeBlocking(() -> new Registry(vertx, hz, options), false)
        .compose(r -> r.whitelist.start().map(r));
  }

  /** Stops listening for whitelist changes; the Hazelcast member belongs to the caller. */
  public void close() {
    whitelist.stop();
  }

  public RegistryOptions options() {
    return options;
  }

  private static <T> Future<T> guard(Supplier<Future<T>> op) {
    try {
      return op.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  // ---- edge-facing ----

  /**
   * @param sourceIp the agent's address, for the per-address guessing limit
   * @return the token's account; fails with AUTH_FAILED (BRW-204), AUTH_TOKEN_REVOKED (BRW-205) or
   *     AUTH_RATE_LIMITED (BRW-206)
   */
  public Future<Account> authenticate(String token, String sourceIp) {
    return guard(() -> accounts.authenticate(token, sourceIp));
  }

  /**
   * May {@code accountId} bind {@code host} (an exact name or {@code *.domain}) in {@code region}? Succeeds
   * if no reservation covers the name or the most specific covering one is this account's in this region.
   * Fails with RESERVED_ELSEWHERE (BRW-312) or RESERVED_IN_OTHER_REGION (BRW-313).
   */
  public Future<Void> checkHostname(String accountId, String region, String host) {
    return guard(() -> reservations.checkHostname(accountId, region, host));
  }

  /**
   * May {@code accountId} bind TCP address {@code hostPort} ({@code host:port}, or a bare port on the
   * region's TCP host) in {@code region}? Succeeds if unreserved or reserved by this account in this
   * region; fails with RESERVED_ELSEWHERE (BRW-312), RESERVED_IN_OTHER_REGION (BRW-313) or BAD_BIND (BRW-315).
   */
  public Future<Void> checkTcpAddress(String accountId, String region, String hostPort) {
    return guard(() -> reservations.checkTcpAddress(accountId, region, hostPort));
  }

  /** @return the most specific reservation covering {@code host}, if any (for routing and error pages) */
  public Future<Optional<ReservedDomain>> findDomain(String host) {
    return guard(() -> reservations.findDomain(host));
  }

  /** @return whether a connection from {@code ip} may reach the account's tunnels (empty whitelist: yes) */
  public Future<Boolean> isAllowed(String accountId, String ip) {
    return Future.succeededFuture(whitelist.allows(accountId, ip));
  }

  /** The same answer as {@link #isAllowed}, synchronously from the local snapshot, for hot paths. */
  public boolean allowsNow(String accountId, String ip) {
    return whitelist.allows(accountId, ip);
  }

  /** The embedded dev edge's account and token: created once, the same after every restart. */
  public Future<DevAccount> createDevAccount() {
    return guard(accounts::devAccount);
  }

  // ---- accounts and tokens ----

  /** A new account and its first token (shown once). */
  public record NewAccount(Account account, IssuedToken token) { }

  public Future<NewAccount> createAccount(String name) {
    return guard(() -> accounts.create(name)).map(n -> new NewAccount(n.account(), n.token()));
  }

  public Future<Account> account(String id) {
    return guard(() -> accounts.get(id));
  }

  public Future<List<Account>> accounts() {
    return guard(accounts::list);
  }

  /** Deletes the account with its tokens, reservations and whitelist. */
  public Future<Void> deleteAccount(String id) {
    return guard(() -> accounts.get(id)
        .compose(a -> reservations.deleteAll(id))
        .compose(v -> whitelist.deleteAll(id))
        .compose(v -> accounts.delete(id)));
  }

  public Future<IssuedToken> createToken(String accountId, String description) {
    return guard(() -> accounts.get(accountId).compose(a -> accounts.createToken(accountId, description)));
  }

  public Future<List<AuthToken>> tokens(String accountId) {
    return guard(() -> accounts.listTokens(accountId));
  }

  public Future<AuthToken> revokeToken(String accountId, String tokenId) {
    return guard(() -> accounts.revokeToken(accountId, tokenId));
  }

  // ---- reservations ----

  /** Reserve {@code subdomain} of the edge domain, or a custom {@code hostname} (exactly one of them). */
  public Future<ReservedDomain> reserveDomain(String accountId, String subdomain, String hostname, String region) {
    return guard(() -> reservations.reserveDomain(accountId, subdomain, hostname, region));
  }

  public Future<List<ReservedDomain>> domains(String accountId) {
    return guard(() -> reservations.listDomains(accountId));
  }

  public Future<Void> releaseDomain(String accountId, String domainId) {
    return guard(() -> reservations.releaseDomain(accountId, domainId));
  }

  /** @param port a specific port in the region's range, or null for any free one */
  public Future<ReservedAddress> reserveAddress(String accountId, String region, Integer port) {
    return guard(() -> reservations.reserveAddress(accountId, region, port));
  }

  public Future<List<ReservedAddress>> addresses(String accountId) {
    return guard(() -> reservations.listAddresses(accountId));
  }

  public Future<Void> releaseAddress(String accountId, String addressId) {
    return guard(() -> reservations.releaseAddress(accountId, addressId));
  }

  // ---- whitelist ----

  public Future<WhitelistEntry> addWhitelist(String accountId, String ipNet, String description) {
    return guard(() -> whitelist.add(accountId, ipNet, description));
  }

  public Future<List<WhitelistEntry>> whitelist(String accountId) {
    return guard(() -> whitelist.list(accountId));
  }

  public Future<Void> removeWhitelist(String accountId, String entryId) {
    return guard(() -> whitelist.remove(accountId, entryId));
  }
}
