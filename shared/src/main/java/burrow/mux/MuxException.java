package burrow.mux;

/** A stream or session ended abnormally; {@link #code()} says why. No stack trace: it is expected. */
public class MuxException extends RuntimeException {
  private final MuxErrorCode code;

  public MuxException(MuxErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public MuxErrorCode code() {
    return code;
  }
}
