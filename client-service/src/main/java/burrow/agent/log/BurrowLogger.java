package burrow.agent.log;

import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * One named logger writing {@link LogLine}s to the configured target. Implements {@link LoggingEventAware} so the
 * fluent API's key-values ({@code atInfo().addKeyValue(..)}) arrive as keys, not pasted into the message.
 * burrow's own loggers follow {@code log_level}; libraries (Netty, Hazelcast, Vert.x) log only warnings and worse
 * unless the level is debug.
 */
final class BurrowLogger extends LegacyAbstractLogger implements LoggingEventAware {
  private final String obj;
  private final boolean ours;

  BurrowLogger(String name) {
    this.name = name;
    this.ours = name.startsWith("burrow.");
    String simple = name.substring(name.lastIndexOf('.') + 1);
    this.obj = simple.isEmpty() ? name : Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
  }

  private boolean enabled(Level level) {
    if (LogSettings.target() == null) {
      return false;
    }
    LogSettings.Level max = LogSettings.level();
    if (!ours && max != LogSettings.Level.DEBUG && max.ordinal() > LogSettings.Level.WARN.ordinal()) {
      max = LogSettings.Level.WARN;
    }
    int want = switch (level) {
      case ERROR -> LogSettings.Level.ERROR.ordinal();
      case WARN -> LogSettings.Level.WARN.ordinal();
      case INFO -> LogSettings.Level.INFO.ordinal();
      default -> LogSettings.Level.DEBUG.ordinal();
    };
    return want <= max.ordinal();
  }

  @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
  @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
  @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
  @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
  @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args, Throwable t) {
    write(level, MessageFormatter.basicArrayFormat(msg, args), List.of(), t);
  }

  @Override
  public void log(LoggingEvent event) {
    if (!enabled(event.getLevel())) {
      return;
    }
    Object[] args = event.getArgumentArray();
    String msg = args == null ? event.getMessage() : MessageFormatter.basicArrayFormat(event.getMessage(), args);
    List<Map.Entry<String, Object>> kvs = new ArrayList<>();
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        kvs.add(new java.util.AbstractMap.SimpleImmutableEntry<>(kv.key, kv.value));
      }
    }
    write(event.getLevel(), msg, kvs, event.getThrowable());
  }

  private void write(Level level, String msg, List<Map.Entry<String, Object>> kvs, Throwable t) {
    PrintStream out = LogSettings.target();
    if (out == null) {
      return;
    }
    String obj = this.obj;
    List<Map.Entry<String, Object>> rest = new ArrayList<>();
    for (Map.Entry<String, Object> kv : kvs) {
      if (kv.getKey().equals("obj")) {
        obj = String.valueOf(kv.getValue());
      } else {
        rest.add(kv);
      }
    }
    if (t != null) {
      rest.add(new java.util.AbstractMap.SimpleImmutableEntry<>("err", String.valueOf(t)));
    }
    String lvl = switch (level) {
      case ERROR -> "eror";
      case WARN -> "warn";
      case INFO -> "info";
      default -> "dbug";
    };
    String line = LogLine.format(LogSettings.format(), OffsetDateTime.now(), lvl, msg, obj, rest, LogSettings.secrets());
    synchronized (out) {
      out.println(line);
      out.flush();
    }
    if (t != null && !(t instanceof burrow.error.BurrowException) && LogSettings.level() == LogSettings.Level.DEBUG) {
      t.printStackTrace(out); // a bug, at debug only: expected failures carry codes, not traces
    }
  }
}
