package burrow.registry;

import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline (no fixed sleeps): spins on {@link Thread#onSpinWait} and yields. */
final class Poll {
  private Poll() { }

  /** @return milliseconds it took */
  static long until(BooleanSupplier condition) {
    return within(10_000, condition);
  }

  static long within(long millis, BooleanSupplier condition) {
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + millis + " ms");
      }
      Thread.onSpinWait();
      Thread.yield();
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
