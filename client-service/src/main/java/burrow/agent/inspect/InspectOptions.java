package burrow.agent.inspect;

import io.vertx.core.json.JsonObject;

/** Bounds of the inspection store and the address of the web UI and API. */
public class InspectOptions {
  /** Total bytes the capture store may hold ({@code inspect_db_size}): 50 MB, as ngrok 2. */
  public static final long DEFAULT_DB_SIZE = 50_000_000L;
  /** Most bytes captured of one request or response body: 10 MiB; the rest streams on uncaptured. */
  public static final int DEFAULT_MAX_BODY = 10 * 1024 * 1024;
  /** Where the web UI and API listen ({@code web_addr}): 127.0.0.1:4040. */
  public static final String DEFAULT_WEB_ADDR = "127.0.0.1:4040";
  /** How many ports after a busy one the web service tries, as ngrok does (4040, 4041, ...): 10. */
  public static final int DEFAULT_PORT_ATTEMPTS = 10;

  private long dbSize = DEFAULT_DB_SIZE;
  private int maxBody = DEFAULT_MAX_BODY;
  private String webAddr = DEFAULT_WEB_ADDR;
  private int portAttempts = DEFAULT_PORT_ATTEMPTS;

  public InspectOptions() {
  }

  public InspectOptions(InspectOptions other) {
    this.dbSize = other.dbSize;
    this.maxBody = other.maxBody;
    this.webAddr = other.webAddr;
    this.portAttempts = other.portAttempts;
  }

  public InspectOptions(JsonObject json) {
    this.dbSize = json.getLong("dbSize", DEFAULT_DB_SIZE);
    this.maxBody = json.getInteger("maxBody", DEFAULT_MAX_BODY);
    this.webAddr = json.getString("webAddr", DEFAULT_WEB_ADDR);
    this.portAttempts = json.getInteger("portAttempts", DEFAULT_PORT_ATTEMPTS);
  }

  public JsonObject toJson() {
    return new JsonObject().put("dbSize", dbSize).put("maxBody", maxBody).put("webAddr", webAddr)
        .put("portAttempts", portAttempts);
  }

  /** @return the store's byte budget; -1 (or any value &lt; 0) disables capture */
  public long getDbSize() {
    return dbSize;
  }

  /** @return a reference to this, so the API can be used fluently */
  public InspectOptions setDbSize(long dbSize) {
    this.dbSize = dbSize;
    return this;
  }

  public int getMaxBody() {
    return maxBody;
  }

  /** @return a reference to this, so the API can be used fluently */
  public InspectOptions setMaxBody(int maxBody) {
    this.maxBody = maxBody;
    return this;
  }

  /** @return {@code host:port}, or null when the web UI and API are off ({@code web_addr: false}) */
  public String getWebAddr() {
    return webAddr;
  }

  /** @return a reference to this, so the API can be used fluently */
  public InspectOptions setWebAddr(String webAddr) {
    this.webAddr = webAddr;
    return this;
  }

  public int getPortAttempts() {
    return portAttempts;
  }

  /** @return a reference to this, so the API can be used fluently */
  public InspectOptions setPortAttempts(int portAttempts) {
    this.portAttempts = portAttempts;
    return this;
  }

  public boolean captureEnabled() {
    return dbSize >= 0;
  }

}
