package burrow.registry;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.model.ReservedAddress;
import burrow.registry.model.ReservedDomain;
import burrow.registry.store.RegistryMaps;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reserved domains (keyed by hostname, so a name has one owner and one region) and reserved TCP addresses
 * (keyed by {@code host:port}). Claims use putIfAbsent, so two racing reservations of one key cannot both win.
 */
class Reservations {
  private static final Logger log = LoggerFactory.getLogger(Reservations.class);
  /** Random tries before sweeping the port range in order. */
  private static final int RANDOM_PORT_TRIES = 32;

  private final Vertx vertx;
  private final RegistryMaps maps;
  private final RegistryOptions options;
  private final Secrets secrets;

  Reservations(Vertx vertx, RegistryMaps maps, RegistryOptions options, Secrets secrets) {
    this.vertx = vertx;
    this.maps = maps;
    this.options = options;
    this.secrets = secrets;
  }

  String region(String requested) {
    String r = requested == null || requested.isBlank() ? options.getDefaultRegion() : requested.trim();
    if (!options.getRegions().containsKey(r)) {
      throw RegistryException.invalid("region", "unknown region \"" + r + "\"; known: " + options.getRegions().keySet());
    }
    return r;
  }

  // ---- domains ----

  Future<ReservedDomain> reserveDomain(String accountId, String subdomain, String hostname, String regionName) {
    boolean hasSub = subdomain != null && !subdomain.isBlank();
    boolean hasHost = hostname != null && !hostname.isBlank();
    if (hasSub == hasHost) {
      throw RegistryException.invalid("hostname", "give exactly one of subdomain or hostname");
    }
    String edge = options.getEdgeDomain().toLowerCase();
    String field = hasSub ? "subdomain" : "hostname";
    String host = hasSub ? Hostnames.validate(field, subdomain + "." + edge) : Hostnames.validate(field, hostname);
    if (host.equals(edge) || host.equals("*." + edge)) {
      throw RegistryException.invalid(field, "the edge domain itself cannot be reserved");
    }
    String region = region(regionName);
    boolean custom = !Hostnames.isUnder(host, edge);
    String cname = custom ? secrets.lower(12) + ".cname." + edge : null;
    ReservedDomain rd = new ReservedDomain("rd_" + secrets.base62(16), accountId, host, region, cname, Instant.now());
    return vertx.executeBlocking(() -> {
      IMap<String, HazelcastJsonValue> domains = maps.domains();
      // a wildcard of another account above this name already claims it
      for (String c : Hostnames.candidates(host).subList(1, Hostnames.candidates(host).size())) {
        HazelcastJsonValue v = domains.get(c);
        if (v != null) {
          ReservedDomain cover = ReservedDomain.fromJson(new JsonObject(v.toString()));
          if (!cover.accountId().equals(accountId)) {
            throw RegistryException.conflict(field, host + " is covered by " + c + ", reserved by another account");
          }
          break;
        }
      }
      if (domains.putIfAbsent(host, Accounts.json(rd.toJson())) != null) {
        throw RegistryException.conflict(field, host + " is already reserved");
      }
      log.atInfo().addKeyValue("account", accountId).addKeyValue("hostname", host).addKeyValue("region", region)
          .log("domain reserved");
      return rd;
    }, false);
  }

  Future<List<ReservedDomain>> listDomains(String accountId) {
    return vertx.executeBlocking(() -> maps.domains().values(Predicates.equal("account_id", accountId)).stream()
        .map(v -> ReservedDomain.fromJson(new JsonObject(v.toString())))
        .sorted(Comparator.comparing(ReservedDomain::createdAt)).toList(), false);
  }

  Future<Void> releaseDomain(String accountId, String id) {
    return listDomains(accountId).compose(list -> {
      Optional<ReservedDomain> d = list.stream().filter(x -> x.id().equals(id)).findFirst();
      if (d.isEmpty()) {
        return Future.failedFuture(RegistryException.notFound("domain_id", "no reserved domain " + id + " on this account"));
      }
      return Future.fromCompletionStage(maps.domains().removeAsync(d.get().hostname()), vertx.getOrCreateContext())
          .map(v -> {
            log.atInfo().addKeyValue("account", accountId).addKeyValue("hostname", d.get().hostname()).log("domain released");
            return null;
          });
    });
  }

  /** @return the most specific reservation covering {@code host}, if any */
  Future<Optional<ReservedDomain>> findDomain(String host) {
    List<String> candidates = Hostnames.candidates(host.toLowerCase());
    List<Future<HazelcastJsonValue>> lookups = new ArrayList<>();
    for (String c : candidates) {
      lookups.add(Future.fromCompletionStage(maps.domains().getAsync(c), vertx.getOrCreateContext()));
    }
    return Future.all(lookups).map(all -> {
      for (int i = 0; i < candidates.size(); i++) {
        HazelcastJsonValue v = all.resultAt(i);
        if (v != null) {
          return Optional.of(ReservedDomain.fromJson(new JsonObject(v.toString())));
        }
      }
      return Optional.empty();
    });
  }

  Future<Void> checkHostname(String accountId, String region, String host) {
    return findDomain(host).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture();
      }
      ReservedDomain d = found.get();
      if (!d.accountId().equals(accountId)) {
        return Future.failedFuture(new BurrowException(ErrorCode.RESERVED_ELSEWHERE, "\"" + host
            + "\" is reserved by another account (" + d.hostname() + "); pick another name or reserve one on the dashboard"));
      }
      if (!d.region().equals(region)) {
        return Future.failedFuture(new BurrowException(ErrorCode.RESERVED_IN_OTHER_REGION, "\"" + host
            + "\" is reserved in region " + d.region() + "; start the tunnel with -region=" + d.region()));
      }
      return Future.succeededFuture();
    });
  }

  // ---- TCP addresses ----

  Future<ReservedAddress> reserveAddress(String accountId, String regionName, Integer port) {
    String region = region(regionName);
    RegionOptions r = options.getRegions().get(region);
    if (port != null) {
      if (port < 1 || port > 65535) {
        throw RegistryException.invalid("port", "port must be 1-65535");
      }
      if (port < r.getPortMin() || port > r.getPortMax()) {
        throw RegistryException.invalid("port", "port must be in region " + region + "'s range "
            + r.getPortMin() + "-" + r.getPortMax());
      }
    }
    String host = options.tcpHost(region);
    String id = "ra_" + secrets.base62(16);
    return vertx.executeBlocking(() -> {
      IMap<String, HazelcastJsonValue> addrs = maps.addresses();
      if (port != null) {
        ReservedAddress a = new ReservedAddress(id, accountId, region, host, port, Instant.now());
        if (addrs.putIfAbsent(a.addr(), Accounts.json(a.toJson())) != null) {
          throw RegistryException.conflict("port", a.addr() + " is already reserved");
        }
        return logged(a);
      }
      int size = r.getPortMax() - r.getPortMin() + 1;
      for (int i = 0; i < RANDOM_PORT_TRIES + size; i++) {
        int p = i < RANDOM_PORT_TRIES ? secrets.port(r.getPortMin(), r.getPortMax())
            : r.getPortMin() + (i - RANDOM_PORT_TRIES);
        ReservedAddress a = new ReservedAddress(id, accountId, region, host, p, Instant.now());
        if (!addrs.containsKey(a.addr()) && addrs.putIfAbsent(a.addr(), Accounts.json(a.toJson())) == null) {
          return logged(a);
        }
      }
      throw new RegistryException(ErrorCode.REG_PORTS_EXHAUSTED, "region",
          "every port of region " + region + " is reserved; ask the operator to widen the range");
    }, false);
  }

  private ReservedAddress logged(ReservedAddress a) {
    log.atInfo().addKeyValue("account", a.accountId()).addKeyValue("addr", a.addr()).addKeyValue("region", a.region())
        .log("address reserved");
    return a;
  }

  Future<List<ReservedAddress>> listAddresses(String accountId) {
    return vertx.executeBlocking(() -> maps.addresses().values(Predicates.equal("account_id", accountId)).stream()
        .map(v -> ReservedAddress.fromJson(new JsonObject(v.toString())))
        .sorted(Comparator.comparing(ReservedAddress::createdAt)).toList(), false);
  }

  Future<Void> releaseAddress(String accountId, String id) {
    return listAddresses(accountId).compose(list -> {
      Optional<ReservedAddress> a = list.stream().filter(x -> x.id().equals(id)).findFirst();
      if (a.isEmpty()) {
        return Future.failedFuture(RegistryException.notFound("address_id", "no reserved address " + id + " on this account"));
      }
      return Future.fromCompletionStage(maps.addresses().removeAsync(a.get().addr()), vertx.getOrCreateContext())
          .mapEmpty();
    });
  }

  /**
   * @param hostPort {@code host:port}, or just a port (the region's TCP host is assumed)
   */
  Future<Void> checkTcpAddress(String accountId, String region, String hostPort) {
    String host;
    String portText;
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon < 0) {
      host = options.tcpHost(region);
      portText = hostPort;
    } else {
      host = hostPort.substring(0, colon).toLowerCase();
      portText = hostPort.substring(colon + 1);
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      return Future.failedFuture(new BurrowException(ErrorCode.BAD_BIND,
          "remote address \"" + hostPort + "\" needs a port 1-65535, e.g. 1.tcp.example.com:20000"));
    }
    String addr = host + ":" + port;
    return Future.fromCompletionStage(maps.addresses().getAsync(addr), vertx.getOrCreateContext()).compose(v -> {
      if (v == null) {
        return Future.succeededFuture();
      }
      ReservedAddress a = ReservedAddress.fromJson(new JsonObject(v.toString()));
      if (!a.accountId().equals(accountId)) {
        return Future.failedFuture(new BurrowException(ErrorCode.RESERVED_ELSEWHERE,
            addr + " is reserved by another account; reserve an address of your own on the dashboard"));
      }
      if (!a.region().equals(region)) {
        return Future.failedFuture(new BurrowException(ErrorCode.RESERVED_IN_OTHER_REGION,
            addr + " is reserved in region " + a.region() + "; start the tunnel with -region=" + a.region()));
      }
      return Future.succeededFuture();
    });
  }

  /** Releases every domain and address of an account. */
  Future<Void> deleteAll(String accountId) {
    return vertx.executeBlocking(() -> {
      IMap<String, HazelcastJsonValue> d = maps.domains();
      d.keySet(Predicates.equal("account_id", accountId)).forEach(d::delete);
      IMap<String, HazelcastJsonValue> a = maps.addresses();
      a.keySet(Predicates.equal("account_id", accountId)).forEach(a::delete);
      return null;
    }, false);
  }
}
