package burrow.metrics;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bounded uniform sample of durations (Vitter's algorithm R), with go-metrics' percentile interpolation, so the
 * figures match what ngrok 2 reports. Memory is fixed at {@link #DEFAULT_SIZE} longs.
 *
 * <p>Hand-written rather than HdrHistogram (which micrometer brings): ngrok's p50..p99 come from such a sample, and
 * an exact sample gives exact, checkable percentiles for short series; HdrHistogram quantises values and would add a
 * dependency to the shared wire module for 40 lines of code.
 */
public final class Reservoir {
  /** Samples kept, as go-metrics' default: 1028. */
  public static final int DEFAULT_SIZE = 1028;

  private final long[] values;
  private long count;

  public Reservoir() {
    this(DEFAULT_SIZE);
  }

  public Reservoir(int size) {
    this.values = new long[size];
  }

  public synchronized void update(long value) {
    count++;
    if (count <= values.length) {
      values[(int) count - 1] = value;
    } else {
      long r = ThreadLocalRandom.current().nextLong(count);
      if (r < values.length) {
        values[(int) r] = value;
      }
    }
  }

  /** @return how many values were ever recorded */
  public synchronized long count() {
    return count;
  }

  /** @return the sample's percentiles, in the order asked ({@code ps} in 0..1), or zeros when empty */
  public double[] percentiles(double... ps) {
    long[] sorted;
    synchronized (this) {
      sorted = Arrays.copyOf(values, (int) Math.min(count, values.length));
    }
    Arrays.sort(sorted);
    double[] out = new double[ps.length];
    int n = sorted.length;
    if (n == 0) {
      return out;
    }
    for (int i = 0; i < ps.length; i++) {
      double pos = ps[i] * (n + 1);
      if (pos < 1) {
        out[i] = sorted[0];
      } else if (pos >= n) {
        out[i] = sorted[n - 1];
      } else {
        double lower = sorted[(int) pos - 1];
        double upper = sorted[(int) pos];
        out[i] = lower + (pos - Math.floor(pos)) * (upper - lower);
      }
    }
    return out;
  }
}
