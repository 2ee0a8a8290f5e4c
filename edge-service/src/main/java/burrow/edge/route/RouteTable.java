package burrow.edge.route;

import burrow.edge.session.AgentSession;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.proto.TunnelSpec;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * This node's public hosts and who serves them. Read on every request from any event loop, so it is a concurrent
 * map; written on bind and unbind. A name stays leased to the agent (its client id) that held it for a while after
 * its session ends, so a reconnecting agent gets the same URL back and nobody else can take it meanwhile.
 */
public final class RouteTable {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private record Lease(String clientId, String tunnelId, long expiresAt) {
  }

  private final String domain;
  private final long leaseMillis;
  private final LongSupplier clock;
  private final Map<String, Binding> byHost = new ConcurrentHashMap<>();
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile RouteHook hook = RouteHook.NONE;

  public RouteTable(String domain, long leaseMillis, LongSupplier clock) {
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.leaseMillis = leaseMillis;
    this.clock = clock;
  }

  public String domain() {
    return domain;
  }

  /** Sets what happens beyond this table on bind and release (the cluster layer); default: nothing. */
  public void hook(RouteHook hook) {
    this.hook = hook;
  }

  /** @return every binding of this node (a live view) */
  public java.util.Collection<Binding> bindings() {
    return byHost.values();
  }

  /**
   * Publishes a binding claimed here through the hook (the cluster); when the hook refuses it, the binding leaves
   * this table again with no lease and the future fails with the hook's error.
   */
  public Future<Binding> publish(Binding b) {
    return hook.bound(b).map(b).recover(err -> {
      synchronized (this) {
        if (byHost.remove(b.host(), b)) {
          leases.remove(b.host());
        }
      }
      return Future.failedFuture(err);
    });
  }

  /** @return the binding for a public host (lower-case, without port), or null */
  public Binding lookup(String host) {
    return byHost.get(host);
  }

  public int size() {
    return byHost.size();
  }

  /**
   * @return the host a bind asks for by name (hostname or subdomain), validated, or null when it asks for a random one
   */
  public String requestedHost(TunnelSpec spec) {
    if (spec.hostname() != null && !spec.hostname().isBlank()) {
      return normalizeHostname(spec.hostname());
    }
    if (spec.subdomain() != null && !spec.subdomain().isBlank()) {
      return subdomainHost(spec.subdomain());
    }
    return null;
  }

  /** Claims a host for an HTTP tunnel: the requested hostname or subdomain, the agent's leased name, or a new one. */
  public synchronized Binding claim(AgentSession session, TunnelSpec spec) {
    String host;
    if (spec.hostname() != null && !spec.hostname().isBlank()) {
      host = normalizeHostname(spec.hostname());
    } else if (spec.subdomain() != null && !spec.subdomain().isBlank()) {
      host = subdomainHost(spec.subdomain());
    } else {
      host = leasedHost(session.clientId(), spec.id());
      if (host == null) {
        host = preferred(session, spec.preferredHost());
      }
      if (host == null) {
        host = randomHost();
      }
    }
    Binding current = byHost.get(host);
    if (current != null && !current.session().clientId().equals(session.clientId())) {
      throw new BurrowException(ErrorCode.SUBDOMAIN_TAKEN, "the tunnel " + host
          + " is already bound by another agent. Pick another -subdomain, or stop the other agent.");
    }
    Lease lease = leases.get(host);
    long now = clock.getAsLong();
    if (current == null && lease != null && lease.expiresAt() > now && !lease.clientId().equals(session.clientId())) {
      throw new BurrowException(ErrorCode.SUBDOMAIN_TAKEN, "the tunnel " + host
          + " is held for the agent that had it until it reconnects. Pick another -subdomain.");
    }
    Binding b = new Binding(host, session, spec);
    byHost.put(host, b);
    leases.put(host, new Lease(session.clientId(), spec.id(), Long.MAX_VALUE));
    return b;
  }

  /** Drops a binding if it still belongs to {@code session}; the name stays leased to its agent for a while. */
  public void release(AgentSession session, String host) {
    release(session, host, false);
  }

  /**
   * Drops a binding if it still belongs to {@code session}; the name stays leased to its agent for a while.
   *
   * @param sessionEnded true when the session ended (the hook holds traffic for the agent's return)
   */
  public void release(AgentSession session, String host, boolean sessionEnded) {
    Binding b;
    synchronized (this) {
      b = byHost.get(host);
      if (b != null && b.session() == session) {
        byHost.remove(host);
        leases.put(host, new Lease(session.clientId(), b.spec().id(), clock.getAsLong() + leaseMillis));
      } else {
        b = null;
      }
      pruneLeases();
    }
    if (b != null) {
      hook.released(b, sessionEnded);
    }
  }

  private String leasedHost(String clientId, String tunnelId) {
    long now = clock.getAsLong();
    for (Map.Entry<String, Lease> e : leases.entrySet()) {
      Lease l = e.getValue();
      if (l.clientId().equals(clientId) && l.tunnelId().equals(tunnelId) && l.expiresAt() > now
          && !byHost.containsKey(e.getKey())) {
        return e.getKey();
      }
    }
    return null;
  }

  /** The host an agent had before a reconnect (e.g. to a restarted edge), if it is ours to give and free. */
  private String preferred(AgentSession session, String host) {
    if (host == null || !host.endsWith("." + domain)) {
      return null;
    }
    String label = host.substring(0, host.length() - domain.length() - 1);
    if (!LABEL.matcher(label).matches() || byHost.containsKey(host)) {
      return null;
    }
    Lease lease = leases.get(host);
    if (lease != null && lease.expiresAt() > clock.getAsLong() && !lease.clientId().equals(session.clientId())) {
      return null;
    }
    return host;
  }

  private void pruneLeases() {
    long now = clock.getAsLong();
    leases.entrySet().removeIf(e -> e.getValue().expiresAt() <= now);
  }

  private String randomHost() {
    byte[] b = new byte[4];
    while (true) {
      random.nextBytes(b);
      String host = HexFormat.of().formatHex(b) + "." + domain;
      if (!byHost.containsKey(host) && !leases.containsKey(host)) {
        return host;
      }
    }
  }

  private String subdomainHost(String subdomain) {
    String s = subdomain.toLowerCase(Locale.ROOT);
    for (String label : s.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new BurrowException(ErrorCode.BAD_SUBDOMAIN, "invalid subdomain \"" + subdomain
            + "\": use letters, digits and hyphens, 1-63 characters per label, not starting or ending with a hyphen");
      }
    }
    return s + "." + domain;
  }

  private static String normalizeHostname(String hostname) {
    String h = hostname.toLowerCase(Locale.ROOT);
    if (h.length() > 253) {
      throw new BurrowException(ErrorCode.BAD_SUBDOMAIN, "hostname longer than 253 characters");
    }
    for (String label : h.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new BurrowException(ErrorCode.BAD_SUBDOMAIN, "invalid hostname \"" + hostname + "\"");
      }
    }
    return h;
  }
}
