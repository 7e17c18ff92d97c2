package dev.pullpolicy.plugin.diagnose;

import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.ownership.WriteDecision;
import dev.pullpolicy.api.selection.NamespaceVerdict;
import dev.pullpolicy.api.selection.Namespaces;
import dev.pullpolicy.api.selection.ServiceAccounts;
import dev.pullpolicy.api.v1alpha1.Failure;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.plugin.cluster.ClusterReader.MetadataRead;
import dev.pullpolicy.plugin.diagnose.PolicyStatus.CopyState;
import dev.pullpolicy.plugin.diagnose.PolicyStatus.Row;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Computes a policy's per-namespace state from what is in the cluster (a pure function: the caller
 * reads, this decides), with the operator's own rules: which namespaces and ServiceAccounts the
 * policy selects, and what it may do with the Secret at its target name. Whether a copy is current
 * is told from metadata alone: its source-hash annotation against the hash the operator publishes
 * in the policy's status. No Secret data is needed.
 */
public final class StatusCalculator {
  private StatusCalculator() {}

  /**
   * @param allSources the sources of every policy (a source is never written, whoever names it)
   * @param serviceAccounts the ServiceAccounts by namespace
   * @param copies the metadata of the Secret at the target name in a namespace (asked only for
   *     namespaces the policy selects)
   */
  public static PolicyStatus compute(
      PullCredentialPolicy policy,
      Collection<SecretReference> allSources,
      List<Namespace> namespaces,
      Map<String, List<ServiceAccount>> serviceAccounts,
      Function<String, MetadataRead> copies) {
    String name = policy.getMetadata().getName();
    Ownership ownership = Ownership.of(policy, allSources);
    List<SecretReference> sourceRefs =
        policy.getSpec() == null || policy.getSpec().getSources() == null
            ? List.of()
            : policy.getSpec().getSources();
    PullCredentialPolicyStatus status = policy.getStatus();
    String hash = status == null ? null : status.getSourceHash();
    Condition ready = status == null ? null : status.condition(ConditionType.Ready);
    List<Row> rows = new ArrayList<>();
    for (Namespace ns : namespaces) {
      String nsName = ns.getMetadata().getName();
      NamespaceVerdict verdict =
          Namespaces.verdict(
              policy.getSpec() == null ? null : policy.getSpec().getNamespaces(), ns);
      switch (verdict) {
        case NOT_SELECTED -> {
          continue;
        }
        case IGNORED, TERMINATING -> {
          rows.add(
              new Row(
                  nsName,
                  verdict == NamespaceVerdict.IGNORED ? CopyState.Ignored : CopyState.Terminating,
                  0,
                  0,
                  List.of(),
                  lastError(policy, nsName)));
          continue;
        }
        default -> {}
      }
      List<ServiceAccount> selected =
          serviceAccounts.getOrDefault(nsName, List.of()).stream()
              .filter(
                  sa ->
                      ServiceAccounts.selected(
                          policy.getSpec() == null ? null : policy.getSpec().getServiceAccounts(),
                          sa))
              .toList();
      List<String> lacking =
          selected.stream()
              .filter(sa -> !ServiceAccountEntries.hasEntry(sa, ownership.target()))
              .map(sa -> sa.getMetadata().getName())
              .sorted()
              .toList();
      MetadataRead read = copies.apply(nsName);
      CopyState state =
          read.forbidden()
              ? CopyState.Unknown
              : copyState(name, ownership, nsName, read.metadata(), hash);
      rows.add(
          new Row(
              nsName,
              state,
              selected.size() - lacking.size(),
              selected.size(),
              lacking,
              lastError(policy, nsName)));
    }
    return new PolicyStatus(
        name,
        ready == null ? "Unknown" : ready.getStatus(),
        ready == null ? null : ready.getReason(),
        ready == null ? null : ready.getMessage(),
        sourceRefs.stream().map(SecretReference::toString).toList(),
        ownership.target(),
        status == null || status.getRegistries() == null ? List.of() : status.getRegistries(),
        hash != null,
        rows,
        admission(status));
  }

  private static PolicyStatus.Admission admission(PullCredentialPolicyStatus status) {
    Condition c = status == null ? null : status.condition(ConditionType.AdmissionActive);
    return c == null
        ? null
        : new PolicyStatus.Admission(c.getStatus(), c.getReason(), c.getMessage());
  }

  /**
   * The state of the Secret at the target name, from what the operator may do with it ({@link
   * Ownership#decide}) and, for its own copy, whether the copy carries the published hash and the
   * policy's labels.
   */
  static CopyState copyState(
      String policy, Ownership ownership, String namespace, ObjectMeta copy, String hash) {
    // the plugin reads metadata only, so the type is not known here (see Ownership)
    WriteDecision decision = ownership.decide(namespace, copy, null);
    return switch (decision.action()) {
      case SERVED_BY_SOURCE -> CopyState.Synced;
      case CONFLICT -> CopyState.Conflict;
      case CREATE -> CopyState.Missing;
      case ADOPT -> CopyState.Stale;
      case UPDATE -> {
        if (hash == null) {
          yield CopyState.Unknown;
        }
        Map<String, String> annotations = copy.getAnnotations();
        boolean current =
            annotations != null && hash.equals(annotations.get(PullPolicyLabels.SOURCE_HASH));
        yield current && policy.equals(Ownership.managingPolicy(copy))
            ? CopyState.Synced
            : CopyState.Stale;
      }
    };
  }

  private static String lastError(PullCredentialPolicy policy, String namespace) {
    Failure f = policy.getStatus() == null ? null : policy.getStatus().failureIn(namespace);
    return f == null ? null : f.getReason() + ": " + f.getMessage();
  }
}
