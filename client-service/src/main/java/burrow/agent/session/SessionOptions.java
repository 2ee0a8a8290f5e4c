package burrow.agent.session;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.mux.MuxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the agent reaches and authenticates to its edge, and how it retries. */
public class SessionOptions {
  /** First reconnect delay, in milliseconds: 500 ms. */
  public static final long DEFAULT_MIN_BACKOFF = 500;
  /** Longest reconnect delay, in milliseconds: 30 s. */
  public static final long DEFAULT_MAX_BACKOFF = 30_000;

  private String serverHost = "127.0.0.1";
  private int serverPort = 9444;
  private String rootCas = "host";
  private String rootCasPem;
  private String authtoken;
  private String agentVersion = "dev";
  private JsonObject metadata;
  private MuxOptions mux = new MuxOptions();
  private long minBackoff = DEFAULT_MIN_BACKOFF;
  private long maxBackoff = DEFAULT_MAX_BACKOFF;
  private int connectTimeout = 10_000;
  private long authTimeout = 15_000;
  private io.vertx.core.net.ProxyOptions proxy;

  private java.util.List<String> alternateServerAddrs = java.util.List.of();

  /** More {@code host:port} control addresses of the same region, tried in turn after the first when one fails. */
  public java.util.List<String> getAlternateServerAddrs() { return alternateServerAddrs; }
  public SessionOptions setAlternateServerAddrs(java.util.List<String> addrs) {
    this.alternateServerAddrs = java.util.List.copyOf(addrs);
    return this;
  }

  public String getServerHost() { return serverHost; }
  /** @return a reference to this, so the API can be used fluently */
  public SessionOptions setServerHost(String serverHost) { this.serverHost = serverHost; return this; }
  public int getServerPort() { return serverPort; }
  public SessionOptions setServerPort(int serverPort) { this.serverPort = serverPort; return this; }
  /** {@code host} (system roots), or the path of a PEM file of CAs to trust (for {@code trusted}, the edge's CA). */
  public String getRootCas() { return rootCas; }
  public SessionOptions setRootCas(String rootCas) { this.rootCas = rootCas; return this; }
  /** PEM text of CAs to trust, in place of a {@link #getRootCas()} file (tests, the embedded edge). */
  public String getRootCasPem() { return rootCasPem; }
  public SessionOptions setRootCasPem(String pem) { this.rootCasPem = pem; return this; }
  public String getAuthtoken() { return authtoken; }
  public SessionOptions setAuthtoken(String authtoken) { this.authtoken = authtoken; return this; }
  public String getAgentVersion() { return agentVersion; }
  public SessionOptions setAgentVersion(String v) { this.agentVersion = v; return this; }
  public JsonObject getMetadata() { return metadata; }
  public SessionOptions setMetadata(JsonObject metadata) { this.metadata = metadata; return this; }
  public MuxOptions getMux() { return mux; }
  public SessionOptions setMux(MuxOptions mux) { this.mux = mux; return this; }
  public long getMinBackoff() { return minBackoff; }
  public SessionOptions setMinBackoff(long minBackoff) { this.minBackoff = minBackoff; return this; }
  public long getMaxBackoff() { return maxBackoff; }
  public SessionOptions setMaxBackoff(long maxBackoff) { this.maxBackoff = maxBackoff; return this; }
  public int getConnectTimeout() { return connectTimeout; }
  public SessionOptions setConnectTimeout(int connectTimeout) { this.connectTimeout = connectTimeout; return this; }
  public long getAuthTimeout() { return authTimeout; }
  public SessionOptions setAuthTimeout(long authTimeout) { this.authTimeout = authTimeout; return this; }

  /** The HTTP (CONNECT) or SOCKS5 proxy to dial the edge through, or null for a direct connection. */
  public io.vertx.core.net.ProxyOptions getProxy() { return proxy; }
  public SessionOptions setProxy(io.vertx.core.net.ProxyOptions proxy) { this.proxy = proxy; return this; }

  /** @param serverAddr {@code host:port} of the edge's control port */
  public SessionOptions setServerAddr(String serverAddr) {
    int colon = serverAddr.lastIndexOf(':');
    if (colon <= 0 || colon == serverAddr.length() - 1) {
      throw new BurrowException(ErrorCode.BAD_LOCAL_ADDR, "server address \"" + serverAddr + "\" is not host:port");
    }
    try {
      serverPort = Integer.parseInt(serverAddr.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new BurrowException(ErrorCode.BAD_PORT, "port in server address \"" + serverAddr + "\" is not a number");
    }
    serverHost = serverAddr.substring(0, colon).replace("[", "").replace("]", "");
    return this;
  }

  NetClientOptions netClientOptions() {
    NetClientOptions o = new NetClientOptions().setSsl(true).setTcpNoDelay(true)
        .setHostnameVerificationAlgorithm("HTTPS").setConnectTimeout(connectTimeout);
    if (rootCasPem != null) {
      o.setTrustOptions(new PemTrustOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(rootCasPem)));
    } else if (rootCas != null && !rootCas.equals("host")) {
      if (!Files.isReadable(Path.of(rootCas))) {
        throw new BurrowException(ErrorCode.BAD_CERTIFICATE, "root_cas file \"" + rootCas + "\" cannot be read");
      }
      o.setTrustOptions(new PemTrustOptions().addCertPath(rootCas));
    }
    if (proxy != null) {
      o.setProxyOptions(proxy);
    }
    if (OpenSSLEngineOptions.isAvailable()) {
      o.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    return o;
  }
}
