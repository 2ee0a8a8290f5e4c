package burrow.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything the registry needs: its REST listener, its store, its cluster and its regions. */
public class RegistryOptions {
  /** REST listener host: 127.0.0.1 (set 0.0.0.0 to serve other machines). */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** REST listener port: 4041 (0 picks a free one). */
  public static final int DEFAULT_PORT = 4041;
  /** Data directory holding the H2 file when no JDBC URL is given: {@code ./burrow-data}. */
  public static final String DEFAULT_DATA_DIR = "burrow-data";
  /** Hazelcast member port: 5701 (0 picks a free one). */
  public static final int DEFAULT_CLUSTER_PORT = 5701;
  public static final String DEFAULT_CLUSTER_HOST = "127.0.0.1";
  public static final String DEFAULT_CLUSTER_NAME = "burrow";
  /** Domain the edge serves tunnels under: {@code localhost} (dev mode). */
  public static final String DEFAULT_EDGE_DOMAIN = "localhost";
  /** Region used when a request names none: {@code us}, as in ngrok. */
  public static final String DEFAULT_REGION = "us";
  /** Largest REST request body: 16 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
  /** Failed authentications allowed per source address per window: 10. */
  public static final int DEFAULT_AUTH_FAILURES = 10;
  /** Length of the auth rate-limit window: 60 s. */
  public static final int DEFAULT_AUTH_WINDOW_SECONDS = 60;
  /** Source addresses the rate limiter remembers at most: 100 000. */
  public static final int DEFAULT_AUTH_TRACKED_SOURCES = 100_000;
  /** Synchronous backups of each registry map: 1. */
  public static final int DEFAULT_BACKUP_COUNT = 1;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String dataDir = DEFAULT_DATA_DIR;
  private String jdbcUrl;
  private String jdbcUser;
  private String jdbcPassword;
  private String adminToken;
  private List<String> clusterMembers = new ArrayList<>();
  private String clusterHost = DEFAULT_CLUSTER_HOST;
  private int clusterPort = DEFAULT_CLUSTER_PORT;
  private String clusterName = DEFAULT_CLUSTER_NAME;
  private String edgeDomain = DEFAULT_EDGE_DOMAIN;
  private String defaultRegion = DEFAULT_REGION;
  private Map<String, RegionOptions> regions = defaultRegions();
  private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  private int authFailuresPerWindow = DEFAULT_AUTH_FAILURES;
  private int authWindowSeconds = DEFAULT_AUTH_WINDOW_SECONDS;
  private int authTrackedSources = DEFAULT_AUTH_TRACKED_SOURCES;
  private int backupCount = DEFAULT_BACKUP_COUNT;

  public RegistryOptions() { }

  public RegistryOptions(RegistryOptions o) {
    this(o.toJson());
    this.jdbcPassword = o.jdbcPassword;
    this.adminToken = o.adminToken;
  }

  public RegistryOptions(JsonObject json) {
    host = json.getString("host", DEFAULT_HOST);
    port = json.getInteger("port", DEFAULT_PORT);
    dataDir = json.getString("dataDir", DEFAULT_DATA_DIR);
    jdbcUrl = json.getString("jdbcUrl");
    jdbcUser = json.getString("jdbcUser");
    jdbcPassword = json.getString("jdbcPassword");
    adminToken = json.getString("adminToken");
    clusterMembers = new ArrayList<>();
    json.getJsonArray("clusterMembers", new JsonArray()).forEach(m -> clusterMembers.add(String.valueOf(m)));
    clusterHost = json.getString("clusterHost", DEFAULT_CLUSTER_HOST);
    clusterPort = json.getInteger("clusterPort", DEFAULT_CLUSTER_PORT);
    clusterName = json.getString("clusterName", DEFAULT_CLUSTER_NAME);
    edgeDomain = json.getString("edgeDomain", DEFAULT_EDGE_DOMAIN);
    defaultRegion = json.getString("defaultRegion", DEFAULT_REGION);
    JsonObject r = json.getJsonObject("regions");
    if (r != null) {
      regions = new LinkedHashMap<>();
      r.forEach(e -> regions.put(e.getKey(), new RegionOptions((JsonObject) e.getValue())));
    }
    maxBodyBytes = json.getInteger("maxBodyBytes", DEFAULT_MAX_BODY_BYTES);
    authFailuresPerWindow = json.getInteger("authFailuresPerWindow", DEFAULT_AUTH_FAILURES);
    authWindowSeconds = json.getInteger("authWindowSeconds", DEFAULT_AUTH_WINDOW_SECONDS);
    authTrackedSources = json.getInteger("authTrackedSources", DEFAULT_AUTH_TRACKED_SOURCES);
    backupCount = json.getInteger("backupCount", DEFAULT_BACKUP_COUNT);
  }

  /** @return the options as JSON; secrets (admin token, JDBC password) are left out on purpose */
  public JsonObject toJson() {
    JsonObject r = new JsonObject();
    regions.forEach((k, v) -> r.put(k, v.toJson()));
    JsonObject json = new JsonObject().put("host", host).put("port", port).put("dataDir", dataDir)
        .put("clusterMembers", new JsonArray(new ArrayList<>(clusterMembers))).put("clusterHost", clusterHost)
        .put("clusterPort", clusterPort).put("clusterName", clusterName).put("edgeDomain", edgeDomain)
        .put("defaultRegion", defaultRegion).put("regions", r).put("maxBodyBytes", maxBodyBytes)
        .put("authFailuresPerWindow", authFailuresPerWindow).put("authWindowSeconds", authWindowSeconds)
        .put("authTrackedSources", authTrackedSources).put("backupCount", backupCount);
    if (jdbcUrl != null) {
      json.put("jdbcUrl", jdbcUrl);
    }
    if (jdbcUser != null) {
      json.put("jdbcUser", jdbcUser);
    }
    return json;
  }

  /** ngrok's four regions, each with the default port range and the edge domain as TCP host. */
  public static Map<String, RegionOptions> defaultRegions() {
    Map<String, RegionOptions> m = new LinkedHashMap<>();
    for (String r : List.of("us", "eu", "ap", "au")) {
      m.put(r, new RegionOptions());
    }
    return m;
  }

  /** @return the JDBC URL to use: the configured one, or an H2 file {@code <dataDir>/registry.mv.db} */
  public String effectiveJdbcUrl() {
    if (jdbcUrl != null && !jdbcUrl.isBlank()) {
      return jdbcUrl;
    }
    return "jdbc:h2:file:" + java.nio.file.Path.of(dataDir).toAbsolutePath().resolve("registry");
  }

  /** @return the host of TCP addresses in {@code region}: its tcpHost, else the edge domain */
  public String tcpHost(String region) {
    RegionOptions r = regions.get(region);
    return r != null && r.getTcpHost() != null ? r.getTcpHost() : edgeDomain;
  }

  public String getHost() { return host; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setHost(String host) { this.host = host; return this; }
  public int getPort() { return port; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setPort(int port) { this.port = port; return this; }
  public String getDataDir() { return dataDir; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setDataDir(String dataDir) { this.dataDir = dataDir; return this; }
  /** @return the JDBC URL, null for the default H2 file under the data directory */
  public String getJdbcUrl() { return jdbcUrl; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setJdbcUrl(String jdbcUrl) { this.jdbcUrl = jdbcUrl; return this; }
  public String getJdbcUser() { return jdbcUser; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setJdbcUser(String jdbcUser) { this.jdbcUser = jdbcUser; return this; }
  public String getJdbcPassword() { return jdbcPassword; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setJdbcPassword(String jdbcPassword) { this.jdbcPassword = jdbcPassword; return this; }
  /** @return the operator's bearer token; null disables the admin API */
  public String getAdminToken() { return adminToken; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setAdminToken(String adminToken) { this.adminToken = adminToken; return this; }
  /** @return Hazelcast TCP-IP members, each {@code host:port}; empty means a cluster of one */
  public List<String> getClusterMembers() { return clusterMembers; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setClusterMembers(List<String> clusterMembers) { this.clusterMembers = new ArrayList<>(clusterMembers); return this; }
  public String getClusterHost() { return clusterHost; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setClusterHost(String clusterHost) { this.clusterHost = clusterHost; return this; }
  public int getClusterPort() { return clusterPort; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setClusterPort(int clusterPort) { this.clusterPort = clusterPort; return this; }
  public String getClusterName() { return clusterName; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setClusterName(String clusterName) { this.clusterName = clusterName; return this; }
  public String getEdgeDomain() { return edgeDomain; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setEdgeDomain(String edgeDomain) { this.edgeDomain = edgeDomain; return this; }
  public String getDefaultRegion() { return defaultRegion; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setDefaultRegion(String defaultRegion) { this.defaultRegion = defaultRegion; return this; }
  public Map<String, RegionOptions> getRegions() { return regions; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setRegions(Map<String, RegionOptions> regions) { this.regions = new LinkedHashMap<>(regions); return this; }
  public int getMaxBodyBytes() { return maxBodyBytes; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setMaxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; return this; }
  public int getAuthFailuresPerWindow() { return authFailuresPerWindow; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setAuthFailuresPerWindow(int n) { this.authFailuresPerWindow = n; return this; }
  public int getAuthWindowSeconds() { return authWindowSeconds; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setAuthWindowSeconds(int s) { this.authWindowSeconds = s; return this; }
  public int getAuthTrackedSources() { return authTrackedSources; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setAuthTrackedSources(int n) { this.authTrackedSources = n; return this; }
  public int getBackupCount() { return backupCount; }
  /** @return a reference to this, so the API can be used fluently */
  public RegistryOptions setBackupCount(int backupCount) { this.backupCount = backupCount; return this; }
}
