package burrow.proto;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages on the control stream (stream 1, opened by the agent). Each is one head (see {@link Heads}) with a
 * {@code type} field. Field names are part of the wire contract in docs/PROTOCOL.md: never renamed or reused.
 */
public sealed interface ControlMessage {
  /** The protocol versions this build speaks, newest first. */
  List<Integer> SUPPORTED_VERSIONS = List.of(1);

  JsonObject toJson();

  /** Agent to edge, first message: who we are and which protocol versions we speak. */
  record Auth(List<Integer> versions, String token, String clientId, String agentVersion, String os,
              JsonObject metadata) implements ControlMessage {
    public JsonObject toJson() {
      return new JsonObject().put("type", "auth").put("versions", new JsonArray(new ArrayList<>(versions)))
          .put("token", token).put("client_id", clientId).put("agent_version", agentVersion).put("os", os)
          .put("metadata", metadata);
    }

    @Override
    public String toString() {
      return "Auth[versions=" + versions + ", token=HIDDEN, clientId=" + clientId + "]";
    }
  }

  /**
   * Edge to agent: the chosen version and the session, or an error.
   *
   * @param metadata the session metadata the agent sent in {@code auth}, as the edge recorded it
   */
  record AuthResult(int version, String sessionId, String clientId, String account, ErrorReply error,
                    JsonObject metadata) implements ControlMessage {
    public AuthResult(int version, String sessionId, String clientId, String account, ErrorReply error) {
      this(version, sessionId, clientId, account, error, null);
    }

    public JsonObject toJson() {
      return new JsonObject().put("type", "auth_result").put("version", version).put("session_id", sessionId)
          .put("client_id", clientId).put("account", account).put("error", error == null ? null : error.toJson())
          .put("metadata", metadata);
    }
  }

  /** Agent to edge: expose a tunnel. */
  record Bind(String reqId, TunnelSpec tunnel) implements ControlMessage {
    public JsonObject toJson() {
      return new JsonObject().put("type", "bind").put("req_id", reqId).put("tunnel", tunnel.toJson());
    }
  }

  /** Edge to agent: the public URLs of a bound tunnel, or an error. */
  record BindResult(String reqId, String tunnelId, List<String> urls, ErrorReply error) implements ControlMessage {
    public JsonObject toJson() {
      return new JsonObject().put("type", "bind_result").put("req_id", reqId).put("tunnel_id", tunnelId)
          .put("urls", urls == null ? null : new JsonArray(new ArrayList<>(urls)))
          .put("error", error == null ? null : error.toJson());
    }
  }

  /** Agent to edge: stop a tunnel. The edge answers with an {@link UnbindResult}. */
  record Unbind(String reqId, String tunnelId) implements ControlMessage {
    public JsonObject toJson() {
      return new JsonObject().put("type", "unbind").put("req_id", reqId).put("tunnel_id", tunnelId);
    }
  }

  record UnbindResult(String reqId, String tunnelId, ErrorReply error) implements ControlMessage {
    public JsonObject toJson() {
      return new JsonObject().put("type", "unbind_result").put("req_id", reqId).put("tunnel_id", tunnelId)
          .put("error", error == null ? null : error.toJson());
    }
  }

  /** Either side: a failure with a stable code. Also the {@code error} field of results. */
  record ErrorReply(String code, String message) implements ControlMessage {
    public static ErrorReply of(Throwable err) {
      BurrowException be = BurrowException.of(err, ErrorCode.INTERNAL);
      return new ErrorReply(be.code().code(), be.getMessage());
    }

    public BurrowException toException() {
      return new BurrowException(ErrorCode.fromCode(code), message);
    }

    public JsonObject toJson() {
      return new JsonObject().put("type", "error").put("code", code).put("msg", message);
    }

    static ErrorReply fromJson(JsonObject j) {
      return j == null ? null : new ErrorReply(j.getString("code"), j.getString("msg"));
    }
  }

  /** Parses a control head; an unknown type is a {@link BurrowException} with {@link ErrorCode#UNKNOWN_MESSAGE}. */
  static ControlMessage fromJson(JsonObject j) {
    String type = j.getString("type", "");
    try {
      return switch (type) {
        case "auth" -> new Auth(ints(j.getJsonArray("versions")), j.getString("token"), j.getString("client_id"),
            j.getString("agent_version"), j.getString("os"), j.getJsonObject("metadata"));
        case "auth_result" -> new AuthResult(j.getInteger("version", 0), j.getString("session_id"),
            j.getString("client_id"), j.getString("account"), ErrorReply.fromJson(j.getJsonObject("error")),
            j.getJsonObject("metadata"));
        case "bind" -> new Bind(j.getString("req_id"), TunnelSpec.fromJson(j.getJsonObject("tunnel")));
        case "bind_result" -> new BindResult(j.getString("req_id"), j.getString("tunnel_id"),
            strings(j.getJsonArray("urls")), ErrorReply.fromJson(j.getJsonObject("error")));
        case "unbind" -> new Unbind(j.getString("req_id"), j.getString("tunnel_id"));
        case "unbind_result" -> new UnbindResult(j.getString("req_id"), j.getString("tunnel_id"),
            ErrorReply.fromJson(j.getJsonObject("error")));
        case "error" -> ErrorReply.fromJson(j);
        default -> throw new BurrowException(ErrorCode.UNKNOWN_MESSAGE, "unknown control message type \"" + type + "\"");
      };
    } catch (ClassCastException | NullPointerException e) {
      throw new BurrowException(ErrorCode.PROTOCOL_ERROR, "malformed " + type + " message");
    }
  }

  private static List<Integer> ints(JsonArray a) {
    List<Integer> out = new ArrayList<>();
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        out.add(a.getInteger(i));
      }
    }
    return out;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        out.add(a.getString(i));
      }
    }
    return out;
  }
}
