package burrow.agent.cli;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.util.Locale;

/**
 * Points slf4j-simple at the {@code -log} target and level before the first logger exists. (The full logfmt/JSON
 * logger is the config issue's; this keeps the CLI quiet by default, as ngrok is.)
 */
final class LogSetup {
  private LogSetup() {
  }

  static void configure(AgentFlags flags) {
    String target = flags.log == null ? "false" : flags.log;
    String level = flags.logLevel == null ? "info" : flags.logLevel.toLowerCase(Locale.ROOT);
    String simpleLevel = switch (level) {
      case "debug", "info", "warn", "error" -> level;
      case "crit" -> "error";
      default -> throw new BurrowException(ErrorCode.USAGE, "unknown -log-level \"" + flags.logLevel
          + "\": use debug, info, warn, error or crit");
    };
    if (flags.logFormat != null && !flags.logFormat.matches("logfmt|json|term")) {
      throw new BurrowException(ErrorCode.USAGE, "unknown -log-format \"" + flags.logFormat + "\": use logfmt, json or term");
    }
    switch (target) {
      case "false" -> simpleLevel = "off";
      case "stdout" -> System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
      case "stderr" -> System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
      default -> System.setProperty("org.slf4j.simpleLogger.logFile", target);
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", simpleLevel);
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  }
}
