package dev.pullpolicy.operator.apply;

import dev.pullpolicy.api.conditions.FailureReason;

/**
 * What became of one namespace after the writes.
 *
 * @param namespace the namespace
 * @param result synced, conflict, failed, or none (not selected)
 * @param reason why, when in conflict or failed
 * @param message when in conflict or failed (never data)
 * @param serviceAccountsSelected selected ServiceAccounts there
 * @param serviceAccountsPatched those that list the copy now
 * @param wrote whether anything was written
 */
public record Outcome(
    String namespace,
    Result result,
    FailureReason reason,
    String message,
    int serviceAccountsSelected,
    int serviceAccountsPatched,
    boolean wrote) {

  /** The result for one namespace. */
  public enum Result {
    SYNCED,
    CONFLICT,
    FAILED,
    /** Not selected (or ignored): only cleanup happened. */
    NONE
  }

  /** The same outcome, as a fact about the namespace rather than news of this pass: no write. */
  public Outcome withoutWrite() {
    return wrote
        ? new Outcome(
            namespace,
            result,
            reason,
            message,
            serviceAccountsSelected,
            serviceAccountsPatched,
            false)
        : this;
  }

  static Outcome none(String namespace, boolean wrote) {
    return new Outcome(namespace, Result.NONE, null, null, 0, 0, wrote);
  }

  static Outcome synced(String namespace, int selected, int patched, boolean wrote) {
    return new Outcome(namespace, Result.SYNCED, null, null, selected, patched, wrote);
  }

  static Outcome conflict(String namespace, FailureReason reason, String message, boolean wrote) {
    return new Outcome(namespace, Result.CONFLICT, reason, message, 0, 0, wrote);
  }

  static Outcome failed(String namespace, Response<?> response, boolean wrote) {
    return new Outcome(
        namespace, Result.FAILED, reasonOf(response.code()), response.message(), 0, 0, wrote);
  }

  /** The failure reason of an HTTP status code. */
  static FailureReason reasonOf(int code) {
    return switch (code) {
      case 403 -> FailureReason.Forbidden;
      case 404 -> FailureReason.NotFound;
      case 409 -> FailureReason.Conflict;
      case 422 -> FailureReason.Invalid;
      default -> FailureReason.WriteFailed;
    };
  }
}
