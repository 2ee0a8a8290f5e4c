package burrow.agent.forward;

import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers (HAProxy's proxy-protocol.txt, versions 1 and 2) that tell the local service the public
 * client's address. Addresses come as {@code ip:port} (IPv6 may be bracketed); anything unparseable becomes
 * {@code PROXY UNKNOWN} (v1) or a LOCAL command (v2), which servers accept and ignore.
 */
public final class ProxyHeader {
  /** The 12-byte v2 signature. */
  static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private ProxyHeader() {
  }

  private record Addr(InetAddress ip, int port) {
  }

  /** @param version 1 or 2 */
  public static Buffer encode(int version, String source, String dest) {
    Addr s = parse(source);
    Addr d = parse(dest);
    if (s != null && d != null && s.ip().getAddress().length != d.ip().getAddress().length) {
      d = null;
    }
    return version == 2 ? v2(s, d) : v1(s, d);
  }

  static Buffer v1(Addr s, Addr d) {
    if (s == null || d == null) {
      return Buffer.buffer("PROXY UNKNOWN\r\n", StandardCharsets.US_ASCII.name());
    }
    String fam = s.ip().getAddress().length == 4 ? "TCP4" : "TCP6";
    return Buffer.buffer("PROXY " + fam + " " + s.ip().getHostAddress() + " " + d.ip().getHostAddress() + " "
        + s.port() + " " + d.port() + "\r\n", StandardCharsets.US_ASCII.name());
  }

  static Buffer v2(Addr s, Addr d) {
    Buffer b = Buffer.buffer(16 + 36).appendBytes(V2_SIGNATURE);
    if (s == null || d == null) {
      return b.appendByte((byte) 0x20).appendByte((byte) 0x00).appendShort((short) 0);   // v2, LOCAL, UNSPEC
    }
    boolean v4 = s.ip().getAddress().length == 4;
    b.appendByte((byte) 0x21)                                        // version 2, PROXY
        .appendByte((byte) (v4 ? 0x11 : 0x21))                       // AF_INET/AF_INET6, STREAM
        .appendShort((short) (v4 ? 12 : 36))
        .appendBytes(s.ip().getAddress()).appendBytes(d.ip().getAddress())
        .appendShort((short) s.port()).appendShort((short) d.port());
    return b;
  }

  private static Addr parse(String hostPort) {
    if (hostPort == null) {
      return null;
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!host.matches("[0-9a-fA-F.:]+")) {
      return null;                                                   // only literals: never a DNS lookup here
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      return port < 0 || port > 65535 ? null : new Addr(InetAddress.getByName(host), port);
    } catch (NumberFormatException | UnknownHostException e) {
      return null;
    }
  }
}
