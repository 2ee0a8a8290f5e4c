package burrow.agent.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the console screen as plain lines (the UI adds color); kept apart from the terminal so tests can read it. */
public final class ConsoleScreen {
  private ConsoleScreen() {
  }

  public static List<String> render(AgentStatus s, int width, int height) {
    List<String> l = new ArrayList<>();
    l.add("burrow" + pad("", Math.max(1, width - 6 - 20)) + "(Ctrl+C to quit)");
    l.add("");
    l.add(row("Session Status", s.status()));
    l.add(row("Account", s.account() == null ? "-" : s.account()));
    l.add(row("Version", s.version()));
    l.add(row("Region", s.region()));
    l.add(row("Web Interface", s.webUrl() == null ? "-" : s.webUrl()));
    for (Map.Entry<String, String> f : s.forwarding().entrySet()) {
      l.add(row("Forwarding", f.getKey() + " -> " + f.getValue()));
    }
    l.add("");
    double[] c = s.connectionFigures();
    l.add(row("Connections", String.format(Locale.ROOT, "%-8s%-8s%-8s%-8s%-8s%-8s", "ttl", "opn", "rt1", "rt5", "p50", "p90")));
    l.add(row("", String.format(Locale.ROOT, "%-8d%-8d%-8.2f%-8.2f%-8.2f%-8.2f", (long) c[0], (long) c[1], c[2], c[3], c[4], c[5])));
    List<AgentStatus.Request> reqs = s.requests();
    if (!reqs.isEmpty()) {
      l.add("");
      l.add("HTTP Requests");
      l.add("-------------");
      l.add("");
      for (AgentStatus.Request r : reqs) {
        if (l.size() >= height) {
          break;
        }
        String path = r.uri().length() > width - 40 ? r.uri().substring(0, Math.max(0, width - 43)) + "..." : r.uri();
        l.add(String.format(Locale.ROOT, "%-7s %-30s %s", r.method(), path, status(r.status())));
      }
    }
    List<String> out = new ArrayList<>();
    for (String line : l.subList(0, Math.min(l.size(), height))) {
      out.add(line.length() > width ? line.substring(0, width) : line);
    }
    return out;
  }

  private static String row(String label, String value) {
    return pad(label, 30) + value;
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }

  static String status(int code) {
    String text = switch (code) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 101 -> "Switching Protocols";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "";
    };
    return code == 0 ? "(no response)" : (code + " " + text).trim();
  }
}
