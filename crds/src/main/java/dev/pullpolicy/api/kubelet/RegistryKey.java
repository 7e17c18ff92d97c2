package dev.pullpolicy.api.kubelet;

import java.util.Objects;

/**
 * A registry of a pull Secret ({@code auths} key) as the kubelet indexes it. The kubelet adds
 * {@code https://} unless the key starts with {@code http://} or {@code https://}, parses it as a
 * URL, drops a key that does not parse (with a log line, the rest of the Secret still counts), and
 * indexes {@code host[:port]} plus the decoded path, a {@code /v1/} or {@code /v2/} prefix of the
 * path counting as none. User-info ({@code user:password@}) never reaches the index, nor any text
 * this class gives for display.
 */
public final class RegistryKey {
  private final String raw; // byte string, as in the Secret
  private final String key; // byte string, the keyring's index key; null when ignored
  private final String problem; // why the kubelet ignores it; null when indexed

  private RegistryKey(String raw, String key, String problem) {
    this.raw = raw;
    this.key = key;
    this.problem = problem;
  }

  /** Reads a key written as text (as in a JSON document). */
  public static RegistryKey of(String text) {
    return ofBytes(GoText.utf8(text));
  }

  /** Reads a key given as a byte string. */
  static RegistryKey ofBytes(String raw) {
    String url = raw.startsWith("https://") || raw.startsWith("http://") ? raw : "https://" + raw;
    GoUrl.Parsed parsed;
    try {
      parsed = GoUrl.parse(url);
    } catch (GoUrl.Invalid e) {
      return new RegistryKey(raw, null, e.getMessage());
    }
    String path = parsed.path();
    if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    String key = !path.isEmpty() && !path.equals("/") ? parsed.host() + path : parsed.host();
    return new RegistryKey(raw, key, null);
  }

  /** Whether the kubelet indexes this key (false: it is not a URL the kubelet can parse). */
  public boolean usable() {
    return key != null;
  }

  /** Why the kubelet ignores this key (Go's URL error), or null when it is indexed. */
  public String problem() {
    return problem;
  }

  /** The key as the kubelet indexes it ({@code host[:port][/path]}), or null when ignored. */
  public String indexKey() {
    return key == null ? null : GoText.text(key);
  }

  /** The key as written in the Secret, for comparisons only: it may hold user-info. */
  String written() {
    return GoText.text(raw);
  }

  /** The key as given to the URL parser (with the scheme the kubelet adds), as text. */
  public String asUrl() {
    return GoText.text(
        raw.startsWith("https://") || raw.startsWith("http://") ? raw : "https://" + raw);
  }

  /**
   * A one-line text for users: the index key, or for an ignored key the written key without scheme
   * and user-info, escaped and shortened.
   */
  public String display() {
    if (key != null) {
      return GoText.printable(key, 120);
    }
    return GoText.printable(withoutUserInfo(raw), 120);
  }

  /** The host (with port) for users: the part of {@link #display()} before any path. */
  public String host() {
    String shown = display();
    if (key != null) {
      int slash = key.indexOf('/');
      return GoText.printable(slash < 0 ? key : key.substring(0, slash), 120);
    }
    int slash = shown.indexOf('/');
    return slash < 0 ? shown : shown.substring(0, slash);
  }

  private static String withoutUserInfo(String raw) {
    String s = raw;
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      s = s.substring(scheme + 3);
    }
    int end = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    int at = s.lastIndexOf('@', end - 1);
    return at >= 0 ? s.substring(at + 1) : s;
  }

  /**
   * Whether this key matches an image's repository name ({@code registry/path}) as the kubelet's
   * URLsMatchStr decides: both parse as URLs, same port (or none), same number of host labels, each
   * label of the key a glob for the image's, and the key's path a prefix of the image's.
   */
  public boolean matches(String repositoryName) {
    return key != null && urlsMatch(key, GoText.utf8(repositoryName));
  }

  static boolean urlsMatch(String glob, String target) {
    GoUrl.Parsed g;
    GoUrl.Parsed t;
    try {
      g = GoUrl.parse("https://" + glob);
      t = GoUrl.parse("https://" + target);
    } catch (GoUrl.Invalid e) {
      return false;
    }
    String[] gp = GoUrl.splitHostPort(g.host());
    String[] tp = GoUrl.splitHostPort(t.host());
    String gHost = gp == null ? g.host() : gp[0];
    String gPort = gp == null ? "" : gp[1];
    String tHost = tp == null ? t.host() : tp[0];
    String tPort = tp == null ? "" : tp[1];
    if (!gPort.equals(tPort)) {
      return false;
    }
    String[] gLabels = gHost.split("\\.", -1);
    String[] tLabels = tHost.split("\\.", -1);
    if (gLabels.length != tLabels.length) {
      return false;
    }
    if (!t.path().startsWith(g.path())) {
      return false;
    }
    for (int i = 0; i < gLabels.length; i++) {
      if (!GoGlob.matches(gLabels[i], tLabels[i])) {
        return false;
      }
    }
    return true;
  }

  String indexKeyBytes() {
    return key;
  }

  String rawBytes() {
    return raw;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryKey k && raw.equals(k.raw);
  }

  @Override
  public int hashCode() {
    return Objects.hash(raw);
  }

  @Override
  public String toString() {
    return display();
  }
}
