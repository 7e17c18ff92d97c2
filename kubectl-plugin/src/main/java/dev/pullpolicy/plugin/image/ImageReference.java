package dev.pullpolicy.plugin.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A container image reference, parsed and normalised the way container runtimes (and the kubelet)
 * do: the first path component is a registry host only when it contains a '.' or a ':' or is {@code
 * localhost}; otherwise the registry is {@code docker.io}, and a single-name Docker Hub image lives
 * under {@code library/}.
 *
 * @param registry the registry host, with its port if any ({@code docker.io} by default)
 * @param repository the path inside the registry, e.g. {@code library/nginx}
 * @param tag the tag, or null when none was written
 * @param digest the digest ({@code sha256:...}), or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  /** Docker Hub, the registry of references that name none. */
  public static final String DEFAULT_REGISTRY = "docker.io";

  private static final String LEGACY_DEFAULT_REGISTRY = "index.docker.io";
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
              + "|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");

  /**
   * Parses a reference such as {@code nginx}, {@code ghcr.io/org/app:1.2}, {@code
   * localhost:5000/app@sha256:...}.
   *
   * @throws IllegalArgumentException with a one-line reason when the reference is invalid
   */
  public static ImageReference parse(String reference) {
    if (reference == null || reference.isEmpty()) {
      throw new IllegalArgumentException("invalid image reference: empty");
    }
    if (reference.length() > 4096 || !reference.equals(reference.strip())) {
      throw new IllegalArgumentException("invalid image reference \"" + reference + "\"");
    }
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException(
            "invalid image reference \"" + reference + "\": invalid digest");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException(
            "invalid image reference \"" + reference + "\": invalid tag \"" + tag + "\"");
      }
    }
    String registry;
    String path;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? rest : rest.substring(0, slash);
    boolean firstIsHost =
        slash >= 0
            && (first.contains(".")
                || first.contains(":")
                || first.equals("localhost")
                || !first.toLowerCase(Locale.ROOT).equals(first));
    if (firstIsHost) {
      registry = first;
      path = rest.substring(slash + 1);
      if (!HOST.matcher(registry).matches()) {
        throw new IllegalArgumentException(
            "invalid image reference \"" + reference + "\": invalid registry \"" + registry + "\"");
      }
    } else {
      registry = DEFAULT_REGISTRY;
      path = rest;
    }
    if (registry.equals(LEGACY_DEFAULT_REGISTRY)) {
      registry = DEFAULT_REGISTRY;
    }
    if (registry.equals(DEFAULT_REGISTRY) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (path.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": no repository");
    }
    for (String component : path.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        String why =
            component.toLowerCase(Locale.ROOT).equals(component)
                ? "invalid repository name \"" + path + "\""
                : "repository name must be lowercase";
        throw new IllegalArgumentException("invalid image reference \"" + reference + "\": " + why);
      }
    }
    if (registry.length() + 1 + path.length() > 255) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + reference + "\": repository name too long");
    }
    return new ImageReference(registry, path, tag, digest);
  }

  /**
   * The fully qualified repository without tag or digest: what the kubelet looks credentials up
   * for.
   */
  public String name() {
    return registry + "/" + repository;
  }

  /** The fully qualified reference, with tag and digest as written. */
  public String canonical() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  /**
   * The imagePullPolicy the API server fills in when a container sets none: {@code Always} when the
   * tag is {@code latest} or when neither tag nor digest is given, else {@code IfNotPresent}.
   */
  public String defaultPullPolicy() {
    boolean latest = "latest".equals(tag) || (tag == null && digest == null);
    return latest ? "Always" : "IfNotPresent";
  }
}
