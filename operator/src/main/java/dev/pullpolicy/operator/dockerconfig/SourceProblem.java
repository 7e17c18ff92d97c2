package dev.pullpolicy.operator.dockerconfig;

/**
 * Why a source Secret cannot be used. The message names the Secret and the problem, never its data.
 */
public class SourceProblem extends Exception {
  /** Reasons (CamelCase, used as condition reasons). */
  public static final String NOT_FOUND = "SourceNotFound";

  public static final String WRONG_TYPE = "WrongSecretType";
  public static final String MISSING_KEY = "MissingKey";
  public static final String INVALID_JSON = "InvalidJson";
  public static final String NO_AUTHS = "NoAuths";
  public static final String BAD_AUTH = "BadAuth";

  private final String reason;

  public SourceProblem(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
