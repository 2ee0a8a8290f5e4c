package burrow.mux;

/**
 * Error codes carried by GO_AWAY (in the length field, as yamux defines 0-2) and, as a burrow extension,
 * by RST (in the length field of the WINDOW_UPDATE frame that carries the RST flag). Numbers are never reused.
 */
public enum MuxErrorCode {
  /** Normal termination. */
  NORMAL(0),
  /** The peer sent a frame that breaks the protocol. */
  PROTOCOL_ERROR(1),
  /** An internal error. */
  INTERNAL_ERROR(2),
  /** The stream was cancelled by its user (e.g. the public client went away). */
  CANCEL(3),
  /** The stream was refused: too many streams, or the session is going away. */
  REFUSED(4),
  /** The peer sent more than the advertised window. */
  FLOW_CONTROL(5),
  /** The session closed under the stream. */
  SESSION_CLOSED(6),
  /** The agent could not reach the local service. */
  LOCAL_UNREACHABLE(7),
  /** The stream header was malformed or named an unknown tunnel. */
  BAD_HEADER(8),
  /** The node is draining: reconnect elsewhere. */
  GOING_AWAY(9);

  private final int value;

  MuxErrorCode(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static MuxErrorCode of(long value) {
    for (MuxErrorCode c : values()) {
      if (c.value == value) {
        return c;
      }
    }
    return INTERNAL_ERROR;
  }
}
