package burrow.edge.admit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** HTTP basic auth as a tunnel's {@code -auth "user:pass"} asks, compared in constant time. */
public final class BasicAuth {
  private final byte[] expected;

  public BasicAuth(String userPass) {
    this.expected = ("Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8)))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** @return true when the Authorization header carries the configured credentials */
  public boolean check(String authorization) {
    if (authorization == null) {
      return false;
    }
    return MessageDigest.isEqual(expected, authorization.trim().getBytes(StandardCharsets.UTF_8));
  }
}
