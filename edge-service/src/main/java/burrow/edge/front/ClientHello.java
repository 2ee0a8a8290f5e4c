package burrow.edge.front;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finds the SNI name in the first bytes of a TLS connection without terminating TLS: TLS records (RFC 8446 5.1,
 * RFC 5246 6.2) carrying a ClientHello handshake message (it may span several records), whose {@code server_name}
 * extension (RFC 6066 3) names the host. Pure function of the bytes read so far; every length is bounds-checked.
 */
public final class ClientHello {
  private static final int RECORD_HANDSHAKE = 22;
  private static final int HANDSHAKE_CLIENT_HELLO = 1;
  private static final int EXT_SERVER_NAME = 0;
  private static final int MAX_RECORD = 16384 + 2048;

  /** What the bytes so far tell us. */
  public enum Status { NEED_MORE, FOUND, NO_SNI, MALFORMED }

  /** @param name the SNI host name (lower case, no trailing dot) when FOUND; @param reason why, when MALFORMED */
  public record Result(Status status, String name, String reason) {
    static final Result NEED_MORE = new Result(Status.NEED_MORE, null, null);
    static final Result NO_SNI = new Result(Status.NO_SNI, null, "ClientHello without server_name");

    static Result malformed(String reason) {
      return new Result(Status.MALFORMED, null, reason);
    }
  }

  private ClientHello() {
  }

  /** @return true if the first byte could start a TLS handshake record (worth a TLS alert when we refuse) */
  public static boolean looksLikeTls(Buffer data) {
    return data.length() > 0 && data.getUnsignedByte(0) == RECORD_HANDSHAKE;
  }

  /**
   * Parses what has arrived. NEED_MORE means read more (the caller bounds how much and for how long).
   *
   * @param maxHello largest handshake message accepted, in bytes
   */
  public static Result sniff(Buffer data, int maxHello) {
    Buffer hs = Buffer.buffer();
    int off = 0;
    while (true) {
      if (data.length() - off < 5) {
        return Result.NEED_MORE;
      }
      int type = data.getUnsignedByte(off);
      int major = data.getUnsignedByte(off + 1);
      int len = data.getUnsignedShort(off + 3);
      if (type != RECORD_HANDSHAKE) {
        return Result.malformed("record type " + type + " is not a handshake");
      }
      if (major != 3) {
        return Result.malformed("record version " + major + "." + data.getUnsignedByte(off + 2));
      }
      if (len == 0 || len > MAX_RECORD) {
        return Result.malformed("record length " + len);
      }
      if (data.length() - off - 5 < len) {
        if (hs.length() == 0 && data.length() - off - 5 >= 4) {
          Result early = checkHeader(data.slice(off + 5, data.length()), maxHello);
          if (early != null) {
            return early;
          }
        }
        return Result.NEED_MORE;
      }
      hs.appendBuffer(data, off + 5, len);
      off += 5 + len;
      if (hs.length() >= 4) {
        Result bad = checkHeader(hs, maxHello);
        if (bad != null) {
          return bad;
        }
        int hlen = hs.getUnsignedMedium(1);
        if (hs.length() >= 4 + hlen) {
          return parseHello(hs.slice(4, 4 + hlen));
        }
      }
    }
  }

  private static Result checkHeader(Buffer hs, int maxHello) {
    if (hs.getUnsignedByte(0) != HANDSHAKE_CLIENT_HELLO) {
      return Result.malformed("handshake type " + hs.getUnsignedByte(0) + " is not a ClientHello");
    }
    int hlen = hs.getUnsignedMedium(1);
    if (hlen < 38 || hlen > maxHello) {
      return Result.malformed("ClientHello length " + hlen);
    }
    return null;
  }

  private static Result parseHello(Buffer b) {
    int p = 2 + 32;                                         // legacy_version, random
    int sid = u8(b, p);
    if (sid < 0 || sid > 32) {
      return Result.malformed("session id");
    }
    p += 1 + sid;
    int suites = u16(b, p);
    if (suites < 2 || (suites & 1) != 0 || p + 2 + suites > b.length()) {
      return Result.malformed("cipher suites");
    }
    p += 2 + suites;
    int comp = u8(b, p);
    if (comp < 1 || p + 1 + comp > b.length()) {
      return Result.malformed("compression methods");
    }
    p += 1 + comp;
    if (p == b.length()) {
      return Result.NO_SNI;                                 // no extensions at all
    }
    int extLen = u16(b, p);
    p += 2;
    if (extLen < 0 || p + extLen != b.length()) {
      return Result.malformed("extensions length");
    }
    int end = p + extLen;
    while (p < end) {
      if (end - p < 4) {
        return Result.malformed("extension header");
      }
      int type = b.getUnsignedShort(p);
      int len = b.getUnsignedShort(p + 2);
      p += 4;
      if (p + len > end) {
        return Result.malformed("extension length");
      }
      if (type == EXT_SERVER_NAME) {
        return serverName(b.slice(p, p + len));
      }
      p += len;
    }
    return Result.NO_SNI;
  }

  private static Result serverName(Buffer e) {
    int list = u16(e, 0);
    if (list < 0 || list + 2 != e.length()) {
      return Result.malformed("server_name list length");
    }
    int p = 2;
    while (p < e.length()) {
      if (e.length() - p < 3) {
        return Result.malformed("server_name entry");
      }
      int nameType = e.getUnsignedByte(p);
      int len = e.getUnsignedShort(p + 1);
      p += 3;
      if (p + len > e.length()) {
        return Result.malformed("server_name entry length");
      }
      if (nameType == 0) {
        String name = e.getString(p, p + len, StandardCharsets.US_ASCII.name()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
          name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > 253 || !name.matches("[a-z0-9._-]+")) {
          return Result.malformed("server_name is not a host name");
        }
        return new Result(Status.FOUND, name, null);
      }
      p += len;
    }
    return Result.NO_SNI;
  }

  private static int u8(Buffer b, int p) {
    return p < b.length() ? b.getUnsignedByte(p) : -1;
  }

  private static int u16(Buffer b, int p) {
    return p + 2 <= b.length() ? b.getUnsignedShort(p) : -1;
  }
}
