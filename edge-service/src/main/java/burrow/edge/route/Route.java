package burrow.edge.route;

import burrow.edge.admit.BasicAuth;
import burrow.mux.MuxStream;
import burrow.proto.TunnelSpec;
import io.vertx.core.Future;

/**
 * Where public traffic for a host goes: a {@link Binding} of this node, or a tunnel held by another node of the
 * cluster and reached through a relay stream. Either way the first bytes written to the stream are the same head.
 */
public interface Route {
  /** @return the account that owns the tunnel (for its IP whitelist) */
  String account();

  TunnelSpec spec();

  /** @return the tunnel's basic-auth check, or null */
  BasicAuth auth();

  /** Opens one data stream that ends at the agent. */
  Future<MuxStream> openStream();
}
