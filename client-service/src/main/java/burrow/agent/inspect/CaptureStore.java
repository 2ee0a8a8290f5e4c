package burrow.agent.inspect;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The captured exchanges, oldest first, holding at most {@code inspect_db_size} bytes in total: heads and captured
 * body bytes are charged as they arrive, and room is made by evicting the oldest captures. A body that does not fit
 * (past the per-body cap, or bigger than the whole store) stops being captured; its exchange streams on regardless.
 * Methods are short and synchronized: forwarders on the session's event loop write, the API reads.
 */
public final class CaptureStore {
  /** What listeners hear: a capture was added or changed (response, end), or the store was cleared. */
  public enum Change { ADDED, UPDATED, CLEARED }

  /** One change, with the capture it concerns (null for CLEARED). */
  public record Event(Change change, Capture capture) {
  }

  private final long capacity;
  private final int maxBody;
  private final Map<String, Capture> captures = new LinkedHashMap<>();
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final String idPrefix = String.format("%08x", System.currentTimeMillis() / 1000);
  private final AtomicLong seq = new AtomicLong();
  private long used;
  private long highWater;

  public CaptureStore(InspectOptions options) {
    this.capacity = options.getDbSize();
    this.maxBody = options.getMaxBody();
  }

  /** @return false when {@code inspect_db_size} is -1: nothing is captured */
  public boolean enabled() {
    return capacity >= 0;
  }

  public long capacity() {
    return capacity;
  }

  /** @return bytes charged right now */
  public synchronized long used() {
    return used;
  }

  /** @return the most bytes ever charged at once: never more than {@link #capacity()} */
  public synchronized long highWater() {
    return highWater;
  }

  public synchronized int size() {
    return captures.size();
  }

  /** Registers a listener, called on the thread that made the change; it must not block. */
  public void listen(Consumer<Event> listener) {
    listeners.add(listener);
  }

  public void unlisten(Consumer<Event> listener) {
    listeners.remove(listener);
  }

  /**
   * Starts a capture with its request head, evicting older ones to make room.
   *
   * @return the capture, or null when capture is off or the head alone does not fit
   */
  public Capture begin(String tunnelName, String remoteAddr, String method, String uri, MultiMap headers, String replayOf) {
    if (!enabled()) {
      return null;
    }
    String id = idPrefix + hex8(seq.incrementAndGet());
    Capture c = new Capture(id, tunnelName, remoteAddr, method, uri, headers, replayOf);
    synchronized (this) {
      captures.put(id, c);
      if (!charge(c, c.headCost())) {
        captures.remove(id);
        return null;
      }
    }
    fire(new Event(Change.ADDED, c));
    return c;
  }

  private static String hex8(long v) {
    String h = Long.toHexString(v & 0xffffffffL);
    return "00000000".substring(h.length()) + h;
  }

  /**
   * Charges {@code n} more bytes to {@code c}, evicting the oldest other captures as needed.
   *
   * @return false if they do not fit (or {@code c} was evicted): the caller must not keep the bytes
   */
  synchronized boolean charge(Capture c, long n) {
    if (c.evicted) {
      return false;
    }
    if (n > capacity) {
      return false;
    }
    if (used + n <= capacity) {                     // the common case: room to spare
      used += n;
      c.charged += n;
      highWater = Math.max(highWater, used);
      return true;
    }
    Iterator<Capture> it = captures.values().iterator();
    while (used + n > capacity && it.hasNext()) {
      Capture old = it.next();
      if (old == c) {
        continue;
      }
      it.remove();
      old.evicted = true;
      used -= old.charged;
      old.charged = 0;
    }
    if (used + n > capacity) {
      return false;
    }
    used += n;
    c.charged += n;
    highWater = Math.max(highWater, used);
    return true;
  }

  /** @return how many more body bytes one body may capture: the per-body cap */
  int maxBody() {
    return maxBody;
  }

  void updated(Capture c) {
    fire(new Event(Change.UPDATED, c));
  }

  public synchronized Capture get(String id) {
    return captures.get(id);
  }

  /**
   * @param limit       most captures to return, or &lt;= 0 for all
   * @param tunnelName  only this tunnel's (either of its names, e.g. {@code web} or {@code web (http)}), or null
   * @return newest first
   */
  public synchronized List<Capture> list(int limit, String tunnelName) {
    List<Capture> all = new ArrayList<>(captures.values());
    List<Capture> out = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0 && (limit <= 0 || out.size() < limit); i--) {
      Capture c = all.get(i);
      if (tunnelName == null || c.tunnelName().equals(tunnelName)) {
        out.add(c);
      }
    }
    return out;
  }

  public void clear() {
    synchronized (this) {
      for (Capture c : captures.values()) {
        c.evicted = true;
        c.charged = 0;
      }
      captures.clear();
      used = 0;
    }
    fire(new Event(Change.CLEARED, null));
  }

  private void fire(Event e) {
    for (Consumer<Event> l : listeners) {
      l.accept(e);
    }
  }
}
