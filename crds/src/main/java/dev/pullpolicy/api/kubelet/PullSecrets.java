package dev.pullpolicy.api.kubelet;

import dev.pullpolicy.api.kubelet.PullSecret.Entry;
import dev.pullpolicy.api.kubelet.PullSecret.Layout;
import dev.pullpolicy.api.kubelet.PullSecret.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads pull Secrets as the kubelet does (Kubernetes v1.37.2,
 * pkg/credentialprovider/secrets.MakeDockerKeyring and the JSON types of pkg/credentialprovider):
 *
 * <ul>
 *   <li>Only type {@code kubernetes.io/dockerconfigjson} with a non-empty {@code
 *       .dockerconfigjson}, or {@code kubernetes.io/dockercfg} with a non-empty {@code .dockercfg},
 *       is read; any other Secret is skipped without error.
 *   <li>The data is decoded by Go's encoding/json: field names match case-insensitively, {@code
 *       null} is allowed for every field and entry, unknown fields are ignored, but a field of the
 *       wrong JSON type, invalid JSON, or an {@code auth} that is not base64 of {@code user:pass}
 *       makes the whole keyring fail (the Pod's pulls fail with that error).
 *   <li>A dockerconfigjson document is {@code {"auths": {...}, "HttpHeaders": {...}}}; a dockercfg
 *       document is the registry map itself. A document of the other layout is read without error
 *       but yields no usable registry.
 * </ul>
 */
public final class PullSecrets {
  public static final String TYPE_DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  public static final String TYPE_DOCKERCFG = "kubernetes.io/dockercfg";
  public static final String KEY_DOCKER_CONFIG_JSON = ".dockerconfigjson";
  public static final String KEY_DOCKERCFG = ".dockercfg";

  private PullSecrets() {}

  /** A Secret that does not exist (the kubelet skips it). */
  public static PullSecret missing(String name) {
    return new PullSecret(name, Problem.NOT_FOUND, "does not exist", null, Layout.NONE, List.of());
  }

  /** A Secret the caller may not read. */
  public static PullSecret forbidden(String name) {
    return new PullSecret(
        name, Problem.FORBIDDEN, "could not be read (forbidden)", null, Layout.NONE, List.of());
  }

  /** Reads a Secret as returned by the API server ({@code data} in base64). */
  public static PullSecret read(Secret secret) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      Base64.Decoder decoder = Base64.getMimeDecoder();
      secret.getData().forEach((k, v) -> data.put(k, v == null ? new byte[0] : decoder.decode(v)));
    }
    String name = secret.getMetadata() == null ? null : secret.getMetadata().getName();
    return read(name == null ? "" : name, secret.getType(), data);
  }

  /** Reads a Secret's type and decoded data. */
  public static PullSecret read(String name, String type, Map<String, byte[]> data) {
    byte[] json = data.get(KEY_DOCKER_CONFIG_JSON);
    byte[] cfg = data.get(KEY_DOCKERCFG);
    boolean configJson = TYPE_DOCKER_CONFIG_JSON.equals(type);
    if (configJson && json != null && json.length > 0) {
      return decode(name, type, KEY_DOCKER_CONFIG_JSON, GoText.bytes(json), true);
    }
    if (TYPE_DOCKERCFG.equals(type) && cfg != null && cfg.length > 0) {
      return decode(name, type, KEY_DOCKERCFG, GoText.bytes(cfg), false);
    }
    if (!configJson && !TYPE_DOCKERCFG.equals(type)) {
      return skipped(
          name,
          type,
          Problem.WRONG_TYPE,
          "has type "
              + (type == null || type.isEmpty() ? "(none)" : type)
              + ", not "
              + TYPE_DOCKER_CONFIG_JSON
              + " or "
              + TYPE_DOCKERCFG);
    }
    String key = configJson ? KEY_DOCKER_CONFIG_JSON : KEY_DOCKERCFG;
    return skipped(
        name,
        type,
        Problem.NO_DATA_KEY,
        data.containsKey(key) ? "has an empty " + key : "has no " + key + " key");
  }

  /**
   * Writes registries as a compact {@code .dockerconfigjson} document, {@code {"auths": {registry:
   * entry}}}, each entry as it was read: the kubelet reads the result as it read the entries.
   */
  public static byte[] toConfigJson(List<Entry> entries) {
    StringBuilder out = new StringBuilder("{\"auths\":{");
    boolean first = true;
    for (Entry e : entries) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(GoJsonWriter.quote(e.key().rawBytes())).append(':').append(e.json());
    }
    return GoText.toBytes(out.append("}}").toString());
  }

  private static PullSecret skipped(String name, String type, Problem problem, String reason) {
    return new PullSecret(name, problem, reason, type, Layout.NONE, List.of());
  }

  /** A reason the kubelet's keyring build fails. */
  private static final class Refused extends Exception {
    final Problem problem;

    Refused(Problem problem, String message) {
      super(message, null, false, false);
      this.problem = problem;
    }
  }

  private static PullSecret decode(
      String name, String type, String dataKey, String doc, boolean configJson) {
    GoJson.Value root;
    try {
      root = GoJson.parse(doc);
    } catch (GoJson.SyntaxError e) {
      return new PullSecret(
          name,
          Problem.NOT_JSON,
          dataKey + " is not valid JSON (" + e.getMessage() + ")",
          type,
          Layout.NONE,
          List.of());
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    Layout layout;
    try {
      if (configJson) {
        layout = decodeConfigJson(root, entries);
      } else {
        layout = decodeMap(root, entries, "the document") ? layoutOfLegacy(root) : Layout.NONE;
      }
    } catch (Refused r) {
      return new PullSecret(
          name, r.problem, dataKey + ": " + r.getMessage(), type, Layout.NONE, List.of());
    }
    return new PullSecret(
        name, Problem.NONE, null, type, layout, List.copyOf(new ArrayList<>(entries.values())));
  }

  /** Go decoding into {@code struct {Auths DockerConfig; HTTPHeaders map[string]string}}. */
  private static Layout decodeConfigJson(GoJson.Value root, Map<String, Entry> auths)
      throws Refused {
    if (root instanceof GoJson.Null) {
      return Layout.NONE;
    }
    if (!(root instanceof GoJson.Obj obj)) {
      throw new Refused(
          Problem.WRONG_JSON_TYPE, "the document is " + article(root) + ", not an object");
    }
    boolean sawAuths = false;
    Refused typeError = null;
    for (GoJson.Member m : obj.members()) {
      String field = foldName(m.name());
      if (field.equals("AUTHS")) {
        sawAuths = true;
        if (m.value() instanceof GoJson.Null) {
          auths.clear(); // Go sets the map to nil; a later "auths" starts a new one
        } else if (!decodeMap(m.value(), auths, "\"auths\"") && typeError == null) {
          typeError =
              new Refused(
                  Problem.WRONG_JSON_TYPE,
                  "\"auths\" is " + article(m.value()) + ", not an object");
        }
      } else if (field.equals("HTTPHEADERS")) {
        String problem = stringMapProblem(m.value());
        if (problem != null && typeError == null) {
          typeError = new Refused(Problem.WRONG_JSON_TYPE, "\"HttpHeaders\" " + problem);
        }
      }
    }
    if (typeError != null) {
      throw typeError;
    }
    if (sawAuths) {
      return Layout.CONFIG_JSON;
    }
    return looksLegacy(obj) ? Layout.LEGACY : Layout.NONE;
  }

  /**
   * Go decoding into {@code map[string]DockerConfigEntry}: false for a value of the wrong type (Go
   * records the error and goes on), throws at the first entry that does not decode.
   */
  private static boolean decodeMap(GoJson.Value v, Map<String, Entry> into, String what)
      throws Refused {
    if (v instanceof GoJson.Null) {
      return true;
    }
    if (!(v instanceof GoJson.Obj obj)) {
      if (what.equals("the document")) {
        throw new Refused(
            Problem.WRONG_JSON_TYPE, "the document is " + article(v) + ", not an object");
      }
      return false;
    }
    for (GoJson.Member m : obj.members()) {
      RegistryKey key = RegistryKey.ofBytes(m.name());
      Credential credential = decodeEntry(key, m.value());
      into.remove(m.name());
      into.put(m.name(), new Entry(key, credential, GoJsonWriter.compact(m.value())));
    }
    return true;
  }

  /** Go decoding of DockerConfigEntry (its UnmarshalJSON). */
  private static Credential decodeEntry(RegistryKey key, GoJson.Value v) throws Refused {
    String where = "registry " + key.display();
    if (v instanceof GoJson.Null) {
      return new Credential("", "", "");
    }
    if (!(v instanceof GoJson.Obj obj)) {
      throw new Refused(Problem.WRONG_JSON_TYPE, where + " is " + article(v) + ", not an object");
    }
    String username = "";
    String password = "";
    String email = "";
    String auth = "";
    Refused typeError = null;
    for (GoJson.Member m : obj.members()) {
      String field = foldName(m.name());
      if (!field.equals("USERNAME")
          && !field.equals("PASSWORD")
          && !field.equals("EMAIL")
          && !field.equals("AUTH")) {
        continue;
      }
      if (m.value() instanceof GoJson.Null) {
        continue;
      }
      if (!(m.value() instanceof GoJson.Str s)) {
        if (typeError == null) {
          typeError =
              new Refused(
                  Problem.WRONG_JSON_TYPE,
                  where
                      + ": \""
                      + field.toLowerCase(java.util.Locale.ROOT)
                      + "\" is "
                      + article(m.value())
                      + ", not a string");
        }
        continue;
      }
      switch (field) {
        case "USERNAME" -> username = s.value();
        case "PASSWORD" -> password = s.value();
        case "EMAIL" -> email = s.value();
        default -> auth = s.value();
      }
    }
    if (typeError != null) {
      throw typeError;
    }
    if (auth.isEmpty()) {
      return new Credential(username, password, email);
    }
    // base64(user:password), padded or not (decided by a trailing '=' after trimming space)
    String decoded;
    try {
      decoded = GoBase64.decode(auth, GoText.trimSpace(auth).endsWith("="));
    } catch (GoBase64.CorruptInput e) {
      throw new Refused(Problem.BAD_AUTH, where + ": \"auth\" is not valid base64");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new Refused(Problem.BAD_AUTH, where + ": \"auth\" does not decode to user:password");
    }
    return new Credential(decoded.substring(0, colon), decoded.substring(colon + 1), email);
  }

  /** Why a value is not a {@code map[string]string} for Go, or null when it is. */
  private static String stringMapProblem(GoJson.Value v) {
    if (v instanceof GoJson.Null) {
      return null;
    }
    if (!(v instanceof GoJson.Obj obj)) {
      return "is " + article(v) + ", not an object";
    }
    for (GoJson.Member m : obj.members()) {
      if (!(m.value() instanceof GoJson.Str) && !(m.value() instanceof GoJson.Null)) {
        return "holds " + article(m.value()) + ", not a string";
      }
    }
    return null;
  }

  private static Layout layoutOfLegacy(GoJson.Value root) {
    if (!(root instanceof GoJson.Obj obj) || obj.members().isEmpty()) {
      return Layout.NONE;
    }
    for (GoJson.Member m : obj.members()) {
      if (m.name().equalsIgnoreCase("auths") && m.value() instanceof GoJson.Obj) {
        return Layout.CONFIG_JSON;
      }
    }
    return Layout.LEGACY;
  }

  /** Top-level members that look like registries (a '.' or ':' or localhost) holding objects. */
  private static boolean looksLegacy(GoJson.Obj obj) {
    for (GoJson.Member m : obj.members()) {
      String n = m.name();
      if (m.value() instanceof GoJson.Obj
          && (n.contains(".") || n.contains(":") || n.startsWith("localhost"))) {
        return true;
      }
    }
    return false;
  }

  private static String article(GoJson.Value v) {
    String kind = GoJson.kind(v);
    return switch (kind) {
      case "array", "object" -> "an " + kind;
      case "null" -> "null";
      default -> "a " + kind;
    };
  }

  /**
   * Go's encoding/json name folding: ASCII letters upper-cased, and the two non-ASCII runes whose
   * case orbit holds an ASCII letter (U+017F long s, U+212A Kelvin sign) read as S and K. Other
   * non-ASCII runes never fold to an ASCII name, so they are kept as they are.
   */
  static String foldName(String byteString) {
    StringBuilder out = new StringBuilder(byteString.length());
    for (int i = 0; i < byteString.length(); ) {
      long rs = GoText.decodeRune(byteString, i);
      int r = GoText.rune(rs);
      int size = GoText.size(rs);
      if (r < 0x80) {
        out.append((char) (r >= 'a' && r <= 'z' ? r - 32 : r));
      } else if (r == 0x17F) {
        out.append('S');
      } else if (r == 0x212A) {
        out.append('K');
      } else {
        out.append('\u0100'); // never part of an ASCII field name
      }
      i += size;
    }
    return out.toString();
  }
}
