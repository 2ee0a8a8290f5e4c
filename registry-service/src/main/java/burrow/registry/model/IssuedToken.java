package burrow.registry.model;

import io.vertx.core.json.JsonObject;

/** A token just created: the only moment its text is known. Never log {@link #token()}. */
public record IssuedToken(AuthToken record, String token) {

  public JsonObject toJson() {
    return record.toPublicJson().put("token", token);
  }

  @Override
  public String toString() {
    return "IssuedToken[id=" + record.id() + ", token=HIDDEN]";
  }
}
