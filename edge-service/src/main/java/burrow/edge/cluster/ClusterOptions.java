package burrow.edge.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** How an edge node joins its cluster, relays to its peers, holds traffic for reconnecting agents and reports health. */
public class ClusterOptions {
  /** Hazelcast member port: 5701. */
  public static final int DEFAULT_CLUSTER_PORT = 5701;
  /** Node-to-node relay port: 9447 (9445 is the public TLS port). */
  public static final int DEFAULT_RELAY_PORT = 9447;
  /** Management port (/healthz, /readyz, /metrics): 9446. */
  public static final int DEFAULT_MANAGEMENT_PORT = 9446;
  /** How long public traffic for a reconnecting agent's names is held before the usual error, in ms: 10 s. */
  public static final long DEFAULT_GRACE = 10_000;
  /** Requests and connections held at once on one node, at most: 10 000; past it, 503 at once. */
  public static final int DEFAULT_MAX_HELD = 10_000;
  /** How long a draining node lets in-flight exchanges finish, in ms: 30 s. */
  public static final long DEFAULT_DRAIN_TIMEOUT = 30_000;
  /** Seconds without a heartbeat before Hazelcast declares a member dead: 5 (Hazelcast's own default is 60). */
  public static final int DEFAULT_MAX_NO_HEARTBEAT_SECONDS = 5;
  /** Timeout to dial a peer's relay port, in ms: 1 s. */
  public static final long DEFAULT_RELAY_CONNECT_TIMEOUT = 1_000;

  private String nodeId;
  private String clusterName = "burrow";
  private String clusterHost = "127.0.0.1";
  private int clusterPort = DEFAULT_CLUSTER_PORT;
  private List<String> members = new ArrayList<>();
  private String kubernetesServiceDns;
  private String relayHost = "127.0.0.1";
  private String relayPublicHost;
  private int relayPort = DEFAULT_RELAY_PORT;
  private String secret;
  private long grace = DEFAULT_GRACE;
  private int maxHeld = DEFAULT_MAX_HELD;
  private long drainTimeout = DEFAULT_DRAIN_TIMEOUT;
  private int maxNoHeartbeatSeconds = DEFAULT_MAX_NO_HEARTBEAT_SECONDS;
  private long relayConnectTimeout = DEFAULT_RELAY_CONNECT_TIMEOUT;
  private boolean liteMember;
  private String managementHost = "127.0.0.1";
  private int managementPort = DEFAULT_MANAGEMENT_PORT;

  public ClusterOptions() { }

  public ClusterOptions(JsonObject json) {
    nodeId = json.getString("nodeId");
    clusterName = json.getString("clusterName", clusterName);
    clusterHost = json.getString("clusterHost", clusterHost);
    clusterPort = json.getInteger("clusterPort", clusterPort);
    json.getJsonArray("members", new JsonArray()).forEach(m -> members.add(String.valueOf(m)));
    kubernetesServiceDns = json.getString("kubernetesServiceDns");
    relayHost = json.getString("relayHost", relayHost);
    relayPublicHost = json.getString("relayPublicHost");
    relayPort = json.getInteger("relayPort", relayPort);
    secret = json.getString("secret");
    grace = json.getLong("grace", grace);
    maxHeld = json.getInteger("maxHeld", maxHeld);
    drainTimeout = json.getLong("drainTimeout", drainTimeout);
    maxNoHeartbeatSeconds = json.getInteger("maxNoHeartbeatSeconds", maxNoHeartbeatSeconds);
    relayConnectTimeout = json.getLong("relayConnectTimeout", relayConnectTimeout);
    liteMember = json.getBoolean("liteMember", false);
    managementHost = json.getString("managementHost", managementHost);
    managementPort = json.getInteger("managementPort", managementPort);
  }

  /** The secret is left out: it comes from the environment, never from a file that gets printed. */
  public JsonObject toJson() {
    return new JsonObject().put("nodeId", nodeId).put("clusterName", clusterName).put("clusterHost", clusterHost)
        .put("clusterPort", clusterPort).put("members", new JsonArray(new ArrayList<>(members)))
        .put("kubernetesServiceDns", kubernetesServiceDns).put("relayHost", relayHost)
        .put("relayPublicHost", relayPublicHost).put("relayPort", relayPort).put("grace", grace)
        .put("maxHeld", maxHeld).put("drainTimeout", drainTimeout).put("maxNoHeartbeatSeconds", maxNoHeartbeatSeconds)
        .put("relayConnectTimeout", relayConnectTimeout).put("liteMember", liteMember).put("managementHost", managementHost)
        .put("managementPort", managementPort);
  }

  /** This node's id in the routes map; default: a random one per start. */
  public String getNodeId() { return nodeId; }
  /** @return a reference to this, so the API can be used fluently */
  public ClusterOptions setNodeId(String nodeId) { this.nodeId = nodeId; return this; }
  public String getClusterName() { return clusterName; }
  public ClusterOptions setClusterName(String clusterName) { this.clusterName = clusterName; return this; }
  /** Address Hazelcast and the event bus bind: 127.0.0.1 (the pod IP in Kubernetes; 0.0.0.0 for every interface). */
  public String getClusterHost() { return clusterHost; }
  public ClusterOptions setClusterHost(String clusterHost) { this.clusterHost = clusterHost; return this; }
  /** Hazelcast port: 5701; 0 picks a free one. */
  public int getClusterPort() { return clusterPort; }
  public ClusterOptions setClusterPort(int clusterPort) { this.clusterPort = clusterPort; return this; }
  /** Static TCP-IP member list, {@code host:port} each (outside Kubernetes). */
  public List<String> getMembers() { return members; }
  public ClusterOptions setMembers(List<String> members) { this.members = new ArrayList<>(members); return this; }
  /** A headless Service's DNS name: when set, Hazelcast discovers members through Kubernetes DNS instead. */
  public String getKubernetesServiceDns() { return kubernetesServiceDns; }
  public ClusterOptions setKubernetesServiceDns(String dns) { this.kubernetesServiceDns = dns; return this; }
  /** Address the relay listener binds: 127.0.0.1. */
  public String getRelayHost() { return relayHost; }
  public ClusterOptions setRelayHost(String relayHost) { this.relayHost = relayHost; return this; }
  /** Address peers dial to reach this node's relay port; default: the relay host, or the cluster host if that is 0.0.0.0. */
  public String getRelayPublicHost() { return relayPublicHost; }
  public ClusterOptions setRelayPublicHost(String h) { this.relayPublicHost = h; return this; }
  /** Relay port: 9447; 0 picks a free one. */
  public int getRelayPort() { return relayPort; }
  public ClusterOptions setRelayPort(int relayPort) { this.relayPort = relayPort; return this; }
  /** Shared secret nodes prove to each other on the relay port (from {@code BURROW_CLUSTER_SECRET}). */
  public String getSecret() { return secret; }
  public ClusterOptions setSecret(String secret) { this.secret = secret; return this; }
  public long getGrace() { return grace; }
  /** @param grace ms public traffic for a reconnecting agent's names is held (default 10 s); 0 turns holding off */
  public ClusterOptions setGrace(long grace) { this.grace = grace; return this; }
  public int getMaxHeld() { return maxHeld; }
  public ClusterOptions setMaxHeld(int maxHeld) { this.maxHeld = maxHeld; return this; }
  public long getDrainTimeout() { return drainTimeout; }
  public ClusterOptions setDrainTimeout(long drainTimeout) { this.drainTimeout = drainTimeout; return this; }
  public int getMaxNoHeartbeatSeconds() { return maxNoHeartbeatSeconds; }
  public ClusterOptions setMaxNoHeartbeatSeconds(int s) { this.maxNoHeartbeatSeconds = s; return this; }
  public long getRelayConnectTimeout() { return relayConnectTimeout; }
  public ClusterOptions setRelayConnectTimeout(long ms) { this.relayConnectTimeout = ms; return this; }
  /**
   * A lite member holds no cluster data (no partitions, so no registry store access and nothing to migrate when
   * it dies): edge nodes beside registry members. Default false (an edge that is also the registry).
   */
  public boolean isLiteMember() { return liteMember; }
  public ClusterOptions setLiteMember(boolean liteMember) { this.liteMember = liteMember; return this; }
  public String getManagementHost() { return managementHost; }
  public ClusterOptions setManagementHost(String managementHost) { this.managementHost = managementHost; return this; }
  /** Management port: 9446; 0 picks a free one, -1 turns it off. */
  public int getManagementPort() { return managementPort; }
  public ClusterOptions setManagementPort(int managementPort) { this.managementPort = managementPort; return this; }

  /** @return the host peers dial for this node's relay port */
  public String advertisedRelayHost() {
    if (relayPublicHost != null) {
      return relayPublicHost;
    }
    return "0.0.0.0".equals(relayHost) ? clusterHost : relayHost;
  }
}
