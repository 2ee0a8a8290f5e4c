package burrow.registry;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;

/** A registry failure about one input field, so the REST API can name it in {@code details.field}. */
public class RegistryException extends BurrowException {
  private final String field;

  public RegistryException(ErrorCode code, String field, String message) {
    super(code, message);
    this.field = field;
  }

  /** @return the request field at fault, or null */
  public String field() {
    return field;
  }

  public static RegistryException invalid(String field, String message) {
    return new RegistryException(ErrorCode.REG_VALIDATION, field, message);
  }

  public static RegistryException notFound(String field, String message) {
    return new RegistryException(ErrorCode.REG_NOT_FOUND, field, message);
  }

  public static RegistryException conflict(String field, String message) {
    return new RegistryException(ErrorCode.REG_CONFLICT, field, message);
  }
}
