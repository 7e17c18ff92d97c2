package dev.pullpolicy.api.ownership;

/**
 * What an existing Secret at a policy's target name is, from that policy's point of view. {@link
 * Ownership#classify} decides it, in this order: a Secret named by any policy's {@code sources} is
 * {@link #SOURCE} whatever labels it carries (even when it does not exist yet); then {@link
 * #ABSENT}, {@link #OURS}, {@link #OTHER_POLICY}, {@link #FOREIGN}.
 */
public enum SecretClass {
  /** No Secret with that name in that namespace. */
  ABSENT,
  /**
   * This policy's copy: labelled {@code app.kubernetes.io/managed-by: pullpolicy} and {@code
   * pullpolicy.dev/policy: <this policy>}, or owned by this policy (owner reference to its uid).
   */
  OURS,
  /** Another policy's copy: labelled managed by pullpolicy for another policy. */
  OTHER_POLICY,
  /** A source of some policy: never written or deleted by any policy. */
  SOURCE,
  /** Any other Secret: pullpolicy does not manage it. */
  FOREIGN
}
