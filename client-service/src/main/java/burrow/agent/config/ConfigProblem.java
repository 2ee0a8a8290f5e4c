package burrow.agent.config;

import burrow.error.ErrorCode;
import java.nio.file.Path;

/**
 * One thing wrong with the configuration, located: the key path ({@code tunnels.web.addr}), the file, and the 1-based
 * line and column (0 when the problem has no position, e.g. a file that cannot be read).
 */
public record ConfigProblem(ErrorCode code, String path, Path file, int line, int column, String message) {

  /** @return e.g. {@code BRW-105: /home/me/.burrow/burrow.yml:3:5: tunnels.web.adr: unknown key; did you mean "addr"?} */
  public String describe() {
    StringBuilder b = new StringBuilder(code.code()).append(": ");
    if (file != null) {
      b.append(file);
      if (line > 0) {
        b.append(':').append(line).append(':').append(column);
      }
      b.append(": ");
    }
    if (path != null && !path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }
}
