package burrow.agent.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration, typed, after the files are merged and validated (see {@link ConfigValidator}); the
 * command-line flags are applied on top by the commands. Every key of ngrok 2's configuration file, plus
 * {@code server_addr}. Immutable; build with {@link Builder}.
 */
public final class AgentConfig {
  /** {@code console_ui}: show the console UI always, never, or only when standard out is a terminal. */
  public enum ConsoleUi { TRUE, FALSE, IFTTY }

  /** Default {@code web_addr}: 127.0.0.1:4040. */
  public static final String DEFAULT_WEB_ADDR = "127.0.0.1:4040";
  /** Default {@code inspect_db_size}, in bytes: 50 MB (the value 0 means this). */
  public static final long DEFAULT_INSPECT_DB_SIZE = 50_000_000L;

  private String authtoken;
  private String region = "us";
  private ConsoleUi consoleUi = ConsoleUi.IFTTY;
  private String consoleUiColor = "transparent";
  private String httpProxy;
  private String socks5Proxy;
  private long inspectDbSize = DEFAULT_INSPECT_DB_SIZE;
  private String logLevel = "info";
  private String logFormat = "term";
  private String log = "false";
  private String metadata;
  private String rootCas;
  private String webAddr = DEFAULT_WEB_ADDR;
  private String serverAddr;
  private java.util.Map<String, List<String>> regions = java.util.Map.of();
  private Map<String, TunnelDefinition> tunnels = new LinkedHashMap<>();
  private Map<String, String> tunnelMetadata = new LinkedHashMap<>();
  private List<Path> files = List.of();
  private List<String> notes = List.of();

  public static AgentConfig defaults() {
    return new AgentConfig();
  }

  /** @return the token, or null */
  public String authtoken() { return authtoken; }
  /** @return the region: {@code us} by default */
  public String region() { return region; }
  public ConsoleUi consoleUi() { return consoleUi; }
  /** @return {@code transparent} (default) or {@code black} */
  public String consoleUiColor() { return consoleUiColor; }
  /** @return the HTTP proxy URL from the file, or null (none, or {@code false}) */
  public String httpProxy() { return httpProxy; }
  /** @return the SOCKS5 proxy URL, or null */
  public String socks5Proxy() { return socks5Proxy; }
  /** @return bytes of captured requests kept for inspection; -1 disables inspection; 50 MB by default */
  public long inspectDbSize() { return inspectDbSize; }
  /** @return crit, error, warn, info (default) or debug */
  public String logLevel() { return logLevel; }
  /** @return logfmt, json or term (default) */
  public String logFormat() { return logFormat; }
  /** @return stdout, stderr, false (default) or a file path */
  public String log() { return log; }
  /** @return the opaque metadata string sent to the edge and returned in the API's tunnel objects, or null */
  public String metadata() { return metadata; }
  /** @return {@code trusted}, {@code host}, a PEM file path, or null (unset) */
  public String rootCas() { return rootCas; }
  /** @return {@code host:port} of the local web interface and API, or {@code false} when disabled */
  public String webAddr() { return webAddr; }
  public boolean webDisabled() { return "false".equals(webAddr); }
  /** @return the edge's control address {@code host:port}, or null (the embedded edge) */
  public String serverAddr() { return serverAddr; }
  /** Edge control addresses per region ({@code regions: {eu: host:port}}), for {@code -region}. */
  public java.util.Map<String, List<String>> regions() { return regions; }
  /** @return the tunnel definitions, by name, in file order */
  public Map<String, TunnelDefinition> tunnels() { return Collections.unmodifiableMap(tunnels); }
  /** @return a tunnel's own {@code metadata}, else the config's, else null */
  public String tunnelMetadata(String tunnel) { return tunnelMetadata.getOrDefault(tunnel, metadata); }
  /** @return the files read, in order */
  public List<Path> files() { return files; }
  /** @return remarks about keys accepted but not applicable ({@code update}, {@code update_channel}, ...) */
  public List<String> notes() { return notes; }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.c.authtoken = authtoken;
    b.c.region = region;
    b.c.consoleUi = consoleUi;
    b.c.consoleUiColor = consoleUiColor;
    b.c.httpProxy = httpProxy;
    b.c.socks5Proxy = socks5Proxy;
    b.c.inspectDbSize = inspectDbSize;
    b.c.logLevel = logLevel;
    b.c.logFormat = logFormat;
    b.c.log = log;
    b.c.metadata = metadata;
    b.c.rootCas = rootCas;
    b.c.webAddr = webAddr;
    b.c.serverAddr = serverAddr;
    b.c.regions = regions;
    b.c.tunnels = new LinkedHashMap<>(tunnels);
    b.c.tunnelMetadata = new LinkedHashMap<>(tunnelMetadata);
    b.c.files = files;
    b.c.notes = notes;
    return b;
  }

  /** Sets what a key gives; the validator and the command-line flags use it. */
  public static final class Builder {
    private final AgentConfig c = new AgentConfig();

    public Builder authtoken(String v) { c.authtoken = v; return this; }
    public Builder region(String v) { c.region = v; return this; }
    public Builder consoleUi(ConsoleUi v) { c.consoleUi = v; return this; }
    public Builder consoleUiColor(String v) { c.consoleUiColor = v; return this; }
    public Builder httpProxy(String v) { c.httpProxy = v; return this; }
    public Builder socks5Proxy(String v) { c.socks5Proxy = v; return this; }
    public Builder inspectDbSize(long v) { c.inspectDbSize = v; return this; }
    public Builder logLevel(String v) { c.logLevel = v; return this; }
    public Builder logFormat(String v) { c.logFormat = v; return this; }
    public Builder log(String v) { c.log = v; return this; }
    public Builder metadata(String v) { c.metadata = v; return this; }
    public Builder rootCas(String v) { c.rootCas = v; return this; }
    public Builder webAddr(String v) { c.webAddr = v; return this; }
    public Builder serverAddr(String v) { c.serverAddr = v; return this; }
    public Builder regions(java.util.Map<String, List<String>> v) { c.regions = v; return this; }
    public Builder tunnel(TunnelDefinition t, String metadata) {
      c.tunnels.put(t.name(), t);
      if (metadata != null) {
        c.tunnelMetadata.put(t.name(), metadata);
      }
      return this;
    }
    public Builder files(List<Path> v) { c.files = List.copyOf(v); return this; }
    public Builder notes(List<String> v) { c.notes = List.copyOf(v); return this; }

    public AgentConfig build() {
      return c.toBuilder().c;
    }
  }
}
