package dev.pullpolicy.api.conditions;

/** The condition types on a policy's status; the operator sets all three on every reconcile. */
public enum ConditionType {
  /** Every selected namespace has its copy and every selected ServiceAccount its entry. */
  Ready,
  /** The sources exist and are usable pull Secrets. */
  SourceValid,
  /**
   * The API server adds the policy's entry to a ServiceAccount as it is created (the
   * MutatingAdmissionPolicy of {@code deploy/}), so that no Pod is created before its
   * ServiceAccount lists the Secret. Informational: {@link #Ready} does not depend on it, and
   * without it the operator still adds every entry, a moment after the ServiceAccount appears.
   */
  AdmissionActive
}
