package burrow.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * An exponentially weighted moving average of an event rate, per second, as go-metrics (and so ngrok 2) computes it:
 * events are counted as they happen, and every {@link #TICK_SECONDS} seconds the count of that interval is folded
 * into the average with {@code alpha = 1 - exp(-5 / 60 / minutes)}. The first tick sets the rate outright.
 * Not thread-safe for {@link #tick()}: one owner ticks (see {@link Meter}); {@link #update(long)} may come from any thread.
 */
public final class Ewma {
  /** Seconds between ticks: 5. */
  public static final int TICK_SECONDS = 5;

  private final double alpha;
  private final LongAdder uncounted = new LongAdder();
  private volatile double rate;
  private volatile boolean initialized;

  private Ewma(double alpha) {
    this.alpha = alpha;
  }

  /** @param minutes the averaging window: 1, 5 or 15 for ngrok's rate1, rate5, rate15 */
  public static Ewma ofMinutes(double minutes) {
    return new Ewma(1 - Math.exp(-TICK_SECONDS / 60.0 / minutes));
  }

  public void update(long n) {
    uncounted.add(n);
  }

  /** Folds the events since the last tick into the average. */
  public void tick() {
    double instant = uncounted.sumThenReset() / (double) TICK_SECONDS;
    if (initialized) {
      rate += alpha * (instant - rate);
    } else {
      rate = instant;
      initialized = true;
    }
  }

  /** @return events per second */
  public double rate() {
    return rate;
  }
}
