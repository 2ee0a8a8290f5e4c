package burrow.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rates and percentiles against known series (the go-metrics reference values that ngrok 2's figures come from). */
class MetricsTest {
  static final long SEC = 1_000_000_000L;
  final AtomicLong now = new AtomicLong(1_000 * SEC);

  @Test
  void ewmaMatchesGoMetricsReferenceValues() {
    Ewma m1 = Ewma.ofMinutes(1);
    Ewma m5 = Ewma.ofMinutes(5);
    Ewma m15 = Ewma.ofMinutes(15);
    for (Ewma e : new Ewma[] {m1, m5, m15}) {
      e.update(3);
      e.tick();
      assertThat(e.rate()).isCloseTo(0.6, within(1e-12));
    }
    for (int i = 0; i < 12; i++) { // one minute of ticks with no events
      m1.tick();
      m5.tick();
      m15.tick();
    }
    assertThat(m1.rate()).isCloseTo(0.22072766470286553, within(1e-12));
    assertThat(m5.rate()).isCloseTo(0.49123845184678905, within(1e-12));
    assertThat(m15.rate()).isCloseTo(0.5613041910189706, within(1e-12));
  }

  @Test
  void steadyRateConvergesToEventsPerSecond() {
    Meter meter = new Meter(now::get);
    for (int sec = 0; sec < 15 * 60 * 6; sec++) { // 90 minutes at 4 events per second
      meter.mark(4);
      now.addAndGet(SEC);
    }
    assertThat(meter.count()).isEqualTo(4L * 15 * 60 * 6);
    assertThat(meter.rate1()).isCloseTo(4.0, within(1e-6));
    assertThat(meter.rate5()).isCloseTo(4.0, within(1e-3));
    assertThat(meter.rate15()).isCloseTo(4.0, within(0.01));
  }

  @Test
  void meterTicksLazilyForEveryElapsedInterval() {
    Meter meter = new Meter(now::get);
    meter.mark(3);
    now.addAndGet(5 * SEC);
    assertThat(meter.rate1()).isCloseTo(0.6, within(1e-12));
    now.addAndGet(60 * SEC); // 12 quiet ticks folded in at the next read
    assertThat(meter.rate1()).isCloseTo(0.22072766470286553, within(1e-12));
  }

  @Test
  void percentilesInterpolateLikeGoMetrics() {
    Reservoir r = new Reservoir();
    for (long v = 10; v >= 1; v--) {
      r.update(v);
    }
    assertThat(r.percentiles(0.5, 0.9, 0.95, 0.99)).containsExactly(new double[] {5.5, 9.9, 10.0, 10.0}, within(1e-9));
    Reservoir hundred = new Reservoir();
    for (long v = 1; v <= 100; v++) {
      hundred.update(v * 1000);
    }
    assertThat(hundred.percentiles(0.5, 0.9, 0.95, 0.99))
        .containsExactly(new double[] {50_500.0, 90_900.0, 95_950.0, 99_990.0}, within(1e-6));
    assertThat(new Reservoir().percentiles(0.5)).containsExactly(0.0);
  }

  @Test
  void reservoirStaysBounded() {
    Reservoir r = new Reservoir(100);
    for (int i = 0; i < 100_000; i++) {
      r.update(7);
    }
    assertThat(r.count()).isEqualTo(100_000);
    assertThat(r.percentiles(0.5, 0.99)).containsExactly(7.0, 7.0);
  }

  @Test
  void connMetricsCountGaugeAndDurationsInTheApiShape() {
    TunnelMetrics tm = new TunnelMetrics(now::get);
    Runnable a = tm.http().open();
    Runnable b = tm.http().open();
    assertThat(tm.http().gauge()).isEqualTo(2);
    now.addAndGet(SEC / 10);
    a.run();
    a.run(); // closing twice counts once
    now.addAndGet(SEC / 10);
    b.run();
    var json = tm.toJson();
    assertThat(json.getJsonObject("http").getLong("count")).isEqualTo(2);
    assertThat(json.getJsonObject("http").getLong("gauge")).isZero();
    assertThat(json.getJsonObject("http").getDouble("p50")).isEqualTo(150_000_000.0);
    assertThat(json.getJsonObject("http").getDouble("p99")).isEqualTo(200_000_000.0);
    assertThat(json.getJsonObject("conns").fieldNames())
        .containsExactlyInAnyOrder("count", "gauge", "rate1", "rate5", "rate15", "p50", "p90", "p95", "p99");
  }
}
