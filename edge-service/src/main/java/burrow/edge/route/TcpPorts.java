package burrow.edge.route;

/**
 * A node's public TCP ports as the cluster sees them. Each port is published under {@link #key(String, int)}; every
 * node of the region listens on it, and a node that does not hold the agent relays the connection to the one that
 * does, as for an HTTP host.
 */
public interface TcpPorts {
  /** @return the cluster routes key of {@code port} in {@code region} */
  static String key(String region, int port) {
    return "tcp:" + region + ":" + port;
  }

  /** @return the port of a key made by {@link #key}, or -1 when {@code key} is not a TCP key of {@code region} */
  static int port(String region, String key) {
    String prefix = "tcp:" + region + ":";
    if (!key.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(key.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** @return this node's binding of the port named by {@code key}, or null */
  Binding lookup(String key);

  /** Another node of this region bound {@code port}: listen on it here too and relay its connections. */
  void follow(int port);
}
