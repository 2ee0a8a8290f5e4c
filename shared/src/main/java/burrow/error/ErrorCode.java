package burrow.error;

/**
 * Every failure a person can see has one of these stable codes. A number is never reused or renumbered.
 * <ul>
 *   <li>{@code BRW-1xx} agent and configuration</li>
 *   <li>{@code BRW-2xx} session and authentication</li>
 *   <li>{@code BRW-3xx} routing and public traffic</li>
 *   <li>{@code BRW-4xx} registry</li>
 * </ul>
 */
public enum ErrorCode {
  // agent / config
  USAGE(100, 2),
  BAD_LOCAL_ADDR(101, 2),
  BAD_PORT(102, 2),
  CONFIG_INVALID(103, 1),
  CONFIG_UNREADABLE(104, 1),
  CONFIG_UNKNOWN_KEY(105, 1),
  CONFIG_WRONG_TYPE(106, 1),
  CONFIG_YAML_SYNTAX(107, 1),
  UNKNOWN_TUNNEL_NAME(108, 1),
  WEB_ADDR_IN_USE(109, 1),
  PROXY_FAILED(110, 1),
  BAD_CERTIFICATE(111, 1),
  EDGE_START_FAILED(112, 1),
  API_BAD_REQUEST(160, 1),
  API_UNSUPPORTED_MEDIA(161, 1),
  API_FORBIDDEN_HOST(162, 1),
  API_NOT_FOUND(163, 1),
  INTERNAL(199, 1),

  // session / auth
  EDGE_UNREACHABLE(200, 502),
  TLS_HANDSHAKE_FAILED(201, 502),
  PROTOCOL_ERROR(202, 400),
  PROTOCOL_VERSION_UNSUPPORTED(203, 400),
  AUTH_FAILED(204, 401),
  AUTH_TOKEN_REVOKED(205, 401),
  AUTH_RATE_LIMITED(206, 429),
  SESSION_CLOSED(207, 503),
  SESSION_TIMEOUT(208, 504),
  UNKNOWN_MESSAGE(209, 400),
  GOING_AWAY(210, 503),
  CLUSTER_AUTH_FAILED(240, 401),

  // routing
  TUNNEL_NOT_FOUND(301, 404),
  LOCAL_UNREACHABLE(302, 502),
  SUBDOMAIN_TAKEN(303, 409),
  ADDRESS_TAKEN(304, 409),
  AUTH_REQUIRED(305, 401),
  IP_NOT_ALLOWED(306, 403),
  REQUEST_TOO_LARGE(307, 413),
  BAD_REQUEST(308, 400),
  STREAM_LIMIT(309, 503),
  BAD_SUBDOMAIN(310, 400),
  HOSTNAME_TAKEN(311, 409),
  RESERVED_ELSEWHERE(312, 409),
  RESERVED_IN_OTHER_REGION(313, 409),
  PORT_RANGE_EXHAUSTED(314, 503),
  BAD_BIND(315, 400),
  SNI_MISSING(316, 400),
  CLIENT_HELLO_MALFORMED(317, 400),
  UPSTREAM_TIMEOUT(318, 504),
  NODE_RELAY_FAILED(340, 502),
  HOLD_LIMIT(341, 503),

  // registry
  REG_VALIDATION(400, 400),
  REG_NOT_FOUND(404, 404),
  REG_METHOD_NOT_ALLOWED(405, 405),
  REG_PORTS_EXHAUSTED(410, 503),
  REG_INTERNAL(499, 500),
  REG_CONFLICT(409, 409),
  REG_UNAUTHORIZED(401, 401),
  REG_FORBIDDEN(403, 403),
  REG_PAYLOAD_TOO_LARGE(413, 413),
  REG_UNSUPPORTED_MEDIA(415, 415),
  REG_RATE_LIMITED(429, 429),
  REG_STORE_FAILED(450, 500);

  private final int number;
  private final int status;

  ErrorCode(int number, int status) {
    this.number = number;
    this.status = status;
  }

  /** @return the stable code, e.g. {@code BRW-301} */
  public String code() {
    return "BRW-" + number;
  }

  public int number() {
    return number;
  }

  /** @return the HTTP status for HTTP surfaces; for agent/config codes, the CLI exit code */
  public int status() {
    return status;
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code().equals(code)) {
        return c;
      }
    }
    return INTERNAL;
  }
}
