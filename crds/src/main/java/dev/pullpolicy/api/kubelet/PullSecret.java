package dev.pullpolicy.api.kubelet;

import java.util.List;

/**
 * What the kubelet makes of one Secret a Pod names in {@code imagePullSecrets}
 * (pkg/credentialprovider/secrets.MakeDockerKeyring, Kubernetes v1.37.2). Read one with {@link
 * PullSecrets}. No text here holds Secret data: reasons name registries (without user-info) and
 * JSON fields, never values.
 *
 * @param name the Secret's name
 * @param problem why it contributes nothing, or {@link Problem#NONE}
 * @param reason a one-line reason for users (null when {@code problem} is NONE)
 * @param type the Secret's type as read (null when unknown)
 * @param layout which document layout it holds, when it was read
 * @param entries its registries as the kubelet decodes them (the last of duplicates), in document
 *     order; those the kubelet cannot index are kept with {@link RegistryKey#usable()} false
 */
public record PullSecret(
    String name, Problem problem, String reason, String type, Layout layout, List<Entry> entries) {

  /** Why a Secret gives the kubelet no credential. */
  public enum Problem {
    /** It is used: its registries go into the keyring. */
    NONE(State.USED),
    /** It does not exist: the kubelet skips it (and logs a warning). */
    NOT_FOUND(State.SKIPPED),
    /** It could not be read with the caller's credentials (it may be fine). */
    FORBIDDEN(State.UNKNOWN),
    /** Its type is not a pull Secret type: the kubelet skips it. */
    WRONG_TYPE(State.SKIPPED),
    /** It lacks its type's data key, or the value is empty: the kubelet skips it. */
    NO_DATA_KEY(State.SKIPPED),
    /** Its data is not JSON: the keyring cannot be built and no image of the Pod is pulled. */
    NOT_JSON(State.REFUSED),
    /** A field has the wrong JSON type: the keyring cannot be built, nothing is pulled. */
    WRONG_JSON_TYPE(State.REFUSED),
    /** An {@code auth} does not decode: the keyring cannot be built, nothing is pulled. */
    BAD_AUTH(State.REFUSED);

    private final State state;

    Problem(State state) {
      this.state = state;
    }

    public State state() {
      return state;
    }
  }

  /** What the kubelet does with the Secret. */
  public enum State {
    /** Its registries are added to the keyring. */
    USED,
    /** It is passed over; the other Secrets still count. */
    SKIPPED,
    /** Building the keyring fails: the pull fails with this error, before any registry is asked. */
    REFUSED,
    /** Not known (it could not be read). */
    UNKNOWN
  }

  /** The document layout found in the Secret's data. */
  public enum Layout {
    /** Not read, or neither layout (no registry anywhere). */
    NONE,
    /** {@code {"auths": {registry: entry}}}, the layout of kubernetes.io/dockerconfigjson. */
    CONFIG_JSON,
    /** {@code {registry: entry}}, the layout of kubernetes.io/dockercfg. */
    LEGACY
  }

  /**
   * One registry of the Secret.
   *
   * @param key the registry, as the kubelet indexes it (or ignores it)
   * @param credential what the kubelet would send for it
   * @param json the entry's JSON value, compact (a byte string); only the operator's merge reads it
   */
  public record Entry(RegistryKey key, Credential credential, String json) {
    @Override
    public String toString() {
      return "Entry[" + key.display() + "]";
    }
  }

  public State state() {
    return problem.state();
  }

  /** Whether the kubelet adds this Secret's registries to the keyring. */
  public boolean used() {
    return problem == Problem.NONE;
  }

  /** Whether this Secret makes the kubelet's keyring build fail (then nothing is pulled). */
  public boolean refused() {
    return problem.state() == State.REFUSED;
  }

  /** The registries the kubelet indexes. */
  public List<Entry> usableEntries() {
    return entries.stream().filter(e -> e.key().usable()).toList();
  }

  /** The registries the kubelet drops because they are not URLs it can parse. */
  public List<Entry> ignoredEntries() {
    return entries.stream().filter(e -> !e.key().usable()).toList();
  }

  /**
   * Whether the layout does not fit the type: a dockercfg Secret holding {@code {"auths": …}} (the
   * kubelet then reads "auths" as a registry name), or a dockerconfigjson Secret holding registries
   * at the top level (the kubelet then reads no registry at all).
   */
  public boolean layoutMismatch() {
    return (PullSecrets.TYPE_DOCKERCFG.equals(type) && layout == Layout.CONFIG_JSON)
        || (PullSecrets.TYPE_DOCKER_CONFIG_JSON.equals(type) && layout == Layout.LEGACY);
  }

  /** A one-line description for users. */
  public String describe() {
    return switch (problem) {
      case NONE ->
          "Secret "
              + name
              + (usableEntries().isEmpty() ? " has no registry" : " covers " + registries());
      case NOT_FOUND -> "Secret " + name + " does not exist";
      case FORBIDDEN -> "Secret " + name + " could not be read (forbidden)";
      default -> "Secret " + name + " " + reason;
    };
  }

  /** The registries the kubelet indexes, as users read them, comma-separated. */
  public String registries() {
    List<String> shown = usableEntries().stream().map(e -> e.key().display()).toList();
    return shown.isEmpty() ? "no registry" : String.join(", ", shown);
  }
}
