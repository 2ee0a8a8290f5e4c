package burrow.registry;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Limits authtoken guessing per source address: after {@code maxFailures} failed attempts within one
 * window, every attempt from that address is refused until the window ends (a correct token too, so
 * guesses cannot be interleaved with a known-good one). State is per member: a guesser spread over N
 * members gets at most N times the budget, which is still far from useful against 256-bit secrets. The
 * table is capped; past the cap, expired entries go first, then the oldest.
 */
public class AuthLimiter {
  private final int maxFailures;
  private final long windowNanos;
  private final int maxSources;
  private final LongSupplier nanoClock;
  private final Map<String, Window> bySource = new ConcurrentHashMap<>();

  private record Window(long startNanos, int failures) { }

  public AuthLimiter(int maxFailures, long windowNanos, int maxSources, LongSupplier nanoClock) {
    this.maxFailures = maxFailures;
    this.windowNanos = windowNanos;
    this.maxSources = maxSources;
    this.nanoClock = nanoClock;
  }

  /** @return true if {@code source} has used up its failures in the current window */
  public boolean blocked(String source) {
    Window w = bySource.get(key(source));
    return w != null && !expired(w, nanoClock.getAsLong()) && w.failures() >= maxFailures;
  }

  /** Counts one failed attempt from {@code source}. */
  public void failed(String source) {
    long now = nanoClock.getAsLong();
    if (bySource.size() >= maxSources) {
      trim(now);
    }
    bySource.compute(key(source), (k, w) -> w == null || expired(w, now) ? new Window(now, 1)
        : new Window(w.startNanos(), w.failures() + 1));
  }

  private static String key(String source) {
    return source == null ? "" : source;
  }

  private boolean expired(Window w, long now) {
    return now - w.startNanos() >= windowNanos;
  }

  private void trim(long now) {
    bySource.values().removeIf(w -> expired(w, now));
    Iterator<Map.Entry<String, Window>> it = bySource.entrySet().iterator();
    while (bySource.size() >= maxSources && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
