package burrow.agent.config;

import burrow.error.ErrorCode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads config files with SnakeYAML's node API, so every value keeps its file, line and column, and merges them in
 * order: a later file overrides an earlier one key by key, and {@code tunnels} merge by name (a tunnel defined again
 * replaces the earlier definition whole, as ngrok 2 does). Problems (unreadable file, bad YAML, a top level that is
 * not a map) are collected, not thrown, so that {@link ConfigValidator} can report them with everything else.
 * Blocking: call before the event loops start.
 */
public final class ConfigLoader {
  /** Largest config file read, in bytes: 1 MiB. */
  public static final long MAX_FILE_BYTES = 1024 * 1024;

  /** A key and its value node, with the file it came from. */
  public record Entry(String key, Node keyNode, Node value, Path file) {
    public int line() {
      return value.getStartMark().getLine() + 1;
    }

    public int column() {
      return value.getStartMark().getColumn() + 1;
    }

    public int keyLine() {
      return keyNode.getStartMark().getLine() + 1;
    }

    public int keyColumn() {
      return keyNode.getStartMark().getColumn() + 1;
    }
  }

  /** The merged top-level keys and tunnels, the files read, and the problems met while reading. */
  public record Merged(Map<String, Entry> top, Map<String, Entry> tunnels, List<Path> files,
                       List<ConfigProblem> problems) {
  }

  private ConfigLoader() {
  }

  /** Loads the given files, or the default one ({@link BurrowHome#defaultConfig()}) if it exists when none is given. */
  public static Merged load(List<String> explicit) {
    List<Path> files = new ArrayList<>();
    if (explicit == null || explicit.isEmpty()) {
      Path def = BurrowHome.defaultConfig();
      if (Files.exists(def)) {
        files.add(def);
      }
    } else {
      for (String f : explicit) {
        files.add(Path.of(f));
      }
    }
    return loadFiles(files);
  }

  public static Merged loadFiles(List<Path> files) {
    Map<String, Entry> top = new LinkedHashMap<>();
    Map<String, Entry> tunnels = new LinkedHashMap<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (Path file : files) {
      Node root = parse(file, problems);
      if (root == null) {
        continue;
      }
      if (!(root instanceof MappingNode map)) {
        problems.add(problem(ErrorCode.CONFIG_WRONG_TYPE, "", file, root, "the top level must be a map of keys"));
        continue;
      }
      for (NodeTuple t : map.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k)) {
          problems.add(problem(ErrorCode.CONFIG_WRONG_TYPE, "", file, t.getKeyNode(), "keys must be plain names"));
          continue;
        }
        Entry e = new Entry(k.getValue(), k, t.getValueNode(), file);
        if (k.getValue().equals("tunnels") && t.getValueNode() instanceof MappingNode tm) {
          top.putIfAbsent("tunnels", e);
          for (NodeTuple tt : tm.getValue()) {
            String name = tt.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(tt.getKeyNode());
            tunnels.remove(name);
            tunnels.put(name, new Entry(name, tt.getKeyNode(), tt.getValueNode(), file));
          }
        } else {
          top.remove(k.getValue());
          top.put(k.getValue(), e);
        }
      }
    }
    return new Merged(top, tunnels, files, problems);
  }

  /** @return the root node, or null when the file is empty or has a problem (added to {@code problems}) */
  static Node parse(Path file, List<ConfigProblem> problems) {
    String text;
    try {
      if (Files.isDirectory(file)) {
        throw new IOException("it is a directory");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      problems.add(new ConfigProblem(ErrorCode.CONFIG_UNREADABLE, "", file, 0, 0, "config file does not exist"));
      return null;
    } catch (AccessDeniedException e) {
      problems.add(new ConfigProblem(ErrorCode.CONFIG_UNREADABLE, "", file, 0, 0, "config file cannot be read: permission denied"));
      return null;
    } catch (IOException e) {
      problems.add(new ConfigProblem(ErrorCode.CONFIG_UNREADABLE, "", file, 0, 0, "config file cannot be read: " + e.getMessage()));
      return null;
    }
    return parse(file, problems, text);
  }

  /** Parses {@code text} (the contents of {@code file}); see {@link #parse(Path, List)}. */
  static Node parse(Path file, List<ConfigProblem> problems, String text) {
    try {
      LoaderOptions lo = new LoaderOptions();
      lo.setAllowDuplicateKeys(false);
      lo.setMaxAliasesForCollections(50);
      Node root = new Yaml(lo).compose(new java.io.StringReader(text));
      if (root != null && duplicates(root, file, problems)) {
        return null;
      }
      return root;
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      if (e.getContext() != null) {
        what = what + " (" + e.getContext() + ")";
      }
      problems.add(new ConfigProblem(ErrorCode.CONFIG_YAML_SYNTAX, "", file, m == null ? 0 : m.getLine() + 1,
          m == null ? 0 : m.getColumn() + 1, "invalid YAML: " + what.replace('\n', ' ')));
      return null;
    } catch (YAMLException e) {
      problems.add(new ConfigProblem(ErrorCode.CONFIG_YAML_SYNTAX, "", file, 0, 0, "invalid YAML: " + e.getMessage()));
      return null;
    }
  }

  /** compose() does not check duplicate keys (the constructor would); a repeated key is a YAML error here. */
  private static boolean duplicates(Node node, Path file, List<ConfigProblem> problems) {
    boolean found = false;
    if (node instanceof MappingNode m) {
      java.util.Set<String> keys = new java.util.HashSet<>();
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && !keys.add(k.getValue())) {
          problems.add(problem(ErrorCode.CONFIG_YAML_SYNTAX, "", file, k, "invalid YAML: duplicate key \"" + k.getValue() + "\""));
          found = true;
        }
        found |= duplicates(t.getValueNode(), file, problems);
      }
    } else if (node instanceof org.yaml.snakeyaml.nodes.SequenceNode s) {
      for (Node n : s.getValue()) {
        found |= duplicates(n, file, problems);
      }
    }
    return found;
  }

  static ConfigProblem problem(ErrorCode code, String path, Path file, Node at, String message) {
    return new ConfigProblem(code, path, file, at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1, message);
  }
}
