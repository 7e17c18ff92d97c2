package dev.pullpolicy.plugin.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kubeconfig as kubectl reads it. Several files (from {@code KUBECONFIG}) are merged the way
 * kubectl merges them: the first file that names a cluster, user or context, or sets the current
 * context, wins. Relative file paths in an entry are resolved against the folder of the file the
 * entry came from.
 */
public final class Kubeconfig {

  /** One named cluster, user or context: its fields and the folder of its file. */
  public record Entry(String name, JsonNode fields, Path dir) {
    /** A text field, or null when absent or empty. */
    public String text(String field) {
      JsonNode v = fields.path(field);
      if (v.isMissingNode() || v.isNull()) {
        return null;
      }
      String s = v.asText();
      return s.isEmpty() ? null : s;
    }

    /** A boolean field (YAML {@code true}, or the text "true"). */
    public boolean flag(String field) {
      JsonNode v = fields.path(field);
      return v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(v.asText());
    }

    /** A file path field resolved against the entry's file, or null. */
    public Path path(String field) {
      String p = text(field);
      return p == null ? null : resolve(p);
    }

    /** A path relative to the entry's file. */
    public Path resolve(String p) {
      Path path = Path.of(p);
      return path.isAbsolute() || dir == null ? path : dir.resolve(path).normalize();
    }

    /** A list of strings, empty when absent. */
    public List<String> texts(String field) {
      List<String> out = new ArrayList<>();
      fields.path(field).forEach(n -> out.add(n.asText()));
      return out;
    }

    public JsonNode node(String field) {
      return fields.path(field);
    }
  }

  private final List<Path> files;
  private final String currentContext;
  private final Map<String, Entry> clusters;
  private final Map<String, Entry> users;
  private final Map<String, Entry> contexts;

  private Kubeconfig(
      List<Path> files,
      String currentContext,
      Map<String, Entry> clusters,
      Map<String, Entry> users,
      Map<String, Entry> contexts) {
    this.files = files;
    this.currentContext = currentContext;
    this.clusters = clusters;
    this.users = users;
    this.contexts = contexts;
  }

  /** An empty kubeconfig (none found). */
  public static Kubeconfig empty() {
    return new Kubeconfig(List.of(), null, Map.of(), Map.of(), Map.of());
  }

  /** Reads and merges the files, in order; every file must exist. */
  public static Kubeconfig read(List<Path> files) {
    String current = null;
    Map<String, Entry> clusters = new LinkedHashMap<>();
    Map<String, Entry> users = new LinkedHashMap<>();
    Map<String, Entry> contexts = new LinkedHashMap<>();
    for (Path file : files) {
      JsonNode root = parse(file);
      Path dir = file.toAbsolutePath().getParent();
      String cc = root.path("current-context").asText("");
      if (current == null && !cc.isEmpty()) {
        current = cc;
      }
      collect(root, "clusters", "cluster", dir, clusters);
      collect(root, "users", "user", dir, users);
      collect(root, "contexts", "context", dir, contexts);
    }
    return new Kubeconfig(
        List.copyOf(files),
        current,
        Collections.unmodifiableMap(clusters),
        Collections.unmodifiableMap(users),
        Collections.unmodifiableMap(contexts));
  }

  private static JsonNode parse(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read kubeconfig " + file + ": " + e.getMessage(), e);
    }
    if (text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode root = Json.parseYaml(text);
      if (root == null || root.isMissingNode()) {
        return MissingNode.getInstance();
      }
      if (!root.isObject()) {
        throw new ConfigException("kubeconfig " + file + " is not a kubeconfig (not a mapping)");
      }
      return root;
    } catch (IOException e) {
      throw new ConfigException(
          "kubeconfig " + file + " does not parse: " + firstLine(e.getMessage()), e);
    }
  }

  private static void collect(
      JsonNode root, String list, String field, Path dir, Map<String, Entry> into) {
    for (JsonNode named : root.path(list)) {
      String name = named.path("name").asText("");
      if (!name.isEmpty() && !into.containsKey(name)) {
        JsonNode fields = named.path(field);
        into.put(
            name, new Entry(name, fields.isObject() ? fields : MissingNode.getInstance(), dir));
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  public List<Path> files() {
    return files;
  }

  /** The current context's name, or null. */
  public String currentContext() {
    return currentContext;
  }

  public Map<String, Entry> clusters() {
    return clusters;
  }

  public Map<String, Entry> users() {
    return users;
  }

  public Map<String, Entry> contexts() {
    return contexts;
  }

  public boolean isEmpty() {
    return currentContext == null && clusters.isEmpty() && users.isEmpty() && contexts.isEmpty();
  }
}
