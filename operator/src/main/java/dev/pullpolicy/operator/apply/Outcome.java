package dev.pullpolicy.operator.apply;

/**
 * What became of one selected namespace after the writes.
 *
 * @param namespace the namespace
 * @param result synced, conflict or failed
 * @param reason CamelCase reason when not synced
 * @param message message when not synced (never data)
 * @param serviceAccountsSelected selected ServiceAccounts there
 * @param serviceAccountsPatched those that list the copy now
 * @param wrote whether anything was written
 */
public record Outcome(
    String namespace,
    Result result,
    String reason,
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
}
