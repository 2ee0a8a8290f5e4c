package burrow.registry.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A TCP address {@code host:port} allocated from a region's port range and owned by one account. */
public record ReservedAddress(String id, String accountId, String region, String host, int port, Instant createdAt) {

  /** @return {@code host:port}, the key and what {@code --remote-addr} takes */
  public String addr() {
    return host + ":" + port;
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("account_id", accountId).put("region", region).put("addr", addr())
        .put("host", host).put("port", port).put("created_at", createdAt.toString());
  }

  public static ReservedAddress fromJson(JsonObject json) {
    return new ReservedAddress(json.getString("id"), json.getString("account_id"), json.getString("region"),
        json.getString("host"), json.getInteger("port"), Instant.parse(json.getString("created_at")));
  }
}
