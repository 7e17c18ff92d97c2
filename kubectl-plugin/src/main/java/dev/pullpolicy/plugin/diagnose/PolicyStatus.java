package dev.pullpolicy.plugin.diagnose;

import java.util.List;

/**
 * The per-namespace state of one policy, computed from the cluster's metadata.
 *
 * @param ready the Ready condition's status (True, False), or Unknown before the operator wrote one
 * @param reason the Ready condition's reason, one of {@code ReadyReason} from an operator of this
 *     version
 * @param hashPublished whether the policy's status carries the sources' hash (else copies are
 *     Unknown: the operator has not reconciled the policy yet)
 * @param admission the AdmissionActive condition: whether the API server adds the entry to
 *     ServiceAccounts as they are created; null before an operator of this version reported it
 */
public record PolicyStatus(
    String policy,
    String ready,
    String reason,
    String message,
    List<String> sources,
    String secretName,
    List<String> registries,
    boolean hashPublished,
    List<Row> namespaces,
    Admission admission) {

  /** The AdmissionActive condition as the operator reported it. */
  public record Admission(String status, String reason, String message) {}

  /** The copy state of a namespace. */
  public enum CopyState {
    /** The copy carries the sources' hash and our labels, or the policy's only source serves. */
    Synced,
    /** No Secret at the target name. */
    Missing,
    /**
     * The policy's copy with another hash (or without our labels), or a Secret that {@code
     * onConflict: Adopt} will take over.
     */
    Stale,
    /** The target name is held by a Secret the policy may not write. */
    Conflict,
    /** The namespace opts out. */
    Ignored,
    /** The namespace is being deleted. */
    Terminating,
    /** Not known: the Secret's metadata may not be read, or no hash is published yet. */
    Unknown
  }

  /**
   * One namespace.
   *
   * @param lacking the selected ServiceAccounts without the policy's imagePullSecrets entry
   * @param error the operator's last error for the namespace ("Reason: message"), or null
   */
  public record Row(
      String namespace,
      CopyState copy,
      int serviceAccountsPatched,
      int serviceAccountsSelected,
      List<String> lacking,
      String error) {}

  public boolean isReady() {
    return "True".equals(ready);
  }

  /** True when every copy's metadata could be read (else some rows are Unknown for that). */
  public boolean secretsReadable() {
    return !hashPublished || namespaces.stream().noneMatch(r -> r.copy() == CopyState.Unknown);
  }
}
