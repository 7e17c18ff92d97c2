package dev.pullpolicy.api.conditions;

/** The reasons of the {@link ConditionType#Ready} condition. */
public enum ReadyReason {
  /** True: every selected namespace is synced and every selected ServiceAccount patched. */
  AllSynced,
  /** True: the policy selects no namespace, so there is nothing to do. */
  NoNamespacesSelected,
  /** False: some namespace is in conflict or failed, or some ServiceAccount lacks the entry. */
  NotAllSynced,
  /** False: the sources are not usable (see {@link ConditionType#SourceValid}). */
  SourceInvalid;
}
