package dev.pullpolicy.api.v1alpha1;

import dev.pullpolicy.api.conditions.ConditionType;

/** Labels and annotations pullpolicy reads and writes; shared by the operator and the plugin. */
public final class PullPolicyLabels {
  /** Label on every copy: the name of the policy that manages it. */
  public static final String POLICY = "pullpolicy.dev/policy";

  /** Standard label on every copy. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** Value of {@link #MANAGED_BY}. */
  public static final String MANAGED_BY_VALUE = "pullpolicy";

  /** Annotation on every copy: a hash of the merged source data (never the data itself). */
  public static final String SOURCE_HASH = "pullpolicy.dev/source-hash";

  /**
   * Annotation on a namespace: {@code true} in any letter case opts it out of every policy (see
   * {@code dev.pullpolicy.api.selection.Namespaces#optsOut}).
   */
  public static final String IGNORE = "pullpolicy.dev/ignore";

  /**
   * Annotation on a ServiceAccount: the imagePullSecrets entries pullpolicy added, as a JSON object
   * from Secret name to policy name, so that removal takes only those.
   */
  public static final String SERVICE_ACCOUNT_ENTRIES = "pullpolicy.dev/image-pull-secrets";

  /** Finalizer on the policy (never on namespaces). */
  public static final String FINALIZER = "pullpolicy.dev/cleanup";

  /** The condition type Ready; the types themselves are {@link ConditionType}. */
  public static final String CONDITION_READY = ConditionType.Ready.name();

  /** The condition type SourceValid; the types themselves are {@link ConditionType}. */
  public static final String CONDITION_SOURCE_VALID = ConditionType.SourceValid.name();

  private PullPolicyLabels() {}
}
