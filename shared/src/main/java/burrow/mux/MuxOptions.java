package burrow.mux;

import io.vertx.core.json.JsonObject;

/** Caps and timings of a {@link MuxSession}. Every queue in the mux is bounded by one of these. */
public class MuxOptions {
  /** Initial per-stream receive window, in bytes: 256 KiB (the yamux default). */
  public static final int DEFAULT_INITIAL_WINDOW = 256 * 1024;
  /** Largest DATA payload we send in one frame, in bytes: 16 KiB. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024;
  /** Most concurrent streams per session: 65,536. A SYN past it is answered with RST (REFUSED). */
  public static final int DEFAULT_MAX_STREAMS = 65_536;
  /** Interval between keep-alive pings, in milliseconds: 10 s. 0 disables. */
  public static final long DEFAULT_KEEP_ALIVE_INTERVAL = 10_000;
  /** How long a ping may go unanswered before the session is closed, in milliseconds: 15 s. */
  public static final long DEFAULT_PING_TIMEOUT = 15_000;

  private int initialWindow = DEFAULT_INITIAL_WINDOW;
  private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  private int maxStreams = DEFAULT_MAX_STREAMS;
  private long keepAliveInterval = DEFAULT_KEEP_ALIVE_INTERVAL;
  private long pingTimeout = DEFAULT_PING_TIMEOUT;

  public MuxOptions() {
  }

  public MuxOptions(MuxOptions other) {
    this.initialWindow = other.initialWindow;
    this.maxFrameSize = other.maxFrameSize;
    this.maxStreams = other.maxStreams;
    this.keepAliveInterval = other.keepAliveInterval;
    this.pingTimeout = other.pingTimeout;
  }

  public MuxOptions(JsonObject json) {
    this.initialWindow = json.getInteger("initialWindow", DEFAULT_INITIAL_WINDOW);
    this.maxFrameSize = json.getInteger("maxFrameSize", DEFAULT_MAX_FRAME_SIZE);
    this.maxStreams = json.getInteger("maxStreams", DEFAULT_MAX_STREAMS);
    this.keepAliveInterval = json.getLong("keepAliveInterval", DEFAULT_KEEP_ALIVE_INTERVAL);
    this.pingTimeout = json.getLong("pingTimeout", DEFAULT_PING_TIMEOUT);
  }

  public JsonObject toJson() {
    return new JsonObject().put("initialWindow", initialWindow).put("maxFrameSize", maxFrameSize)
        .put("maxStreams", maxStreams).put("keepAliveInterval", keepAliveInterval).put("pingTimeout", pingTimeout);
  }

  public int getInitialWindow() {
    return initialWindow;
  }

  /** @return a reference to this, so the API can be used fluently */
  public MuxOptions setInitialWindow(int initialWindow) {
    this.initialWindow = initialWindow;
    return this;
  }

  public int getMaxFrameSize() {
    return maxFrameSize;
  }

  /** @return a reference to this, so the API can be used fluently */
  public MuxOptions setMaxFrameSize(int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
    return this;
  }

  public int getMaxStreams() {
    return maxStreams;
  }

  /** @return a reference to this, so the API can be used fluently */
  public MuxOptions setMaxStreams(int maxStreams) {
    this.maxStreams = maxStreams;
    return this;
  }

  public long getKeepAliveInterval() {
    return keepAliveInterval;
  }

  /** @return a reference to this, so the API can be used fluently */
  public MuxOptions setKeepAliveInterval(long keepAliveInterval) {
    this.keepAliveInterval = keepAliveInterval;
    return this;
  }

  public long getPingTimeout() {
    return pingTimeout;
  }

  /** @return a reference to this, so the API can be used fluently */
  public MuxOptions setPingTimeout(long pingTimeout) {
    this.pingTimeout = pingTimeout;
    return this;
  }
}
