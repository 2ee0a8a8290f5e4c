package burrow.agent.log;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where and how the agent logs: {@code log} (target), {@code log_level}, {@code log_format}, and the secrets that must
 * never be printed. SLF4J finds its provider through a static lookup, so this one piece of state is static too
 * (STYLE 8's exception): {@link #configure} is called once by the CLI before the agent starts.
 */
public final class LogSettings {
  /** Levels in increasing verbosity, as ngrok's {@code log_level}. */
  public enum Level { CRIT, ERROR, WARN, INFO, DEBUG }

  private static volatile PrintStream target;           // null: logging off (ngrok's default, log: false)
  private static volatile Level level = Level.INFO;
  private static volatile String format = "logfmt";
  private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

  private LogSettings() {
  }

  /**
   * @param log    {@code stdout}, {@code stderr}, {@code false} or a file path (appended to)
   * @param lvl    crit, error, warn, info or debug
   * @param fmt    logfmt, json or term (colored when writing to a terminal, else logfmt)
   */
  public static void configure(String log, String lvl, String fmt) throws java.io.IOException {
    level = Level.valueOf(lvl.toUpperCase(Locale.ROOT));
    String f = fmt == null ? "term" : fmt;
    PrintStream t = switch (log == null ? "false" : log) {
      case "false" -> null;
      case "stdout" -> System.out;
      case "stderr" -> System.err;
      default -> new PrintStream(new java.io.FileOutputStream(log, true), true, java.nio.charset.StandardCharsets.UTF_8);
    };
    if (f.equals("term")) {
      f = (t == System.out || t == System.err) && System.console() != null ? "term" : "logfmt";
    }
    format = f;
    target = t;
  }

  /** Turns logging off (tests, and the default). */
  public static void off() {
    target = null;
  }

  /** Every later log line prints {@code secret} as {@code HIDDEN}. */
  public static void addSecret(String secret) {
    if (secret != null && secret.length() >= 3 && !SECRETS.contains(secret)) {
      SECRETS.add(secret);
    }
  }

  static PrintStream target() {
    return target;
  }

  static String format() {
    return format;
  }

  static Level level() {
    return level;
  }

  static List<String> secrets() {
    return SECRETS;
  }

  /** Points logging at {@code out} (tests). */
  public static void to(PrintStream out, Level lvl, String fmt) {
    level = lvl;
    format = fmt;
    target = out;
  }
}
