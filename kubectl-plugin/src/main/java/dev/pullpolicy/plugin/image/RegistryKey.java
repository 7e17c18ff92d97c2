package dev.pullpolicy.plugin.image;

import java.util.Optional;

/**
 * An {@code auths} key of a pull Secret as the kubelet normalises it: an optional {@code http://}
 * or {@code https://} scheme is dropped, a leading {@code /v1/} or {@code /v2/} path counts as no
 * path, and what remains is {@code host[:port][/path]}.
 *
 * @param original the key as written in the Secret
 * @param normalized {@code host[:port][/path]}
 */
public record RegistryKey(String original, String normalized) {

  /** Normalises a key, or returns empty when the kubelet would ignore it as unparsable. */
  public static Optional<RegistryKey> of(String original) {
    String value = original;
    if (value.startsWith("https://")) {
      value = value.substring("https://".length());
    } else if (value.startsWith("http://")) {
      value = value.substring("http://".length());
    }
    Url url = Url.parse(value);
    if (url == null || url.host().isEmpty()) {
      return Optional.empty();
    }
    String path = url.path();
    if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    String key = path.isEmpty() || path.equals("/") ? url.host() : url.host() + path;
    return Optional.of(new RegistryKey(original, key));
  }

  /** The host part of the normalised key (with its port), as shown to users. */
  public String host() {
    Url url = Url.parse(normalized);
    return url == null ? normalized : url.host();
  }

  /**
   * Whether this key matches an image repository name ({@code registry/path}) under the kubelet's
   * rules: same port (or none on both), same number of DNS labels with each label matching as a
   * glob ({@code *}, {@code ?}, {@code [...]}), and the key's path a prefix of the image's path.
   */
  public boolean matches(String imageName) {
    Url glob = Url.parse(normalized);
    Url target = Url.parse(imageName);
    if (glob == null || target == null) {
      return false;
    }
    if (!glob.port().equals(target.port())) {
      return false;
    }
    String[] globLabels = glob.hostname().split("\\.", -1);
    String[] targetLabels = target.hostname().split("\\.", -1);
    if (globLabels.length != targetLabels.length) {
      return false;
    }
    if (!target.path().startsWith(glob.path())) {
      return false;
    }
    for (int i = 0; i < globLabels.length; i++) {
      if (!Glob.matches(globLabels[i], targetLabels[i])) {
        return false;
      }
    }
    return true;
  }

  /** A scheme-less URL split the way Go's url.Parse and net.SplitHostPort split it. */
  record Url(String host, String hostname, String port, String path) {
    static Url parse(String schemeless) {
      if (schemeless.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        return null;
      }
      String s = schemeless;
      int cut = indexOfAny(s, "?#");
      if (cut >= 0) {
        s = s.substring(0, cut);
      }
      int slash = s.indexOf('/');
      String authority = slash < 0 ? s : s.substring(0, slash);
      String path = slash < 0 ? "" : s.substring(slash);
      int userinfo = authority.lastIndexOf('@');
      if (userinfo >= 0) {
        authority = authority.substring(userinfo + 1);
      }
      String hostname = authority;
      String port = "";
      if (authority.startsWith("[")) {
        int close = authority.indexOf(']');
        if (close < 0) {
          return null;
        }
        hostname = authority.substring(1, close);
        String after = authority.substring(close + 1);
        if (after.startsWith(":")) {
          port = after.substring(1);
        } else if (!after.isEmpty()) {
          return null;
        }
      } else {
        int colon = authority.indexOf(':');
        if (colon >= 0) {
          if (authority.indexOf(':', colon + 1) >= 0) {
            // Go's SplitHostPort fails ("too many colons"): the whole host is compared, no port.
            return new Url(authority, authority, "", path);
          }
          hostname = authority.substring(0, colon);
          port = authority.substring(colon + 1);
        }
      }
      if (!port.chars().allMatch(Character::isDigit)) {
        return null;
      }
      return new Url(authority, hostname, port, path);
    }

    private static int indexOfAny(String s, String chars) {
      for (int i = 0; i < s.length(); i++) {
        if (chars.indexOf(s.charAt(i)) >= 0) {
          return i;
        }
      }
      return -1;
    }
  }
}
