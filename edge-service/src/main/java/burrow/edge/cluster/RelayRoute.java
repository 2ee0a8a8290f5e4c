package burrow.edge.cluster;

import burrow.edge.admit.BasicAuth;
import burrow.edge.route.Route;
import burrow.mux.MuxStream;
import burrow.proto.TunnelSpec;
import com.hazelcast.core.HazelcastJsonValue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A tunnel held by another node: streams to it go through a relay stream to that node. */
final class RelayRoute implements Route {
  private final ClusterRoutes cluster;
  private final String host;
  private final HazelcastJsonValue value;
  private final String account;
  private final String relayAddress;
  private final TunnelSpec spec;
  private final BasicAuth auth;
  private final long deadline;

  RelayRoute(ClusterRoutes cluster, String host, HazelcastJsonValue value, JsonObject route, long deadline) {
    this.cluster = cluster;
    this.host = host;
    this.value = value;
    this.account = route.getString("account");
    this.relayAddress = route.getString("relay");
    this.spec = TunnelSpec.fromJson(route.getJsonObject("spec"));
    this.auth = spec.auth() == null || spec.auth().isEmpty() ? null : new BasicAuth(spec.auth());
    this.deadline = deadline;
  }

  private RelayRoute(RelayRoute r, long deadline) {
    this.cluster = r.cluster;
    this.host = r.host;
    this.value = r.value;
    this.account = r.account;
    this.relayAddress = r.relayAddress;
    this.spec = r.spec;
    this.auth = r.auth;
    this.deadline = deadline;
  }

  /** @return this route, parsed once, for a request held and retried until {@code deadline} */
  RelayRoute withDeadline(long deadline) {
    return new RelayRoute(this, deadline);
  }

  String host() {
    return host;
  }

  HazelcastJsonValue value() {
    return value;
  }

  String relayAddress() {
    return relayAddress;
  }

  /** @return until when a failed relay is held and retried, epoch ms */
  long deadline() {
    return deadline;
  }

  @Override
  public String account() {
    return account;
  }

  @Override
  public TunnelSpec spec() {
    return spec;
  }

  @Override
  public BasicAuth auth() {
    return auth;
  }

  @Override
  public Future<MuxStream> openStream() {
    return cluster.openRelay(this);
  }
}
