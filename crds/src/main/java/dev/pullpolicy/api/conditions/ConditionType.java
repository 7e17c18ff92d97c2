package dev.pullpolicy.api.conditions;

/** The condition types on a policy's status; the operator sets both on every reconcile. */
public enum ConditionType {
  /** Every selected namespace has its copy and every selected ServiceAccount its entry. */
  Ready,
  /** The sources exist and are usable pull Secrets. */
  SourceValid
}
