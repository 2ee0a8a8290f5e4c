package burrow.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random identifiers and token text, and the SHA-256 form tokens are stored in. */
public final class Secrets {
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String LOWER36 = "0123456789abcdefghijklmnopqrstuvwxyz";
  /** 43 base62 characters carry 256 bits, the strength of 32 random bytes. */
  public static final int SECRET_CHARS = 43;

  private final SecureRandom random = new SecureRandom();

  /** @return {@code n} random base62 characters */
  public String base62(int n) {
    return pick(BASE62, n);
  }

  /** @return {@code n} random lowercase letters and digits (safe in a DNS label) */
  public String lower(int n) {
    return pick(LOWER36, n);
  }

  private String pick(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** @return a random port in {@code [min, max]} */
  public int port(int min, int max) {
    return min + random.nextInt(max - min + 1);
  }

  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256(text));
  }

  /** Constant-time comparison of two texts through their SHA-256 digests. */
  public static boolean sameSecret(String a, String b) {
    return a != null && b != null && MessageDigest.isEqual(sha256(a), sha256(b));
  }
}
