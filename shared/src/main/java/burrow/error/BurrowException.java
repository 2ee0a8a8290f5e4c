package burrow.error;

/**
 * An expected failure: a stable {@link ErrorCode} and a sentence that says what to do. Carries no
 * stack trace, because it is not a bug.
 */
public class BurrowException extends RuntimeException {
  private final ErrorCode code;

  public BurrowException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** @return {@code BRW-xxx: message}, the form the CLI and logs print */
  public String describe() {
    return code.code() + ": " + getMessage();
  }

  @Override
  public String toString() {
    return describe();
  }

  /** @return {@code err} if it is a BurrowException, else one with {@code fallback} wrapping its message */
  public static BurrowException of(Throwable err, ErrorCode fallback) {
    if (err instanceof BurrowException be) {
      return be;
    }
    String msg = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return new BurrowException(fallback, msg);
  }
}
