package burrow.registry.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A hostname (or a wildcard {@code *.example.com}) bound to one account and one region.
 *
 * @param cnameTarget for a custom domain, the name the owner must point a DNS CNAME record at; null for a
 *                    subdomain of the edge domain
 */
public record ReservedDomain(String id, String accountId, String hostname, String region, String cnameTarget,
                             Instant createdAt) {

  public boolean wildcard() {
    return hostname.startsWith("*.");
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("account_id", accountId).put("hostname", hostname)
        .put("region", region).put("created_at", createdAt.toString());
    if (cnameTarget != null) {
      json.put("cname_target", cnameTarget);
    }
    return json;
  }

  public static ReservedDomain fromJson(JsonObject json) {
    return new ReservedDomain(json.getString("id"), json.getString("account_id"), json.getString("hostname"),
        json.getString("region"), json.getString("cname_target"), Instant.parse(json.getString("created_at")));
  }
}
