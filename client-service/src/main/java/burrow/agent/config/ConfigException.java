package burrow.agent.config;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in the configuration at once. Its code is the first problem's; the CLI exits 1. */
public final class ConfigException extends BurrowException {
  private final List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(problems.get(0).code(), summary(problems));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String summary(List<ConfigProblem> problems) {
    if (problems.size() == 1) {
      return "invalid configuration: " + problems.get(0).describe();
    }
    return problems.size() + " problems in the configuration:" + problems.stream()
        .map(p -> System.lineSeparator() + "  " + p.describe()).collect(Collectors.joining());
  }

  /** Shortcut for a config problem without position. */
  static ConfigException of(ErrorCode code, java.nio.file.Path file, String message) {
    return new ConfigException(List.of(new ConfigProblem(code, "", file, 0, 0, message)));
  }
}
