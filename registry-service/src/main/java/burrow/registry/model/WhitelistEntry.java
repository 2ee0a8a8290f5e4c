package burrow.registry.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One allowed source block of an account's IP whitelist, in canonical CIDR form. */
public record WhitelistEntry(String id, String accountId, String ipNet, String description, Instant createdAt) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("account_id", accountId).put("ip_net", ipNet)
        .put("description", description).put("created_at", createdAt.toString());
  }

  public static WhitelistEntry fromJson(JsonObject json) {
    return new WhitelistEntry(json.getString("id"), json.getString("account_id"), json.getString("ip_net"),
        json.getString("description", ""), Instant.parse(json.getString("created_at")));
  }
}
