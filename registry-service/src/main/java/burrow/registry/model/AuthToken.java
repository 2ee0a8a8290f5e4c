package burrow.registry.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An authtoken as stored: only the SHA-256 hash of the token is kept, never the token. The token itself is
 * {@code <id>_<secret>}, so a lookup by id never depends on the secret and the hash can be compared in
 * constant time.
 *
 * @param hash lowercase hex SHA-256 of the whole token text
 * @param revokedAt null while the token is valid
 */
public record AuthToken(String id, String accountId, String hash, String description, Instant createdAt,
                        Instant revokedAt) {

  public boolean revoked() {
    return revokedAt != null;
  }

  public AuthToken revoke(Instant at) {
    return revoked() ? this : new AuthToken(id, accountId, hash, description, createdAt, at);
  }

  /** @return the stored form, including the hash */
  public JsonObject toJson() {
    return toPublicJson().put("hash", hash);
  }

  /** @return what the API shows: never the hash */
  public JsonObject toPublicJson() {
    JsonObject json = new JsonObject().put("id", id).put("account_id", accountId).put("description", description)
        .put("created_at", createdAt.toString()).put("revoked", revoked());
    if (revokedAt != null) {
      json.put("revoked_at", revokedAt.toString());
    }
    return json;
  }

  public static AuthToken fromJson(JsonObject json) {
    String revokedAt = json.getString("revoked_at");
    return new AuthToken(json.getString("id"), json.getString("account_id"), json.getString("hash"),
        json.getString("description", ""), Instant.parse(json.getString("created_at")),
        revokedAt == null ? null : Instant.parse(revokedAt));
  }
}
