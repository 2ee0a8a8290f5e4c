package burrow.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 block in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address is a
 * single-host block ({@code /32} or {@code /128}). Immutable. Parsing never does a DNS lookup: only literal
 * addresses are accepted. An IPv4-mapped IPv6 address ({@code ::ffff:1.2.3.4}) matches IPv4 blocks, because
 * Java hands dual-stack sockets' peers to us in that form.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** @throws IllegalArgumentException with a sentence naming what is wrong */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty CIDR");
    }
    String s = text.trim();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = parseLiteral(addr)
        .orElseThrow(() -> new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address"));
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("\"" + text + "\" has a bad prefix length");
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        throw new IllegalArgumentException("\"" + text + "\": prefix length must be 0.." + max);
      }
    }
    return new Cidr(mask(bytes, prefix), prefix);
  }

  /** @return the block, or empty if {@code text} is not valid CIDR */
  public static Optional<Cidr> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** @return the bytes of a literal IPv4 or IPv6 address (IPv4-mapped IPv6 folded to IPv4), or empty */
  public static Optional<byte[]> parseLiteral(String addr) {
    if (addr == null || addr.isEmpty()) {
      return Optional.empty();
    }
    String a = addr;
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.indexOf(':') >= 0) {
      if (a.indexOf('%') >= 0 || !a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        return Optional.empty();
      }
    } else if (!isDottedQuad(a)) {
      return Optional.empty();
    }
    try {
      // only literals reach here, so this never resolves a name
      return Optional.of(fold(InetAddress.getByName(a).getAddress()));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static boolean isDottedQuad(String a) {
    String[] parts = a.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static byte[] fold(byte[] b) {
    if (b.length == 16) {
      for (int i = 0; i < 10; i++) {
        if (b[i] != 0) {
          return b;
        }
      }
      if (b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
        return Arrays.copyOfRange(b, 12, 16);
      }
    }
    return b;
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff00 >> bits);
    }
    return out;
  }

  /** @return true if the literal address {@code ip} lies in this block; false for anything unparsable */
  public boolean contains(String ip) {
    return parseLiteral(ip).map(this::contains).orElse(false);
  }

  public boolean contains(InetAddress ip) {
    return contains(fold(ip.getAddress()));
  }

  private boolean contains(byte[] addr) {
    if (addr.length != network.length) {
      return false;
    }
    return Arrays.equals(mask(addr, prefix), network);
  }

  public boolean isIpv6() {
    return network.length == 16;
  }

  public int prefix() {
    return prefix;
  }

  /** @return the canonical form, e.g. {@code 10.0.0.0/8} or {@code 2001:db8:0:0:0:0:0:0/32} */
  @Override
  public String toString() {
    try {
      String host = InetAddress.getByAddress(network).getHostAddress();
      return host + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }
}
