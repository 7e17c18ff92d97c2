package dev.pullpolicy.api.v1alpha1;

/** What happens to copies and ServiceAccount entries when the policy is deleted. */
public enum OnDelete {
  /** Remove the copies and the ServiceAccount entries that pullpolicy added. */
  Delete,
  /** Leave them in place, no longer managed. */
  Orphan
}
