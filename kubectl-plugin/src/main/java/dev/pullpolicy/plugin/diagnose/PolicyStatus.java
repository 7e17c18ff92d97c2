package dev.pullpolicy.plugin.diagnose;

import java.util.List;

/**
 * The per-namespace state of one policy, computed from the cluster.
 *
 * @param sourcesReadable whether the copies' data could be compared with the sources
 * @param secretsReadable whether the caller may read Secrets at all (else states are Unknown)
 */
public record PolicyStatus(
    String policy,
    String ready,
    String reason,
    String message,
    List<String> sources,
    String secretName,
    List<String> registries,
    boolean secretsReadable,
    boolean sourcesReadable,
    List<Row> namespaces) {

  /** The copy state of a namespace. */
  public enum CopyState {
    Synced,
    Missing,
    Stale,
    Conflict,
    Ignored,
    Terminating,
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
}
