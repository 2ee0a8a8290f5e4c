package burrow.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A count and its 1, 5 and 15 minute rates (events per second). Ticks lazily: every read or update first folds in
 * each 5 s interval that has passed on the clock, so no timer is needed and tests drive time through the clock.
 */
public final class Meter {
  private static final long TICK_NANOS = Ewma.TICK_SECONDS * 1_000_000_000L;

  private final LongSupplier nanoClock;
  private final AtomicLong count = new AtomicLong();
  private final Ewma m1 = Ewma.ofMinutes(1);
  private final Ewma m5 = Ewma.ofMinutes(5);
  private final Ewma m15 = Ewma.ofMinutes(15);
  private final AtomicLong lastTick;

  public Meter(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.lastTick = new AtomicLong(nanoClock.getAsLong());
  }

  public void mark(long n) {
    tickIfNeeded();
    count.addAndGet(n);
    m1.update(n);
    m5.update(n);
    m15.update(n);
  }

  public long count() {
    return count.get();
  }

  public double rate1() {
    tickIfNeeded();
    return m1.rate();
  }

  public double rate5() {
    tickIfNeeded();
    return m5.rate();
  }

  public double rate15() {
    tickIfNeeded();
    return m15.rate();
  }

  private void tickIfNeeded() {
    long old = lastTick.get();
    long now = nanoClock.getAsLong();
    long age = now - old;
    if (age < TICK_NANOS) {
      return;
    }
    long ticks = age / TICK_NANOS;
    if (lastTick.compareAndSet(old, old + ticks * TICK_NANOS)) {
      synchronized (this) {
        for (long i = 0; i < ticks; i++) {
          m1.tick();
          m5.tick();
          m15.tick();
        }
      }
    }
  }
}
