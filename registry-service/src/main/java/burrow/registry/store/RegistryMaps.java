package burrow.registry.store;

import burrow.registry.RegistryOptions;
import com.hazelcast.config.Config;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import java.util.Map;
import java.util.Properties;

/**
 * The registry's Hazelcast maps and their configuration: each has backups and a write-through JDBC map
 * store that loads eagerly, so neither a member loss nor a full restart loses an entry. Values are JSON
 * ({@link HazelcastJsonValue}) so queries by {@code account_id} can use an index, and the store writes plain
 * JSON text.
 */
public final class RegistryMaps {
  public static final String ACCOUNTS = "burrow.registry.accounts";
  public static final String TOKENS = "burrow.registry.tokens";
  public static final String DOMAINS = "burrow.registry.domains";
  public static final String ADDRESSES = "burrow.registry.addresses";
  public static final String WHITELIST = "burrow.registry.whitelist";
  public static final String META = "burrow.registry.meta";

  /** map name → table; tables come from the migrations. */
  static final Map<String, String> TABLES = Map.of(ACCOUNTS, "registry_accounts", TOKENS, "registry_tokens",
      DOMAINS, "registry_domains", ADDRESSES, "registry_addresses", WHITELIST, "registry_whitelist",
      META, "registry_meta");

  private final HazelcastInstance hz;

  public RegistryMaps(HazelcastInstance hz) {
    this.hz = hz;
  }

  public IMap<String, HazelcastJsonValue> accounts() { return hz.getMap(ACCOUNTS); }
  public IMap<String, HazelcastJsonValue> tokens() { return hz.getMap(TOKENS); }
  public IMap<String, HazelcastJsonValue> domains() { return hz.getMap(DOMAINS); }
  public IMap<String, HazelcastJsonValue> addresses() { return hz.getMap(ADDRESSES); }
  public IMap<String, HazelcastJsonValue> whitelist() { return hz.getMap(WHITELIST); }
  public IMap<String, HazelcastJsonValue> meta() { return hz.getMap(META); }

  /**
   * Adds the registry's map configs to a Hazelcast config before the member starts. The edge calls this on
   * the config it gives {@code HazelcastClusterManager}, so registry maps persist however the member began.
   */
  public static Config configure(Config config, RegistryOptions options) {
    TABLES.forEach((name, table) -> {
      if (config.getMapConfigOrNull(name) == null) {
        config.addMapConfig(mapConfig(name, table, options));
      }
    });
    return config;
  }

  /**
   * Adds missing map configs to a running member (Hazelcast's dynamic configuration). Must run before any
   * registry map is first touched on this cluster; the config names the store by class so other members
   * can build their own.
   */
  public static void ensureConfigured(HazelcastInstance hz, RegistryOptions options) {
    TABLES.forEach((name, table) -> {
      if (hz.getConfig().getMapConfigOrNull(name) == null) {
        hz.getConfig().addMapConfig(mapConfig(name, table, options));
      }
    });
  }

  private static MapConfig mapConfig(String name, String table, RegistryOptions options) {
    Properties props = new Properties();
    props.setProperty("jdbcUrl", options.effectiveJdbcUrl());
    props.setProperty("table", table);
    if (options.getJdbcUser() != null) {
      props.setProperty("jdbcUser", options.getJdbcUser());
      props.setProperty("jdbcPassword", options.getJdbcPassword() == null ? "" : options.getJdbcPassword());
    }
    MapStoreConfig store = new MapStoreConfig().setEnabled(true).setClassName(JdbcMapStore.class.getName())
        .setProperties(props)
        .setWriteDelaySeconds(0)                                     // write-through: a put returns once stored
        .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER);  // everything back on the first getMap()
    MapConfig mc = new MapConfig(name).setBackupCount(options.getBackupCount()).setMapStoreConfig(store);
    if (!name.equals(META)) {
      mc.addIndexConfig(new IndexConfig(IndexType.HASH, "account_id"));
    }
    return mc;
  }

  /**
   * A Hazelcast config for a registry that runs its own member (no clustered Vert.x): TCP-IP discovery on
   * the configured host, multicast off, short join waits, registry maps configured.
   */
  public static Config memberConfig(RegistryOptions options) {
    // Vert.x's cluster config (its __vertx.* maps) as the base: edges join through the Vert.x Hazelcast cluster
    // manager, and a member built on a plain Config would form a cluster of its own beside them.
    Config c = io.vertx.spi.cluster.hazelcast.ConfigUtil.loadConfig();
    c.setClusterName(options.getClusterName());
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "2");
    c.setProperty("hazelcast.merge.next.run.delay.seconds", "2");
    NetworkConfig n = c.getNetworkConfig();
    int port = options.getClusterPort();
    n.setPort(port).setPortAutoIncrement(port != 0).setPortCount(20);
    if (!"0.0.0.0".equals(options.getClusterHost())) {
      n.getInterfaces().setEnabled(true).addInterface(options.getClusterHost());
    }
    JoinConfig j = n.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    j.getAwsConfig().setEnabled(false);
    j.getKubernetesConfig().setEnabled(false);
    j.getTcpIpConfig().setEnabled(true).setMembers(options.getClusterMembers());
    return configure(c, options);
  }
}
