package burrow.dist;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking it on a short timer: no sleeps. */
final class Poll {
  private Poll() {
  }

  /**
   * @param check evaluated every {@code 20 ms} on a Vert.x timer; its future must complete with true when done
   * @return succeeds the first time the check holds, fails with {@code what} once {@code deadlineMillis} has passed
   */
  static Future<Void> until(Vertx vertx, long deadlineMillis, String what, Supplier<Future<Boolean>> check) {
    Promise<Void> p = Promise.promise();
    long deadline = System.currentTimeMillis() + deadlineMillis;
    new Object() {
      void attempt() {
        check.get().recover(err -> Future.succeededFuture(false)).onComplete(ar -> {
          if (ar.result()) {
            p.tryComplete();
          } else if (System.currentTimeMillis() > deadline) {
            p.tryFail(new AssertionError("timed out after " + deadlineMillis + " ms waiting for " + what));
          } else {
            vertx.setTimer(20, t -> attempt());
          }
        });
      }
    }.attempt();
    return p.future();
  }
}
