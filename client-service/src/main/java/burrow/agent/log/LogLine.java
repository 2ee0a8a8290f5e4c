package burrow.agent.log;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Formats one log record with stable keys, first {@code t}, {@code lvl}, {@code msg}, {@code obj}, then the event's
 * key-values: as logfmt ({@code t=... lvl=info msg="started tunnel" obj=tunnels name=web ...}), JSON Lines, or the
 * colored terminal form. Values of keys that name secrets, and every registered secret, print as {@code HIDDEN}.
 */
public final class LogLine {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  private static final Set<String> SECRET_KEYS = Set.of("authtoken", "token", "password", "auth", "pass");

  private LogLine() {
  }

  public static String format(String format, OffsetDateTime t, String lvl, String msg, String obj,
                              List<Map.Entry<String, Object>> kvs, List<String> secrets) {
    String line = switch (format) {
      case "json" -> json(t, lvl, msg, obj, kvs);
      case "term" -> term(t, lvl, msg, obj, kvs);
      default -> logfmt(t, lvl, msg, obj, kvs);
    };
    for (String s : secrets) {
      line = line.replace(s, "HIDDEN");
    }
    return line;
  }

  private static Object value(String key, Object v) {
    return SECRET_KEYS.contains(key.toLowerCase(Locale.ROOT)) && v != null ? "HIDDEN" : v;
  }

  static String logfmt(OffsetDateTime t, String lvl, String msg, String obj, List<Map.Entry<String, Object>> kvs) {
    StringBuilder b = new StringBuilder();
    b.append("t=").append(TIME.format(t)).append(" lvl=").append(lvl).append(" msg=").append(quote(msg));
    if (obj != null) {
      b.append(" obj=").append(quote(obj));
    }
    for (Map.Entry<String, Object> kv : kvs) {
      b.append(' ').append(kv.getKey()).append('=').append(quote(String.valueOf(value(kv.getKey(), kv.getValue()))));
    }
    return b.toString();
  }

  static String json(OffsetDateTime t, String lvl, String msg, String obj, List<Map.Entry<String, Object>> kvs) {
    JsonObject j = new JsonObject().put("t", TIME.format(t)).put("lvl", lvl).put("msg", msg);
    if (obj != null) {
      j.put("obj", obj);
    }
    for (Map.Entry<String, Object> kv : kvs) {
      Object v = value(kv.getKey(), kv.getValue());
      j.put(kv.getKey(), v instanceof Number || v instanceof Boolean || v == null ? v : String.valueOf(v));
    }
    return j.encode();
  }

  static String term(OffsetDateTime t, String lvl, String msg, String obj, List<Map.Entry<String, Object>> kvs) {
    String color = switch (lvl) {
      case "crit", "eror" -> "\u001b[31m";
      case "warn" -> "\u001b[33m";
      case "dbug" -> "\u001b[36m";
      default -> "\u001b[32m";
    };
    StringBuilder b = new StringBuilder();
    b.append(DateTimeFormatter.ofPattern("HH:mm:ss").format(t)).append(' ').append(color)
        .append(lvl.toUpperCase(Locale.ROOT)).append("\u001b[0m ").append(String.format("%-40s", msg));
    if (obj != null) {
      b.append(" \u001b[2mobj=\u001b[0m").append(quote(obj));
    }
    for (Map.Entry<String, Object> kv : kvs) {
      b.append(" \u001b[2m").append(kv.getKey()).append("=\u001b[0m")
          .append(quote(String.valueOf(value(kv.getKey(), kv.getValue()))));
    }
    return b.toString();
  }

  /** logfmt quoting: bare when safe, else double-quoted with escapes. */
  static String quote(String v) {
    if (v == null) {
      return "null";
    }
    if (!v.isEmpty() && v.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f)) {
      return v;
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
