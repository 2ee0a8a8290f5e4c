package burrow.edge.cluster;

import burrow.edge.route.Binding;
import burrow.edge.route.RouteTable;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * burrow's own meters beside Vert.x's (HTTP request latency and counts, bytes per listener): agent sessions, tunnels,
 * open streams, relay hops and held requests, and cluster members. No label carries a host name, a tunnel name or a
 * client address, so the series count stays fixed however many tunnels come and go.
 */
public final class EdgeMetrics {
  private EdgeMetrics() {
  }

  public static void register(MeterRegistry registry, RouteTable routes, ClusterRoutes cluster, RelayClient client,
                              RelayServer server, HazelcastInstance hz) {
    Gauge.builder("burrow_tunnels", routes, RouteTable::size).description("tunnels bound on this node")
        .register(registry);
    Gauge.builder("burrow_sessions", routes, r -> sessions(r).size())
        .description("agent sessions with at least one tunnel on this node").register(registry);
    Gauge.builder("burrow_streams", routes, r -> sessions(r).values().stream().mapToInt(Integer::intValue).sum())
        .description("open mux streams to agents on this node").register(registry);
    Gauge.builder("burrow_held_requests", cluster, ClusterRoutes::heldCount)
        .description("public requests and connections waiting for a reconnecting agent").register(registry);
    Gauge.builder("burrow_cluster_members", hz, h -> h.getLifecycleService().isRunning()
        ? h.getCluster().getMembers().size() : 0).description("members of the Hazelcast cluster").register(registry);
    FunctionCounter.builder("burrow_relay_streams", client, RelayClient::openedCount).tag("direction", "out")
        .description("streams relayed to the node that holds the tunnel").register(registry);
    FunctionCounter.builder("burrow_relay_streams", server, RelayServer::servedCount).tag("direction", "in")
        .description("streams relayed here by other nodes").register(registry);
  }

  /** @return each session with a tunnel here and its open stream count */
  private static Map<Object, Integer> sessions(RouteTable routes) {
    Map<Object, Integer> out = new IdentityHashMap<>();
    for (Binding b : routes.bindings()) {
      out.put(b.session(), b.session().mux().streamCount());
    }
    return out;
  }
}
