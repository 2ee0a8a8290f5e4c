package burrow.edge.route;

import io.vertx.core.Future;

/** Finds a route for a host that this node's {@link RouteTable} does not hold: the cluster's answer. */
public interface RemoteRoutes {
  /**
   * @return the route, or a null result when no node serves the host (the caller answers "tunnel not found");
   *     may wait (bounded) while the host's agent reconnects
   */
  Future<Route> resolve(String host);

  /** @return whether {@code key} still has a route or a lease anywhere (a followed TCP port is still wanted) */
  default Future<Boolean> inUse(String key) {
    return Future.succeededFuture(false);
  }
}
