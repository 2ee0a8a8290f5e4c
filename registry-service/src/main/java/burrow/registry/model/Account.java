package burrow.registry.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A tenant: owns authtokens, reservations and one IP whitelist. */
public record Account(String id, String name, Instant createdAt) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("created_at", createdAt.toString());
  }

  public static Account fromJson(JsonObject json) {
    return new Account(json.getString("id"), json.getString("name"), Instant.parse(json.getString("created_at")));
  }
}
