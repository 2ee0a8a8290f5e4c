package burrow.edge.cluster;

import burrow.registry.RegistryOptions;
import burrow.registry.store.RegistryMaps;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.EnumSet;

/**
 * Builds the clustered Vert.x of an edge node: a Hazelcast member (TCP-IP member list, or Kubernetes DNS discovery)
 * with the registry's persistent maps and the edge's routes and leases maps configured, and Micrometer metrics with
 * a bounded label set (method, status code, listener address: never a host name or a client address).
 */
public final class ClusterVertx {
  /** Public host (or {@code region:port}) → the route's JSON; no store: the owners re-publish after a full restart. */
  public static final String ROUTES = "burrow.edge.routes";
  /** Host → the lease of an agent whose session ended (its grace period and its name lease). */
  public static final String LEASES = "burrow.edge.leases";

  private ClusterVertx() {
  }

  public static Config hazelcastConfig(ClusterOptions options, RegistryOptions registry) {
    Config c = ConfigUtil.loadConfig();
    c.setClusterName(options.getClusterName());
    c.setLiteMember(options.isLiteMember());
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.socket.bind.any", "0.0.0.0".equals(options.getClusterHost()) ? "true" : "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "2");
    c.setProperty("hazelcast.merge.next.run.delay.seconds", "2");
    // a killed node must leave the member list within seconds, not Hazelcast's default minute
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(options.getMaxNoHeartbeatSeconds()));
    NetworkConfig n = c.getNetworkConfig();
    int port = options.getClusterPort();
    n.setPort(port).setPortAutoIncrement(port != 0).setPortCount(20);
    if (!"0.0.0.0".equals(options.getClusterHost())) {
      // bind exactly this address; interface matching would refuse loopback aliases such as 127.0.0.2
      c.setProperty("hazelcast.local.localAddress", options.getClusterHost());
    }
    JoinConfig j = n.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    j.getAwsConfig().setEnabled(false);
    if (options.getKubernetesServiceDns() != null && !options.getKubernetesServiceDns().isBlank()) {
      j.getTcpIpConfig().setEnabled(false);
      j.getKubernetesConfig().setEnabled(true).setProperty("service-dns", options.getKubernetesServiceDns());
    } else {
      j.getKubernetesConfig().setEnabled(false);
      j.getTcpIpConfig().setEnabled(true).setMembers(options.getMembers());
    }
    c.addMapConfig(new MapConfig(ROUTES).setBackupCount(1).setAsyncBackupCount(0));
    c.addMapConfig(new MapConfig(LEASES).setBackupCount(1).setAsyncBackupCount(0));
    return RegistryMaps.configure(c, registry);
  }

  public static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions().setEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.LOCAL))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /** Joins the cluster; completes once this member is in it. */
  public static Future<Vertx> start(ClusterOptions options, RegistryOptions registry, PrometheusMeterRegistry metrics,
                                    HazelcastClusterManager[] managerOut) {
    HazelcastClusterManager mgr = new HazelcastClusterManager(hazelcastConfig(options, registry));
    managerOut[0] = mgr;
    String host = "0.0.0.0".equals(options.getClusterHost()) ? options.advertisedRelayHost() : options.getClusterHost();
    VertxOptions vo = new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(metricsOptions())
        .setEventBusOptions(new EventBusOptions().setHost(options.getClusterHost()).setPort(0)
            .setClusterPublicHost(host));
    return Vertx.builder().with(vo).withClusterManager(mgr).withMetrics(new MicrometerMetricsFactory(metrics))
        .buildClustered();
  }
}
