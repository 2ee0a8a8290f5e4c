package burrow.metrics;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One of a tunnel's two metric sets, as ngrok 2's API shows them: {@code count} (ever opened), {@code gauge} (open
 * now), {@code rate1/rate5/rate15} (opened per second, EWMA) and {@code p50/p90/p95/p99} (durations, nanoseconds, as
 * Go's {@code time.Duration} serialises).
 */
public final class ConnMetrics {
  private final LongSupplier nanoClock;
  private final Meter meter;
  private final AtomicLong gauge = new AtomicLong();
  private final Reservoir durations = new Reservoir();

  public ConnMetrics(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.meter = new Meter(nanoClock);
  }

  /** Marks one opened; call the returned handle's {@code run()} once when it closes. */
  public Runnable open() {
    long start = nanoClock.getAsLong();
    meter.mark(1);
    gauge.incrementAndGet();
    AtomicLong once = new AtomicLong();
    return () -> {
      if (once.compareAndSet(0, 1)) {
        gauge.decrementAndGet();
        durations.update(nanoClock.getAsLong() - start);
      }
    };
  }

  public long count() {
    return meter.count();
  }

  public long gauge() {
    return gauge.get();
  }

  public double rate1() {
    return meter.rate1();
  }

  public double rate5() {
    return meter.rate5();
  }

  public double rate15() {
    return meter.rate15();
  }

  /** @return p50, p90, p95, p99 of the durations, in nanoseconds */
  public double[] percentiles() {
    return durations.percentiles(0.5, 0.9, 0.95, 0.99);
  }

  public JsonObject toJson() {
    double[] p = percentiles();
    return new JsonObject().put("count", count()).put("gauge", gauge()).put("rate1", rate1()).put("rate5", rate5())
        .put("rate15", rate15()).put("p50", p[0]).put("p90", p[1]).put("p95", p[2]).put("p99", p[3]);
  }
}
