package dev.pullpolicy.api.ownership;

import dev.pullpolicy.api.conditions.FailureReason;

/**
 * What a policy may do about its target name in one namespace, given what is there ({@link
 * Ownership#decide}).
 *
 * @param action what to do
 * @param reason for {@link Action#CONFLICT}: why (one of the conflict reasons), else null
 * @param message for {@link Action#CONFLICT}: a message naming the Secret (never data), else null
 */
public record WriteDecision(Action action, FailureReason reason, String message) {

  /** The possible decisions. */
  public enum Action {
    /** Nothing is there: create the copy. */
    CREATE,
    /** Our copy is there: update it (when it is not in sync). */
    UPDATE,
    /** A foreign Secret is there and {@code onConflict: Adopt}: take it over. */
    ADOPT,
    /**
     * The target is the policy's only source, in its own namespace: the source itself serves there
     * and nothing is written.
     */
    SERVED_BY_SOURCE,
    /** The target name is taken by a Secret this policy may not write: report, write nothing. */
    CONFLICT
  }

  /** True when the decision lets the policy write the Secret. */
  public boolean writes() {
    return action == Action.CREATE || action == Action.UPDATE || action == Action.ADOPT;
  }

  private static final WriteDecision CREATE = new WriteDecision(Action.CREATE, null, null);
  private static final WriteDecision UPDATE = new WriteDecision(Action.UPDATE, null, null);
  private static final WriteDecision ADOPT = new WriteDecision(Action.ADOPT, null, null);
  private static final WriteDecision SERVED_BY_SOURCE =
      new WriteDecision(Action.SERVED_BY_SOURCE, null, null);

  /** The decision without a reason (one shared instance each: planning asks once a namespace). */
  static WriteDecision of(Action action) {
    return switch (action) {
      case CREATE -> CREATE;
      case UPDATE -> UPDATE;
      case ADOPT -> ADOPT;
      case SERVED_BY_SOURCE -> SERVED_BY_SOURCE;
      case CONFLICT -> throw new IllegalArgumentException("a conflict has a reason");
    };
  }

  static WriteDecision conflict(FailureReason reason, String message) {
    return new WriteDecision(Action.CONFLICT, reason, message);
  }
}
