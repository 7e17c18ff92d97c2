package dev.pullpolicy.api.sources;

/**
 * Why a source Secret cannot be used. The message is one line that names the Secret and the
 * problem, never its data.
 */
public class SourceProblem extends Exception {
  /** Reasons (CamelCase, used as condition reasons). */
  public static final String NOT_FOUND = "SourceNotFound";

  public static final String WRONG_TYPE = "WrongSecretType";
  public static final String MISSING_KEY = "MissingKey";
  public static final String INVALID_JSON = "InvalidJson";
  public static final String NO_AUTHS = "NoAuths";
  public static final String BAD_AUTH = "BadAuth";

  /**
   * The data has the layout of the other pull Secret type ({@code {"auths": …}} in a dockercfg
   * Secret, or registries at the top level in a dockerconfigjson Secret): the kubelet reads it
   * without error but finds no usable registry in it.
   */
  public static final String WRONG_LAYOUT = "WrongLayout";

  private final String reason;

  public SourceProblem(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
