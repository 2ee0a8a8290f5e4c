package burrow.net;

import io.netty.channel.Channel;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The congestion control of TCP connections whose two ends are on this host: CUBIC instead of a pacing algorithm.
 *
 * <p>Linux's BBR, the default on many hosts (this project's benchmark machine among them), paces every connection:
 * it models the bottleneck link of the path and spaces the packets out to its rate with a timer. A loopback connection
 * has no link to model, so the pacing only costs timer interrupts and holds each connection below the rate the two
 * processes could move. A tunnel has up to three such connections in a row (public client to edge, the control link to
 * an embedded or local edge, agent to its local service), so it paid for that three times where a one-hop relay pays
 * twice. On loopback connections we set CUBIC, which sends as fast as the window allows; see docs/PERFORMANCE.md
 * ("TCP tunnels") for what it changes. A connection with either end elsewhere keeps the system's algorithm.
 *
 * <p>{@code -Dburrow.loopbackCongestion=<name>} picks another algorithm; {@code system} keeps the system's on every
 * connection. Where the algorithm cannot be set (not Linux's epoll transport, or not in the host's
 * {@code net.ipv4.tcp_allowed_congestion_control}), the connection keeps the system's, logged once at debug.
 *
 * <p>Hand-written because neither Netty nor the JDK names {@code TCP_CONGESTION}; Netty's raw socket option sets it.
 */
public final class LoopbackTcp {
  private static final Logger log = LoggerFactory.getLogger(LoopbackTcp.class);
  /** The algorithm set on loopback connections, or {@code system}. */
  public static final String ALGORITHM = System.getProperty("burrow.loopbackCongestion", "cubic");
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_CONGESTION = 13;
  private static final int TCP_CA_NAME_MAX = 16;
  private static volatile boolean warned;

  private LoopbackTcp() {
  }

  /** Sets {@link #ALGORITHM} on a connected channel whose two ends are loopback addresses; leaves others alone. */
  public static void tune(Channel channel) {
    tune(channel, ALGORITHM);
  }

  /** @return whether {@code algorithm} is now the channel's (false: not loopback, "system", or refused) */
  static boolean tune(Channel channel, String algorithm) {
    byte[] name = algorithm.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length >= TCP_CA_NAME_MAX || "system".equals(algorithm)
        || !(channel instanceof UnixChannel)
        || !(channel.localAddress() instanceof InetSocketAddress local)
        || !(channel.remoteAddress() instanceof InetSocketAddress remote) || !isLoopback(local, remote)) {
      return false;
    }
    try {
      return channel.config().setOption(new RawUnixChannelOption("TCP_CONGESTION", IPPROTO_TCP, TCP_CONGESTION,
          name.length), ByteBuffer.wrap(name));
    } catch (RuntimeException e) {                       // ChannelException: the kernel refused the name
      if (!warned) {
        warned = true;
        log.atDebug().addKeyValue("algorithm", algorithm).addKeyValue("reason", String.valueOf(e.getMessage()))
            .log("loopback connections keep the system's congestion control");
      }
      return false;
    }
  }

  /** @return the congestion control algorithm of a connected epoll channel, or null where it cannot be read */
  static String algorithm(Channel channel) {
    if (!(channel instanceof UnixChannel)) {
      return null;
    }
    try {
      ByteBuffer b = channel.config().getOption(new RawUnixChannelOption("TCP_CONGESTION", IPPROTO_TCP,
          TCP_CONGESTION, TCP_CA_NAME_MAX));
      byte[] name = new byte[b.remaining()];
      b.get(name);
      int end = 0;
      while (end < name.length && name[end] != 0) {
        end++;
      }
      return new String(name, 0, end, StandardCharsets.US_ASCII);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static boolean isLoopback(InetSocketAddress local, InetSocketAddress remote) {
    return local.getAddress() != null && local.getAddress().isLoopbackAddress()
        && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
  }
}
