package dev.pullpolicy.api.kubelet;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference as the kubelet reads it before a pull (Kubernetes v1.37.2: the image manager's
 * applyDefaultImageTag and pkg/util/parsers.ParseImageName, which use the reference grammar of
 * github.com/distribution/reference v0.6.0 and digest rules of go-digest): a first component with
 * '.' or ':', {@code localhost}, or an upper-case letter is a registry, otherwise Docker Hub
 * ({@code docker.io}, single names under {@code library/}); the repository path is at most 255
 * characters; a digest must be a sha256, sha384 or sha512 of the right length in lower-case hex. A
 * reference the kubelet refuses leaves the container waiting with InvalidImageName.
 *
 * @param input the reference as written
 * @param domain the registry the grammar found ("" when the grammar reads the whole name as a path,
 *     e.g. {@code my_registry.example.com/app}, which the kubelet still accepts)
 * @param path the repository path
 * @param tag the tag as written, or null
 * @param digest the digest as written, or null
 */
public record ImageReference(String input, String domain, String path, String tag, String digest) {

  /** Docker Hub, the registry of references that name none. */
  public static final String DEFAULT_REGISTRY = "docker.io";

  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN_NAME = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*";
  private static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
  private static final String DOMAIN_AND_PORT =
      "(?:" + DOMAIN_NAME + "|" + IPV6 + ")" + "(?::[0-9]+)?";
  private static final String TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}";
  private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
  private static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
  private static final String NAME = "(?:" + DOMAIN_AND_PORT + "/)?" + REMOTE_NAME;

  private static final Pattern REFERENCE =
      Pattern.compile("(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
  private static final Pattern ANCHORED_NAME =
      Pattern.compile("(?:(" + DOMAIN_AND_PORT + ")/)?(" + REMOTE_NAME + ")");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern HEX_LOWER = Pattern.compile("[a-f0-9]*");

  /** Thrown for a reference the kubelet refuses; the message is one line. */
  public static final class InvalidImageName extends IllegalArgumentException {
    InvalidImageName(String reference, String why) {
      super("invalid image reference \"" + reference + "\": " + why, null);
    }
  }

  /**
   * Parses a reference such as {@code nginx}, {@code ghcr.io/org/app:1.2}, {@code
   * localhost:5000/app@sha256:…}.
   *
   * @throws InvalidImageName when the kubelet would refuse it
   */
  public static ImageReference parse(String reference) {
    if (IDENTIFIER.matcher(reference).matches()) {
      throw new InvalidImageName(reference, "cannot specify 64-byte hexadecimal strings");
    }
    String domain;
    String remainder;
    int slash = reference.indexOf('/');
    if (slash < 0) {
      domain = DEFAULT_REGISTRY;
      remainder = "library/" + reference;
    } else {
      String maybeDomain = reference.substring(0, slash);
      String maybeRemote = reference.substring(slash + 1);
      if (maybeDomain.equals("localhost")) {
        domain = maybeDomain;
        remainder = maybeRemote;
      } else if (maybeDomain.equals("index.docker.io")) {
        domain = DEFAULT_REGISTRY;
        remainder = maybeRemote;
      } else if (maybeDomain.contains(".")
          || maybeDomain.contains(":")
          || !maybeDomain.toLowerCase(Locale.ROOT).equals(maybeDomain)) {
        domain = maybeDomain;
        remainder = maybeRemote;
      } else {
        domain = DEFAULT_REGISTRY;
        remainder = reference;
      }
      if (domain.equals(DEFAULT_REGISTRY) && !remainder.contains("/")) {
        remainder = "library/" + remainder;
      }
    }
    int colon = remainder.indexOf(':');
    String remote = colon < 0 ? remainder : remainder.substring(0, colon);
    if (!remote.toLowerCase(Locale.ROOT).equals(remote)) {
      throw new InvalidImageName(reference, "repository name must be lowercase");
    }
    String full = domain + "/" + remainder;
    Matcher m = REFERENCE.matcher(full);
    if (!m.matches()) {
      if (full.isEmpty()) {
        throw new InvalidImageName(reference, "repository name must have at least one component");
      }
      if (REFERENCE.matcher(full.toLowerCase(Locale.ROOT)).matches()) {
        throw new InvalidImageName(reference, "repository name must be lowercase");
      }
      throw new InvalidImageName(reference, "invalid reference format");
    }
    Matcher name = ANCHORED_NAME.matcher(m.group(1));
    String parsedDomain = "";
    String path = m.group(1);
    if (name.matches()) {
      parsedDomain = name.group(1) == null ? "" : name.group(1);
      path = name.group(2);
    }
    if (path.length() > 255) {
      throw new InvalidImageName(reference, "repository name must not be more than 255 characters");
    }
    String tag = m.group(2);
    String digest = m.group(3);
    if (digest != null) {
      String why = digestProblem(digest);
      if (why != null) {
        throw new InvalidImageName(reference, why);
      }
    }
    return new ImageReference(reference, parsedDomain, path, tag, digest);
  }

  /** go-digest's Parse: only algorithms the kubelet links (sha256, sha384, sha512). */
  private static String digestProblem(String digest) {
    int i = digest.indexOf(':');
    String algorithm = digest.substring(0, i);
    String encoded = digest.substring(i + 1);
    int size =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha384" -> 96;
          case "sha512" -> 128;
          default -> -1;
        };
    if (size < 0) {
      return algorithm.matches("[a-z0-9]+(?:[.+_-][a-z0-9]+)*")
              && encoded.matches("[a-zA-Z0-9=_-]+")
          ? "unsupported digest algorithm"
          : "invalid checksum digest format";
    }
    if (encoded.length() != size) {
      return "invalid checksum digest length";
    }
    return HEX_LOWER.matcher(encoded).matches() ? null : "invalid checksum digest format";
  }

  /**
   * The imagePullPolicy the API server fills in when a container sets none: {@code Always} when the
   * kubelet's parser reads the tag as {@code latest} (also when there is neither tag nor digest),
   * else {@code IfNotPresent} (also for a reference it cannot parse).
   */
  public static String defaultPullPolicy(String reference) {
    try {
      return parse(reference).defaultPullPolicy();
    } catch (InvalidImageName e) {
      return "IfNotPresent";
    }
  }

  /** The repository's full name, what the kubelet looks credentials up for. */
  public String name() {
    return domain.isEmpty() ? path : domain + "/" + path;
  }

  /** The registry host (with port): the first component of {@link #name()}. */
  public String registry() {
    String n = name();
    return n.substring(0, n.indexOf('/') < 0 ? n.length() : n.indexOf('/'));
  }

  /** The repository inside the registry: {@link #name()} after the registry. */
  public String repository() {
    String n = name();
    int slash = n.indexOf('/');
    return slash < 0 ? "" : n.substring(slash + 1);
  }

  /** The tag the kubelet uses: the one written, or {@code latest} when neither tag nor digest. */
  public String effectiveTag() {
    return tag == null && digest == null ? "latest" : tag;
  }

  /** The reference the kubelet asks the runtime to pull: the input plus a default tag if any. */
  public String pull() {
    String t = effectiveTag();
    if (digest == null && t != null && !input.endsWith(":" + t)) {
      return input + ":" + t;
    }
    return input;
  }

  /** The fully qualified reference, with tag and digest as written. */
  public String canonical() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  /** The default imagePullPolicy for this reference (see {@link #defaultPullPolicy(String)}). */
  public String defaultPullPolicy() {
    return "latest".equals(effectiveTag()) ? "Always" : "IfNotPresent";
  }
}
