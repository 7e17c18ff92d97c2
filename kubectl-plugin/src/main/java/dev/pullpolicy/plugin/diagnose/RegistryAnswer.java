package dev.pullpolicy.plugin.diagnose;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the registry (or the way to it) answered a pull, read from the text the kubelet wrote: the
 * container's waiting message or a {@code Failed to pull image "…": …} Event. The texts are the
 * container runtime's (containerd's, as the kubelet passes them on); those on the real node are in
 * kubectl-plugin/README.md.
 *
 * @param kind what the answer means
 * @param text the runtime's error, without the kubelet's {@code Failed to pull image "…": } or
 *     {@code Back-off pulling image "…": ErrImagePull: } in front
 */
public record RegistryAnswer(Kind kind, String text) {

  /** What a failed pull's answer means. */
  public enum Kind {
    /** The registry asked for credentials and the runtime had none to send. */
    NO_CREDENTIAL,
    /** The registry rejected the credential that was sent (401, unauthorized). */
    CREDENTIAL_REJECTED,
    /**
     * The registry refused access (403, denied): the credential may not read the repository, or the
     * repository does not exist (registries often do not say which).
     */
    ACCESS_DENIED,
    /** The registry answered that the repository, tag or digest does not exist. */
    NOT_FOUND,
    /** The registry's name does not resolve. */
    UNREACHABLE_DNS,
    /** Nothing accepts connections at the registry's address, or the network is unreachable. */
    UNREACHABLE_CONNECTION,
    /** TLS failed: a certificate not trusted or not for that name, or not a TLS server. */
    UNREACHABLE_TLS,
    /** The registry did not answer in time. */
    UNREACHABLE_TIMEOUT;

    /** True for the kinds where no registry answered at all. */
    public boolean unreachable() {
      return name().startsWith("UNREACHABLE_");
    }
  }

  private static final List<String> KUBELET_PREFIXES =
      List.of("Failed to pull image \"", "Back-off pulling image \"");

  /**
   * Reads the first text that says what the registry answered.
   *
   * @param texts the kubelet's texts, most telling first (the waiting message, then the Events'
   *     messages, newest first); nulls are skipped
   */
  public static Optional<RegistryAnswer> first(List<String> texts) {
    for (String t : texts) {
      Optional<RegistryAnswer> a = of(t);
      if (a.isPresent()) {
        return a;
      }
    }
    return Optional.empty();
  }

  /** What one text of the kubelet says, if it says anything this class knows. */
  public static Optional<RegistryAnswer> of(String kubeletText) {
    if (kubeletText == null || kubeletText.isBlank()) {
      return Optional.empty();
    }
    String text = runtimeError(kubeletText);
    Kind kind = kind(text.toLowerCase(Locale.ROOT));
    return kind == null ? Optional.empty() : Optional.of(new RegistryAnswer(kind, text));
  }

  /** Drops the kubelet's own words in front of the runtime's error. */
  static String runtimeError(String text) {
    for (String prefix : KUBELET_PREFIXES) {
      if (text.startsWith(prefix)) {
        int end = text.indexOf("\": ", prefix.length());
        if (end < 0) {
          return text;
        }
        String rest = text.substring(end + 3);
        for (String reason : List.of("ErrImagePull: ", "RegistryUnavailable: ")) {
          if (rest.startsWith(reason)) {
            return rest.substring(reason.length());
          }
        }
        return rest;
      }
    }
    return text;
  }

  /** The kind of an error text (lower case), in the order the pull meets them; null: unknown. */
  private static Kind kind(String t) {
    if (t.contains("no such host")
        || t.contains("server misbehaving")
        || t.contains("dial tcp: lookup ")
        || t.contains("name resolution")) {
      return Kind.UNREACHABLE_DNS;
    }
    if (t.contains("x509:")
        || t.contains("tls:")
        || t.contains("http response to https client")
        || t.contains("does not look like a tls handshake")
        || t.contains("certificate")) {
      return Kind.UNREACHABLE_TLS;
    }
    if (t.contains("connection refused")
        || t.contains("network is unreachable")
        || t.contains("no route to host")
        || t.contains("connection reset")) {
      return Kind.UNREACHABLE_CONNECTION;
    }
    if (t.contains("i/o timeout")
        || t.contains("deadline exceeded")
        || t.contains("client.timeout exceeded")) {
      return Kind.UNREACHABLE_TIMEOUT;
    }
    if (t.contains("no basic auth credentials")) {
      return Kind.NO_CREDENTIAL;
    }
    if (t.contains("401 unauthorized")
        || t.contains("unauthorized")
        || t.contains("authentication required")) {
      return Kind.CREDENTIAL_REJECTED;
    }
    if (t.contains("403 forbidden")
        || t.contains("denied")
        || t.contains("insufficient_scope")
        || t.contains("forbidden")) {
      return Kind.ACCESS_DENIED;
    }
    if (t.contains(": not found")
        || t.endsWith("not found")
        || t.contains("code = notfound")
        || t.contains("manifest unknown")
        || t.contains("name unknown")
        || t.contains("404 not found")) {
      return Kind.NOT_FOUND;
    }
    return null;
  }
}
