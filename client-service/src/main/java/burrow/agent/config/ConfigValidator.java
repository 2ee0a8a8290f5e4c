package burrow.agent.config;

import burrow.agent.config.ConfigLoader.Entry;
import burrow.agent.config.ConfigLoader.Merged;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns merged config files into an {@link AgentConfig}, reporting EVERY problem at once, each with its key path,
 * file, line, column and code: BRW-103 (a bad value), BRW-104 (unreadable file), BRW-105 (unknown key, with the
 * closest known key suggested), BRW-106 (wrong type), BRW-107 (malformed YAML).
 */
public final class ConfigValidator {
  /** The top-level keys, in the manual's order, plus {@code server_addr} and {@code regions} (region -> edge addresses). */
  public static final List<String> TOP_KEYS = List.of("authtoken", "region", "console_ui", "console_ui_color",
      "http_proxy", "socks5_proxy", "inspect_db_size", "log_level", "log_format", "log", "metadata", "root_cas",
      "web_addr", "tunnels", "server_addr", "regions", "update", "update_channel", "compress_conn");
  /** Accepted for compatibility with ngrok 2 files, and reported as not applicable. */
  public static final Set<String> NOT_APPLICABLE = Set.of("update", "update_channel", "compress_conn");
  /** The keys of a tunnel definition: the manual's, plus {@code metadata} and {@code proxy_proto}. */
  public static final List<String> TUNNEL_KEYS = List.of("proto", "addr", "inspect", "auth", "host_header",
      "bind_tls", "subdomain", "hostname", "crt", "key", "client_cas", "remote_addr", "metadata", "proxy_proto");
  /** Longest {@code metadata}, in characters: 4096, as ngrok. */
  public static final int MAX_METADATA = 4096;

  private final List<ConfigProblem> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private ConfigValidator() {
  }

  /** Loads and validates in one go: the given files, or the default file if it exists. */
  public static AgentConfig load(List<String> explicitFiles) {
    return validate(ConfigLoader.load(explicitFiles));
  }

  /** @throws ConfigException listing every problem */
  public static AgentConfig validate(Merged merged) {
    ConfigValidator v = new ConfigValidator();
    v.problems.addAll(merged.problems());
    AgentConfig c = v.check(merged);
    if (!v.problems.isEmpty()) {
      throw new ConfigException(v.problems);
    }
    return c;
  }

  private AgentConfig check(Merged m) {
    AgentConfig.Builder b = new AgentConfig.Builder().files(m.files());
    for (Entry e : m.top().values()) {
      String k = e.key();
      if (!TOP_KEYS.contains(k)) {
        unknown(k, e, TOP_KEYS);
        continue;
      }
      if (NOT_APPLICABLE.contains(k)) {
        scalar(k, e);
        notes.add(k + " (" + e.file() + ":" + e.keyLine() + ") is accepted but not applicable: "
            + (k.equals("compress_conn") ? "burrow does not compress the edge connection" : "burrow does not update itself"));
        continue;
      }
      switch (k) {
        case "authtoken" -> b.authtoken(scalar(k, e));
        case "region" -> b.region(nonEmpty(k, e));
        case "console_ui" -> {
          String v = oneOf(k, e, "true", "false", "iftty");
          if (v != null) {
            b.consoleUi(AgentConfig.ConsoleUi.valueOf(v.toUpperCase(Locale.ROOT)));
          }
        }
        case "console_ui_color" -> b.consoleUiColor(oneOf(k, e, "transparent", "black"));
        case "http_proxy" -> b.httpProxy(proxy(k, e, "http"));
        case "socks5_proxy" -> b.socks5Proxy(proxy(k, e, "socks5", "socks5h"));
        case "inspect_db_size" -> {
          Long v = integer(k, e);
          if (v != null && v < -1) {
            bad(k, e, "must be a size in bytes, 0 for the default (50 MB), or -1 to disable inspection");
          } else if (v != null) {
            b.inspectDbSize(v == 0 ? AgentConfig.DEFAULT_INSPECT_DB_SIZE : v);
          }
        }
        case "log_level" -> b.logLevel(oneOf(k, e, "crit", "error", "warn", "info", "debug"));
        case "log_format" -> b.logFormat(oneOf(k, e, "logfmt", "json", "term"));
        case "log" -> b.log(nonEmpty(k, e));
        case "metadata" -> b.metadata(metadata(k, e));
        case "root_cas" -> b.rootCas(nonEmpty(k, e));
        case "web_addr" -> {
          String v = scalar(k, e);
          if (v != null && !v.equals("false")) {
            hostPort(k, e, v);
          }
          if (v != null) {
            b.webAddr(v);
          }
        }
        case "server_addr" -> {
          String v = scalar(k, e);
          if (v != null) {
            hostPort(k, e, v);
          }
          b.serverAddr(v);
        }
        case "regions" -> {
          if (e.value() instanceof MappingNode mn) {
            java.util.Map<String, List<String>> regions = new java.util.LinkedHashMap<>();
            for (NodeTuple t : mn.getValue()) {
              String name = t.getKeyNode() instanceof ScalarNode kn ? kn.getValue() : String.valueOf(t.getKeyNode());
              List<String> addrs = new ArrayList<>();
              Node v = t.getValueNode();
              if (v instanceof ScalarNode sn) {
                for (String a : sn.getValue().split(",")) {
                  if (!a.isBlank()) {
                    addrs.add(a.trim());
                  }
                }
              } else if (v instanceof org.yaml.snakeyaml.nodes.SequenceNode seq) {
                for (Node n : seq.getValue()) {
                  if (n instanceof ScalarNode item) {
                    addrs.add(item.getValue().trim());
                  }
                }
              } else {
                wrongType(k + "." + name, e.file(), v, "an edge address host:port, or a list of them");
              }
              regions.put(name, addrs);
            }
            b.regions(regions);
          } else if (!isNull(e.value())) {
            wrongType(k, e.file(), e.value(), "a map of region names to edge addresses");
          }
        }
        case "tunnels" -> {
          if (!(e.value() instanceof MappingNode) && !isNull(e.value())) {
            wrongType(k, e.file(), e.value(), "a map of tunnel names to definitions");
          }
        }
        default -> throw new IllegalStateException(k);
      }
    }
    for (Entry t : m.tunnels().values()) {
      tunnel(t, b);
    }
    return b.notes(notes).build();
  }

  private void tunnel(Entry t, AgentConfig.Builder b) {
    String base = "tunnels." + t.key();
    if (!(t.value() instanceof MappingNode map)) {
      wrongType(base, t.file(), t.value(), "a map of tunnel keys (proto, addr, ...)");
      return;
    }
    String proto = null, addr = null, subdomain = null, hostname = null, auth = null, hostHeader = null;
    String bindTls = "both", remoteAddr = null, crt = null, key = null, clientCas = null, metadata = null;
    boolean inspect = true;
    Integer proxyProto = null;
    Entry protoEntry = null;
    Entry addrEntry = null;
    List<String> seen = new ArrayList<>();
    for (NodeTuple nt : map.getValue()) {
      String k = nt.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(nt.getKeyNode());
      Entry e = new Entry(k, nt.getKeyNode(), nt.getValueNode(), t.file());
      String path = base + "." + k;
      if (!TUNNEL_KEYS.contains(k)) {
        unknown(path, e, TUNNEL_KEYS);
        continue;
      }
      seen.add(k);
      switch (k) {
        case "proto" -> {
          proto = oneOf(path, e, "http", "tcp", "tls");
          protoEntry = e;
        }
        case "addr" -> {
          addr = scalar(path, e);
          addrEntry = e;
        }
        case "inspect" -> {
          Boolean v = bool(path, e);
          inspect = v == null || v;
        }
        case "auth" -> {
          auth = scalar(path, e);
          if (auth != null && !auth.contains(":")) {
            bad(path, e, "must be \"user:password\"");
          }
        }
        case "host_header" -> hostHeader = scalar(path, e);
        case "bind_tls" -> {
          String v = oneOf(path, e, "true", "false", "both");
          bindTls = v == null ? "both" : v;
        }
        case "subdomain" -> subdomain = nonEmpty(path, e);
        case "hostname" -> hostname = nonEmpty(path, e);
        case "crt" -> crt = nonEmpty(path, e);
        case "key" -> key = nonEmpty(path, e);
        case "client_cas" -> clientCas = nonEmpty(path, e);
        case "remote_addr" -> remoteAddr = nonEmpty(path, e);
        case "metadata" -> metadata = metadata(path, e);
        case "proxy_proto" -> {
          Long v = integer(path, e);
          if (v != null && v != 1 && v != 2) {
            bad(path, e, "must be 1 or 2 (PROXY protocol version)");
          } else if (v != null) {
            proxyProto = v.intValue();
          }
        }
        default -> throw new IllegalStateException(k);
      }
    }
    if (protoEntry == null) {
      missing(base, t, "proto", "http, tcp or tls");
    }
    if (addrEntry == null) {
      missing(base, t, "addr", "a local port, host:port or URL");
    } else if (addr != null) {
      try {
        LocalAddr.parse(addr);
      } catch (BurrowException ex) {
        problems.add(ConfigLoader.problem(ErrorCode.CONFIG_INVALID, base + ".addr", t.file(), addrEntry.value(), ex.getMessage()));
      }
    }
    if (proto != null) {
      Set<String> httpOnly = Set.of("inspect", "auth", "host_header", "bind_tls");
      Set<String> namedOnly = Set.of("subdomain", "hostname");
      for (String k : seen) {
        boolean wrong = (httpOnly.contains(k) && !proto.equals("http"))
            || (namedOnly.contains(k) && proto.equals("tcp"))
            || (k.equals("remote_addr") && !proto.equals("tcp"))
            || (Set.of("crt", "key", "client_cas").contains(k) && !proto.equals("tls"));
        if (wrong) {
          problems.add(ConfigLoader.problem(ErrorCode.CONFIG_INVALID, base + "." + k, t.file(), keyNode(map, k),
              "does not apply to a " + proto + " tunnel"));
        }
      }
    }
    if (subdomain != null && hostname != null) {
      problems.add(ConfigLoader.problem(ErrorCode.CONFIG_INVALID, base, t.file(), t.keyNode(),
          "give subdomain or hostname, not both"));
    }
    if (proto != null && addr != null) {
      b.tunnel(new TunnelDefinition(t.key(), proto, addr, subdomain, hostname, auth, hostHeader, bindTls, inspect,
          remoteAddr, crt, key, clientCas, proxyProto), metadata);
    }
  }

  private static Node keyNode(MappingNode map, String key) {
    for (NodeTuple nt : map.getValue()) {
      if (nt.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
        return s;
      }
    }
    return map;
  }

  // --- value readers: each returns null (and records a problem) when the value is unusable ---

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  private String scalar(String path, Entry e) {
    if (!(e.value() instanceof ScalarNode s)) {
      wrongType(path, e.file(), e.value(), "a single value");
      return null;
    }
    if (s.getTag().equals(Tag.NULL)) {
      return null;
    }
    return s.getValue();
  }

  private String nonEmpty(String path, Entry e) {
    String v = scalar(path, e);
    return v == null || v.isEmpty() ? null : v;
  }

  private String oneOf(String path, Entry e, String... allowed) {
    String v = scalar(path, e);
    if (v == null) {
      return null;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(lower)) {
        return a;
      }
    }
    problems.add(ConfigLoader.problem(ErrorCode.CONFIG_INVALID, path, e.file(), e.value(),
        "\"" + v + "\" is not one of " + String.join(", ", allowed)));
    return null;
  }

  private Boolean bool(String path, Entry e) {
    if (e.value() instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
      return Set.of("true", "yes", "on", "y").contains(s.getValue().toLowerCase(Locale.ROOT));
    }
    wrongType(path, e.file(), e.value(), "true or false");
    return null;
  }

  private Long integer(String path, Entry e) {
    if (e.value() instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
      try {
        return Long.decode(s.getValue().replace("_", ""));
      } catch (NumberFormatException ex) {
        bad(path, e, "\"" + s.getValue() + "\" is out of range");
        return null;
      }
    }
    wrongType(path, e.file(), e.value(), "a whole number");
    return null;
  }

  private String metadata(String path, Entry e) {
    String v = scalar(path, e);
    if (v != null && v.length() > MAX_METADATA) {
      bad(path, e, "is " + v.length() + " characters long; at most " + MAX_METADATA + " are allowed");
      return null;
    }
    return v;
  }

  private String proxy(String path, Entry e, String... schemes) {
    if (e.value() instanceof ScalarNode s && (s.getTag().equals(Tag.BOOL) || s.getTag().equals(Tag.NULL))) {
      if (s.getValue().equalsIgnoreCase("false") || s.getTag().equals(Tag.NULL)) {
        return null; // "http_proxy: false" in the manual's example: no proxy
      }
    }
    String v = nonEmpty(path, e);
    if (v == null) {
      return null;
    }
    try {
      ProxyConfig.parse(v, schemes);
    } catch (BurrowException ex) {
      bad(path, e, ex.getMessage());
      return null;
    }
    return v;
  }

  private void hostPort(String path, Entry e, String v) {
    int colon = v.lastIndexOf(':');
    String port = colon < 0 ? "" : v.substring(colon + 1);
    if (colon < 0 || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      bad(path, e, "\"" + v + "\" is not host:port");
    }
  }

  // --- problems ---

  private void bad(String path, Entry e, String message) {
    problems.add(ConfigLoader.problem(ErrorCode.CONFIG_INVALID, path, e.file(), e.value(), message));
  }

  private void wrongType(String path, Path file, Node at, String expected) {
    String got = at instanceof MappingNode ? "a map" : at instanceof ScalarNode s ? describe(s) : "a list";
    problems.add(ConfigLoader.problem(ErrorCode.CONFIG_WRONG_TYPE, path, file, at,
        "wrong type: expected " + expected + ", got " + got));
  }

  private static String describe(ScalarNode s) {
    if (s.getTag().equals(Tag.STR)) {
      return "the text \"" + s.getValue() + "\"";
    }
    return s.getTag().equals(Tag.NULL) ? "nothing" : s.getValue();
  }

  private void missing(String base, Entry t, String key, String what) {
    problems.add(ConfigLoader.problem(ErrorCode.CONFIG_INVALID, base + "." + key, t.file(), t.keyNode(),
        "missing: every tunnel must define " + key + " (" + what + ")"));
  }

  private void unknown(String path, Entry e, List<String> known) {
    String hint = closest(path.substring(path.lastIndexOf('.') + 1), known);
    problems.add(new ConfigProblem(ErrorCode.CONFIG_UNKNOWN_KEY, path, e.file(), e.keyLine(), e.keyColumn(),
        "unknown key" + (hint == null ? "" : "; did you mean \"" + hint + "\"?")));
  }

  /** @return the known key nearest by edit distance, if it is near enough to be a typo */
  static String closest(String key, List<String> known) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : known) {
      int d = levenshtein(key.toLowerCase(Locale.ROOT).replace('-', '_'), k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return bestD <= Math.max(2, key.length() / 3) ? best : null;
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
