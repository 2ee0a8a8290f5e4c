package burrow.edge.route;

import io.vertx.core.Future;

/**
 * What a node does beyond its own {@link RouteTable} when a host is bound or released: the cluster layer publishes
 * the binding to the cluster's routes map (and may refuse it there), and turns a release into a lease with a grace
 * period. {@link #NONE} is a single node.
 */
public interface RouteHook {
  RouteHook NONE = new RouteHook() { };

  /** Called after the local claim; a failure undoes the claim and is the bind's answer. */
  default Future<Void> bound(Binding binding) {
    return Future.succeededFuture();
  }

  /**
   * Called after a binding left the local table.
   *
   * @param sessionEnded true when the agent's session ended (it may come back: hold its traffic for a while),
   *     false for an explicit unbind
   */
  default void released(Binding binding, boolean sessionEnded) {
  }
}
