package burrow.edge;

import burrow.mux.MuxOptions;
import io.vertx.core.json.JsonObject;

/** Everything an edge node listens on and how. Ports may be 0 (pick a free one) in tests. */
public class EdgeOptions {
  /** Default public HTTP port of a standalone edge and of the embedded dev edge: 9080 (clear of 3000/5000/8000/8080/4040). */
  public static final int DEFAULT_HTTP_PORT = 9080;
  /** Default public HTTPS port: 9443. */
  public static final int DEFAULT_HTTPS_PORT = 9443;
  /** Default control port agents dial: 9444. */
  public static final int DEFAULT_CONTROL_PORT = 9444;
  /** Default domain: {@code localhost}, so {@code http://<name>.localhost:9080} resolves with no DNS set-up. */
  public static final String DEFAULT_DOMAIN = "localhost";
  /** Largest public request head (request line plus headers), in bytes: 64 KiB. Past it, 431. */
  public static final int DEFAULT_MAX_HEADER_SIZE = 64 * 1024;
  /** How long an agent has to authenticate after connecting, in milliseconds: 10 s. */
  public static final long DEFAULT_AUTH_TIMEOUT = 10_000;
  /** How long a random name stays leased to the agent that had it after its session ends, in ms: 10 min. */
  public static final long DEFAULT_NAME_LEASE = 600_000;
  /** Default public TLS (SNI-routed) port: 9445 (clear of 3000/5000/8000/8080/4040 and 9080/9443/9444). */
  public static final int DEFAULT_TLS_PORT = 9445;
  /** Default range TCP tunnels get their public port from: 20000-20999. "0" means any free port. */
  public static final String DEFAULT_TCP_PORT_RANGE = "20000-20999";
  /** Largest ClientHello the TLS listener reads to find the SNI name, in bytes: 16 KiB. */
  public static final int DEFAULT_MAX_CLIENT_HELLO = 16 * 1024;
  /** How long the TLS listener waits for a complete ClientHello, in milliseconds: 5 s. */
  public static final long DEFAULT_CLIENT_HELLO_TIMEOUT = 5_000;

  private String host = "127.0.0.1";
  private String domain = DEFAULT_DOMAIN;
  private int httpPort = DEFAULT_HTTP_PORT;
  private int httpsPort = DEFAULT_HTTPS_PORT;
  private int controlPort = DEFAULT_CONTROL_PORT;
  private int publicHttpPort = -1;
  private int publicHttpsPort = -1;
  private String certPath;
  private String keyPath;
  private String caCertPath;
  private String caKeyPath;
  private String region = "us";
  private int instances = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
  private long authTimeout = DEFAULT_AUTH_TIMEOUT;
  private long nameLease = DEFAULT_NAME_LEASE;
  private boolean openSsl = true;
  private MuxOptions mux = new MuxOptions();
  private int tlsPort = DEFAULT_TLS_PORT;
  private String tcpPortRange = DEFAULT_TCP_PORT_RANGE;
  private String tcpHost;
  private int maxClientHello = DEFAULT_MAX_CLIENT_HELLO;
  private long clientHelloTimeout = DEFAULT_CLIENT_HELLO_TIMEOUT;

  public EdgeOptions() {
  }

  public EdgeOptions(JsonObject json) {
    host = json.getString("host", host);
    domain = json.getString("domain", domain);
    httpPort = json.getInteger("httpPort", httpPort);
    httpsPort = json.getInteger("httpsPort", httpsPort);
    controlPort = json.getInteger("controlPort", controlPort);
    publicHttpPort = json.getInteger("publicHttpPort", publicHttpPort);
    publicHttpsPort = json.getInteger("publicHttpsPort", publicHttpsPort);
    certPath = json.getString("certPath", certPath);
    keyPath = json.getString("keyPath", keyPath);
    caCertPath = json.getString("caCertPath", caCertPath);
    caKeyPath = json.getString("caKeyPath", caKeyPath);
    region = json.getString("region", region);
    instances = json.getInteger("instances", instances);
    maxHeaderSize = json.getInteger("maxHeaderSize", maxHeaderSize);
    authTimeout = json.getLong("authTimeout", authTimeout);
    nameLease = json.getLong("nameLease", nameLease);
    openSsl = json.getBoolean("openSsl", openSsl);
    if (json.getJsonObject("mux") != null) {
      mux = new MuxOptions(json.getJsonObject("mux"));
    }
    tlsPort = json.getInteger("tlsPort", tlsPort);
    tcpPortRange = json.getString("tcpPortRange", tcpPortRange);
    tcpHost = json.getString("tcpHost", tcpHost);
    maxClientHello = json.getInteger("maxClientHello", maxClientHello);
    clientHelloTimeout = json.getLong("clientHelloTimeout", clientHelloTimeout);
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("domain", domain).put("httpPort", httpPort)
        .put("httpsPort", httpsPort).put("controlPort", controlPort).put("publicHttpPort", publicHttpPort)
        .put("publicHttpsPort", publicHttpsPort).put("certPath", certPath).put("keyPath", keyPath)
        .put("caCertPath", caCertPath).put("caKeyPath", caKeyPath)
        .put("region", region).put("instances", instances).put("maxHeaderSize", maxHeaderSize)
        .put("authTimeout", authTimeout).put("nameLease", nameLease).put("openSsl", openSsl).put("mux", mux.toJson())
        .put("tlsPort", tlsPort).put("tcpPortRange", tcpPortRange).put("tcpHost", tcpHost)
        .put("maxClientHello", maxClientHello).put("clientHelloTimeout", clientHelloTimeout);
  }

  public String getHost() { return host; }
  /** @return a reference to this, so the API can be used fluently */
  public EdgeOptions setHost(String host) { this.host = host; return this; }
  public String getDomain() { return domain; }
  public EdgeOptions setDomain(String domain) { this.domain = domain; return this; }
  public int getHttpPort() { return httpPort; }
  /** @param httpPort the public HTTP port; -1 turns the HTTP listener off */
  public EdgeOptions setHttpPort(int httpPort) { this.httpPort = httpPort; return this; }
  public int getHttpsPort() { return httpsPort; }
  /** @param httpsPort the public HTTPS port; -1 turns the HTTPS listener off */
  public EdgeOptions setHttpsPort(int httpsPort) { this.httpsPort = httpsPort; return this; }
  public int getControlPort() { return controlPort; }
  public EdgeOptions setControlPort(int controlPort) { this.controlPort = controlPort; return this; }
  /** The HTTP port written in public URLs (behind a load balancer); -1 = the bound port. */
  public int getPublicHttpPort() { return publicHttpPort; }
  public EdgeOptions setPublicHttpPort(int p) { this.publicHttpPort = p; return this; }
  public int getPublicHttpsPort() { return publicHttpsPort; }
  public EdgeOptions setPublicHttpsPort(int p) { this.publicHttpsPort = p; return this; }
  /** PEM certificate (chain) for the domain and its wildcard. */
  public String getCertPath() { return certPath; }
  public EdgeOptions setCertPath(String certPath) { this.certPath = certPath; return this; }
  public String getKeyPath() { return keyPath; }
  public EdgeOptions setKeyPath(String keyPath) { this.keyPath = keyPath; return this; }
  /**
   * A CA (certificate and key, PEM) to mint a certificate per tunnel host with, used when no certificate is given:
   * the dev edge's way, since clients refuse a {@code *.localhost} wildcard. With neither, a CA is made in memory.
   */
  public String getCaCertPath() { return caCertPath; }
  public EdgeOptions setCaCertPath(String caCertPath) { this.caCertPath = caCertPath; return this; }
  public String getCaKeyPath() { return caKeyPath; }
  public EdgeOptions setCaKeyPath(String caKeyPath) { this.caKeyPath = caKeyPath; return this; }
  public String getRegion() { return region; }
  public EdgeOptions setRegion(String region) { this.region = region; return this; }
  /**
   * Event-loop verticle instances serving each listener; default: one per two cores. Fewer loops means a public
   * request more often shares its loop with its agent's session (no cross-thread hop): on a 2-core machine one
   * loop served more requests per second than two (docs/PERFORMANCE.md).
   */
  public int getInstances() { return instances; }
  public EdgeOptions setInstances(int instances) { this.instances = instances; return this; }
  public int getMaxHeaderSize() { return maxHeaderSize; }
  public EdgeOptions setMaxHeaderSize(int maxHeaderSize) { this.maxHeaderSize = maxHeaderSize; return this; }
  public long getAuthTimeout() { return authTimeout; }
  public EdgeOptions setAuthTimeout(long authTimeout) { this.authTimeout = authTimeout; return this; }
  public long getNameLease() { return nameLease; }
  public EdgeOptions setNameLease(long nameLease) { this.nameLease = nameLease; return this; }
  /** Use the OpenSSL (BoringSSL) engine when it is available; the JDK engine otherwise. Default true. */
  public boolean isOpenSsl() { return openSsl; }
  public EdgeOptions setOpenSsl(boolean openSsl) { this.openSsl = openSsl; return this; }
  public MuxOptions getMux() { return mux; }
  public EdgeOptions setMux(MuxOptions mux) { this.mux = mux; return this; }
  public int getTlsPort() { return tlsPort; }
  /** @param tlsPort the public TLS port (SNI-routed, not terminated); -1 turns the TLS listener off */
  public EdgeOptions setTlsPort(int tlsPort) { this.tlsPort = tlsPort; return this; }
  /** Ports TCP tunnels get, {@code low-high} inclusive (a random free one unless remote_addr asks), or "0": any. */
  public String getTcpPortRange() { return tcpPortRange; }
  public EdgeOptions setTcpPortRange(String tcpPortRange) { this.tcpPortRange = tcpPortRange; return this; }
  /** Host written in {@code tcp://} URLs; null: the listen host, or the domain when listening on all addresses. */
  public String getTcpHost() { return tcpHost; }
  public EdgeOptions setTcpHost(String tcpHost) { this.tcpHost = tcpHost; return this; }
  public int getMaxClientHello() { return maxClientHello; }
  public EdgeOptions setMaxClientHello(int maxClientHello) { this.maxClientHello = maxClientHello; return this; }
  /** Milliseconds the TLS listener waits for a complete ClientHello before closing (BRW-317). */
  public long getClientHelloTimeout() { return clientHelloTimeout; }
  public EdgeOptions setClientHelloTimeout(long clientHelloTimeout) { this.clientHelloTimeout = clientHelloTimeout; return this; }
}
