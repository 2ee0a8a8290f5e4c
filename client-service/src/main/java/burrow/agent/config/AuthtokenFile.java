package burrow.agent.config;

import burrow.error.ErrorCode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code burrow authtoken TOKEN}: sets the top-level {@code authtoken} of a config file by editing its text in place,
 * so every other key, the order, the comments and the blank lines stay as they were. Creates the file (and its
 * directory) when missing. Blocking.
 */
public final class AuthtokenFile {
  private AuthtokenFile() {
  }

  public static void write(Path file, String token) {
    if (token == null || token.isBlank() || token.contains("\n")) {
      throw ConfigException.of(ErrorCode.CONFIG_INVALID, file, "the authtoken must be a single non-empty line");
    }
    String text = "";
    try {
      if (Files.exists(file)) {
        text = Files.readString(file, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw ConfigException.of(ErrorCode.CONFIG_UNREADABLE, file, "config file cannot be read: " + e.getMessage());
    }
    String updated = update(file, text, token);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".burrow", ".yml");
      Files.writeString(tmp, updated, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw ConfigException.of(ErrorCode.CONFIG_UNREADABLE, file, "config file cannot be written: " + e.getMessage());
    }
  }

  /** @return {@code text} with its authtoken set to {@code token} */
  static String update(Path file, String text, String token) {
    List<ConfigProblem> problems = new ArrayList<>();
    Node root = ConfigLoader.parse(file, problems, text);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    String line = "authtoken: " + quote(token);
    if (root == null || (root instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
      return text.isEmpty() || text.endsWith("\n") ? text + line + "\n" : text + "\n" + line + "\n";
    }
    if (!(root instanceof MappingNode map)) {
      throw ConfigException.of(ErrorCode.CONFIG_WRONG_TYPE, file, "the top level must be a map of keys");
    }
    for (NodeTuple t : map.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("authtoken")) {
        Node v = t.getValueNode();
        int start = offset(text, v.getStartMark().getIndex());
        int end = offset(text, v.getEndMark().getIndex());
        if (v instanceof ScalarNode s && s.getTag().equals(Tag.NULL) && start == end) {
          return text.substring(0, start) + " " + quote(token) + text.substring(end);
        }
        return text.substring(0, start) + quote(token) + text.substring(end);
      }
    }
    if (map.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW) {
      int start = offset(text, map.getStartMark().getIndex());
      return text.substring(0, start + 1) + line + ", " + text.substring(start + 1);
    }
    int at = offset(text, map.getStartMark().getIndex());
    int lineStart = text.lastIndexOf('\n', at - 1) + 1;
    return text.substring(0, lineStart) + line + "\n" + text.substring(lineStart);
  }

  /** SnakeYAML marks count code points; String offsets count chars. */
  private static int offset(String text, int codePointIndex) {
    return text.offsetByCodePoints(0, Math.min(codePointIndex, text.codePointCount(0, text.length())));
  }

  private static String quote(String token) {
    Node n = new Yaml().compose(new StringReader(token));
    boolean plain = token.matches("[A-Za-z0-9_][A-Za-z0-9_.\\-/+=]*") && n instanceof ScalarNode s
        && s.getTag().equals(Tag.STR);
    return plain ? token : "'" + token.replace("'", "''") + "'";
  }
}
