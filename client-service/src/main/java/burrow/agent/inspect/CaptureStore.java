package burrow.agent.inspect;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Arrays;
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
 * A capture in flight is a {@link Capture} object; once complete it is written as one record into a
 * {@link CaptureRing} of direct memory and read back into a new {@code Capture} when asked for, so the thousands of
 * captures a full store holds are no work for the garbage collector.
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
  private final Map<String, Capture> inFlight = new LinkedHashMap<>();   // begun, not complete; oldest first
  private final CaptureRing ring;
  private final List<String> tunnelNames = new ArrayList<>();            // the ring's tunnel numbers
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final String idPrefix = String.format("%08x", System.currentTimeMillis() / 1000);
  private final AtomicLong seq = new AtomicLong();
  private long inFlightCharged;
  private long highWater;

  public CaptureStore(InspectOptions options) {
    this.capacity = options.getDbSize();
    this.maxBody = options.getMaxBody();
    this.ring = new CaptureRing(capacity);
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
    return ring.used() + inFlightCharged;
  }

  /** @return the most bytes ever charged at once: never more than {@link #capacity()} */
  public synchronized long highWater() {
    return highWater;
  }

  public synchronized int size() {
    return inFlight.size() + ring.size();
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
    long n = seq.incrementAndGet();
    String id = idPrefix + hex8(n);
    Capture c = new Capture(n, id, tunnelName, remoteAddr, method, uri, headers, replayOf);
    synchronized (this) {
      inFlight.put(id, c);
      if (!charge(c, c.headCost())) {
        inFlight.remove(id);
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
   * @return false if they do not fit (or {@code c} was evicted or is complete): the caller must not keep the bytes
   */
  synchronized boolean charge(Capture c, long n) {
    if (c.evicted || n > capacity || !makeRoom(n, c)) {
      return false;
    }
    inFlightCharged += n;
    c.charged += n;
    highWater = Math.max(highWater, used());
    return true;
  }

  /** Evicts the oldest captures, stored or in flight, but never {@code keep}, until {@code n} more bytes fit. */
  private boolean makeRoom(long n, Capture keep) {
    while (used() + n > capacity) {
      Capture oldest = null;
      for (Capture c : inFlight.values()) {
        if (c != keep) {
          oldest = c;
          break;
        }
      }
      if (ring.size() > 0 && (oldest == null || ring.oldestSeq() < oldest.seq())) {
        ring.evictOldest();
      } else if (oldest != null) {
        inFlight.remove(oldest.id());
        oldest.evicted = true;
        inFlightCharged -= oldest.charged;
        oldest.charged = 0;
      } else {
        return false;
      }
    }
    return true;
  }

  /** @return how many more body bytes one body may capture: the per-body cap */
  int maxBody() {
    return maxBody;
  }

  void updated(Capture c) {
    fire(new Event(Change.UPDATED, c));
  }

  /**
   * Completes {@code c} (with an error, or null) and moves it from the captures in flight into the ring; listeners
   * still get {@code c} itself, which keeps its contents.
   */
  void finish(Capture c, String error) {
    if (!c.finish(error)) {
      return;
    }
    synchronized (this) {
      if (!c.evicted && inFlight.remove(c.id()) != null) {
        inFlightCharged -= c.charged;
        c.charged = 0;
        c.evicted = true;                               // nothing more is charged to it
        int tunnel = tunnelNumber(c.tunnelName());
        c.writeRecord(length -> length > capacity || !makeRoom(length, null) ? null : ring.append(c.seq(), tunnel,
            length));
        highWater = Math.max(highWater, used());
      }
    }
    fire(new Event(Change.UPDATED, c));
  }

  /** @return direct memory the ring has taken so far */
  synchronized long directBytes() {
    return ring.allocated();
  }

  private int tunnelNumber(String name) {
    int i = tunnelNames.indexOf(name);
    if (i < 0) {
      tunnelNames.add(name);
      i = tunnelNames.size() - 1;
    }
    return i;
  }

  public Capture get(String id) {
    long n;
    try {
      if (id.length() != idPrefix.length() + 8 || !id.startsWith(idPrefix)) {
        return null;
      }
      n = Long.parseLong(id.substring(idPrefix.length()), 16);
    } catch (NumberFormatException e) {
      return null;
    }
    byte[] rec;
    long full;
    synchronized (this) {
      Capture c = inFlight.get(id);
      if (c != null) {
        return c;
      }
      int i = ring.find(n);
      if (i < 0) {
        return null;
      }
      full = ring.seqAt(i);
      rec = ring.read(i);
    }
    return Capture.decode(full, id, rec);
  }

  /**
   * @param limit       most captures to return, or &lt;= 0 for all
   * @param tunnelName  only this tunnel's (either of its names, e.g. {@code web} or {@code web (http)}), or null
   * @return newest first
   */
  public List<Capture> list(int limit, String tunnelName) {
    long[] seqs;
    long[] numbers;                                     // a stored record's number, or -1 - its index in flying
    List<Capture> flying;
    int picked = 0;
    synchronized (this) {
      flying = new ArrayList<>(inFlight.values());
      int stored = ring.size();
      int tunnel = tunnelName == null ? -1 : tunnelNames.indexOf(tunnelName);
      // one key per candidate, its sequence number above its place in cand below, sorted so the newest come last
      // (sequence numbers stay below 2^31 in any agent's life)
      long[] keys = new long[stored + flying.size()];
      long[] cand = new long[keys.length];
      int k = 0;
      for (int i = 0; i < stored; i++) {
        if (tunnelName == null || tunnel >= 0 && ring.tunnelAt(i) == tunnel) {
          cand[k] = ring.firstNumber() + i;
          keys[k] = ring.seqAt(i) << 32 | k;
          k++;
        }
      }
      for (int i = 0; i < flying.size(); i++) {
        if (tunnelName == null || flying.get(i).tunnelName().equals(tunnelName)) {
          cand[k] = -1 - i;
          keys[k] = flying.get(i).seq() << 32 | k;
          k++;
        }
      }
      Arrays.sort(keys, 0, k);
      int n = limit <= 0 ? k : Math.min(k, limit);
      seqs = new long[n];
      numbers = new long[n];
      for (int j = k - 1; j >= k - n; j--) {
        seqs[picked] = keys[j] >>> 32;
        numbers[picked++] = cand[(int) keys[j]];
      }
    }
    // records are copied out one at a time, so a long list never holds the lock the forwarders take for long; one
    // evicted meanwhile is left out
    List<Capture> out = new ArrayList<>(picked);
    for (int j = 0; j < picked; j++) {
      if (numbers[j] < 0) {
        out.add(flying.get((int) (-1 - numbers[j])));
        continue;
      }
      byte[] rec = null;
      synchronized (this) {
        long i = numbers[j] - ring.firstNumber();
        if (i >= 0 && i < ring.size()) {
          rec = ring.read((int) i);
        }
      }
      if (rec != null) {
        out.add(Capture.decode(seqs[j], idPrefix + hex8(seqs[j]), rec));
      }
    }
    return out;
  }

  public void clear() {
    synchronized (this) {
      for (Capture c : inFlight.values()) {
        c.evicted = true;
        c.charged = 0;
      }
      inFlight.clear();
      ring.clear();
      inFlightCharged = 0;
    }
    fire(new Event(Change.CLEARED, null));
  }

  private void fire(Event e) {
    for (Consumer<Event> l : listeners) {
      l.accept(e);
    }
  }
}
