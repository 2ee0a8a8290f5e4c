package burrow.mux;

import io.vertx.core.json.JsonObject;

/** Caps and timings of a {@link MuxSession}. Every queue in the mux is bounded by one of these. */
public class MuxOptions {
  /** Initial per-stream receive window, in bytes: 256 KiB (the yamux default). */
  public static final int DEFAULT_INITIAL_WINDOW = 256 * 1024;
  /** Largest a stream's receive window grows to when its reader keeps up with a fast sender: 8 MiB. */
  public static final int DEFAULT_MAX_WINDOW = 8 * 1024 * 1024;
  /** Most bytes all of a session's streams together may have their windows grown by: 32 MiB. */
  public static final long DEFAULT_MAX_SESSION_WINDOW_GROWTH = 32L * 1024 * 1024;
  /**
   * A stream's window doubles when its reader consumed half of it within this many milliseconds (the sender was
   * likely waiting for credit): 10 ms.
   */
  public static final long DEFAULT_WINDOW_TUNE_MILLIS = 10;
  /**
   * Largest DATA payload we send in one frame, in bytes: 64 KiB. A buffer read from a TCP socket (up to 256 KiB) goes
   * out as a few frames rather than sixteen; the TLS layer cuts records of 16 KiB either way.
   */
  public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
  /** Most concurrent streams per session: 65,536. A SYN past it is answered with RST (REFUSED). */
  public static final int DEFAULT_MAX_STREAMS = 65_536;
  /** Interval between keep-alive pings, in milliseconds: 10 s. 0 disables. */
  public static final long DEFAULT_KEEP_ALIVE_INTERVAL = 10_000;
  /** How long a ping may go unanswered before the session is closed, in milliseconds: 15 s. */
  public static final long DEFAULT_PING_TIMEOUT = 15_000;

  private int initialWindow = DEFAULT_INITIAL_WINDOW;
  // -Dburrow.mux.maxFrameSize=16384 restores the earlier frames, for bench/tcp-bench.sh's side-by-side run
  private int maxFrameSize = Integer.getInteger("burrow.mux.maxFrameSize", DEFAULT_MAX_FRAME_SIZE);
  // -Dburrow.mux.maxWindow=262144 turns auto-tuning off, so bench/tcp-bench.sh can compare both in one run
  private int maxWindow = Integer.getInteger("burrow.mux.maxWindow", DEFAULT_MAX_WINDOW);
  private long maxSessionWindowGrowth = DEFAULT_MAX_SESSION_WINDOW_GROWTH;
  private long windowTuneMillis = DEFAULT_WINDOW_TUNE_MILLIS;
  private int maxStreams = DEFAULT_MAX_STREAMS;
  private long keepAliveInterval = DEFAULT_KEEP_ALIVE_INTERVAL;
  private long pingTimeout = DEFAULT_PING_TIMEOUT;

  public MuxOptions() {
  }

  public MuxOptions(MuxOptions other) {
    this.initialWindow = other.initialWindow;
    this.maxFrameSize = other.maxFrameSize;
    this.maxWindow = other.maxWindow;
    this.maxSessionWindowGrowth = other.maxSessionWindowGrowth;
    this.windowTuneMillis = other.windowTuneMillis;
    this.maxStreams = other.maxStreams;
    this.keepAliveInterval = other.keepAliveInterval;
    this.pingTimeout = other.pingTimeout;
  }

  public MuxOptions(JsonObject json) {
    this.initialWindow = json.getInteger("initialWindow", DEFAULT_INITIAL_WINDOW);
    this.maxFrameSize = json.getInteger("maxFrameSize", DEFAULT_MAX_FRAME_SIZE);
    this.maxWindow = json.getInteger("maxWindow", DEFAULT_MAX_WINDOW);
    this.maxSessionWindowGrowth = json.getLong("maxSessionWindowGrowth", DEFAULT_MAX_SESSION_WINDOW_GROWTH);
    this.windowTuneMillis = json.getLong("windowTuneMillis", DEFAULT_WINDOW_TUNE_MILLIS);
    this.maxStreams = json.getInteger("maxStreams", DEFAULT_MAX_STREAMS);
    this.keepAliveInterval = json.getLong("keepAliveInterval", DEFAULT_KEEP_ALIVE_INTERVAL);
    this.pingTimeout = json.getLong("pingTimeout", DEFAULT_PING_TIMEOUT);
  }

  public JsonObject toJson() {
    return new JsonObject().put("initialWindow", initialWindow).put("maxFrameSize", maxFrameSize)
        .put("maxWindow", maxWindow).put("maxSessionWindowGrowth", maxSessionWindowGrowth)
        .put("windowTuneMillis", windowTuneMillis)
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

  public int getMaxWindow() {
    return maxWindow;
  }

  /** @return a reference to this, so the API can be used fluently; at most the initial window turns tuning off */
  public MuxOptions setMaxWindow(int maxWindow) {
    this.maxWindow = maxWindow;
    return this;
  }

  public long getMaxSessionWindowGrowth() {
    return maxSessionWindowGrowth;
  }

  /** @return a reference to this, so the API can be used fluently */
  public MuxOptions setMaxSessionWindowGrowth(long maxSessionWindowGrowth) {
    this.maxSessionWindowGrowth = maxSessionWindowGrowth;
    return this;
  }

  public long getWindowTuneMillis() {
    return windowTuneMillis;
  }

  /** @return a reference to this, so the API can be used fluently */
  public MuxOptions setWindowTuneMillis(long windowTuneMillis) {
    this.windowTuneMillis = windowTuneMillis;
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
