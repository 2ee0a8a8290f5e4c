package burrow.registry;

import io.vertx.core.json.JsonObject;

/** Where a region's reserved TCP addresses come from: a host name and an inclusive port range. */
public class RegionOptions {
  /** First port handed out for reserved TCP addresses: 20000. */
  public static final int DEFAULT_PORT_MIN = 20000;
  /** Last port handed out: 29999. */
  public static final int DEFAULT_PORT_MAX = 29999;

  private String tcpHost;
  private int portMin = DEFAULT_PORT_MIN;
  private int portMax = DEFAULT_PORT_MAX;

  public RegionOptions() { }

  public RegionOptions(RegionOptions other) {
    this.tcpHost = other.tcpHost;
    this.portMin = other.portMin;
    this.portMax = other.portMax;
  }

  public RegionOptions(JsonObject json) {
    this.tcpHost = json.getString("tcpHost");
    this.portMin = json.getInteger("portMin", DEFAULT_PORT_MIN);
    this.portMax = json.getInteger("portMax", DEFAULT_PORT_MAX);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("portMin", portMin).put("portMax", portMax);
    if (tcpHost != null) {
      json.put("tcpHost", tcpHost);
    }
    return json;
  }

  /** @return the host part of this region's TCP addresses; null means the edge domain */
  public String getTcpHost() { return tcpHost; }
  /** @return a reference to this, so the API can be used fluently */
  public RegionOptions setTcpHost(String tcpHost) { this.tcpHost = tcpHost; return this; }

  public int getPortMin() { return portMin; }
  /** @return a reference to this, so the API can be used fluently */
  public RegionOptions setPortMin(int portMin) { this.portMin = portMin; return this; }

  public int getPortMax() { return portMax; }
  /** @return a reference to this, so the API can be used fluently */
  public RegionOptions setPortMax(int portMax) { this.portMax = portMax; return this; }
}
