package dev.pullpolicy.plugin.diagnose;

import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.sources.ParsedSource;
import dev.pullpolicy.api.sources.SourceConfigs;
import dev.pullpolicy.api.sources.SourceProblem;
import dev.pullpolicy.api.v1alpha1.Failure;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.plugin.cluster.Selection;
import dev.pullpolicy.plugin.cluster.Selection.NamespaceMatch;
import dev.pullpolicy.plugin.diagnose.PolicyStatus.CopyState;
import dev.pullpolicy.plugin.diagnose.PolicyStatus.Row;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes a policy's per-namespace state from what is in the cluster (a pure function: the caller
 * reads, this decides). A copy is Synced when its registry entries equal the merged sources' (first
 * source wins per registry), Stale when they differ, Missing when absent, and in Conflict when a
 * Secret with the target name is not this policy's.
 */
public final class StatusCalculator {
  private StatusCalculator() {}

  /**
   * @param targetSecrets the Secrets named like the target, by namespace; empty when Secrets may
   *     not be read
   * @param sources the source Secrets in spec order (null entries when missing); empty when they
   *     may not be read
   */
  public static PolicyStatus compute(
      PullCredentialPolicy policy,
      List<Namespace> namespaces,
      Optional<Map<String, Secret>> targetSecrets,
      Optional<List<Secret>> sources,
      Map<String, List<ServiceAccount>> serviceAccounts) {
    String name = policy.getMetadata().getName();
    String target = Selection.targetSecretName(policy);
    List<SecretReference> sourceRefs =
        policy.getSpec() == null || policy.getSpec().getSources() == null
            ? List.of()
            : policy.getSpec().getSources();
    String expected = sources.map(s -> expectedHash(sourceRefs, s)).orElse(null);
    var status = policy.getStatus();
    Condition ready = status == null ? null : status.condition(PullPolicyLabels.CONDITION_READY);
    List<Row> rows = new ArrayList<>();
    for (Namespace ns : namespaces) {
      String nsName = ns.getMetadata().getName();
      NamespaceMatch match = Selection.namespace(policy, ns);
      if (match == NamespaceMatch.NOT_SELECTED) {
        continue;
      }
      List<ServiceAccount> selected =
          serviceAccounts.getOrDefault(nsName, List.of()).stream()
              .filter(sa -> Selection.serviceAccount(policy, sa))
              .toList();
      List<String> lacking =
          selected.stream()
              .filter(sa -> !hasEntry(sa, target))
              .map(sa -> sa.getMetadata().getName())
              .sorted()
              .toList();
      CopyState state;
      if (match == NamespaceMatch.IGNORED) {
        state = CopyState.Ignored;
        lacking = List.of();
      } else if (match == NamespaceMatch.TERMINATING) {
        state = CopyState.Terminating;
        lacking = List.of();
      } else if (targetSecrets.isEmpty()) {
        state = CopyState.Unknown;
      } else {
        state =
            copyState(name, nsName, target, targetSecrets.get().get(nsName), sourceRefs, expected);
      }
      int patched = match == NamespaceMatch.SELECTED ? selected.size() - lacking.size() : 0;
      rows.add(
          new Row(
              nsName,
              state,
              patched,
              match == NamespaceMatch.SELECTED ? selected.size() : 0,
              lacking,
              lastError(policy, nsName)));
    }
    return new PolicyStatus(
        name,
        ready == null ? "Unknown" : ready.getStatus(),
        ready == null ? null : ready.getReason(),
        ready == null ? null : ready.getMessage(),
        sourceRefs.stream().map(s -> s.getNamespace() + "/" + s.getName()).toList(),
        target,
        status == null || status.getRegistries() == null ? List.of() : status.getRegistries(),
        targetSecrets.isPresent(),
        expected != null,
        rows);
  }

  private static CopyState copyState(
      String policy,
      String namespace,
      String target,
      Secret copy,
      List<SecretReference> sources,
      String expected) {
    if (copy == null) {
      return CopyState.Missing;
    }
    boolean isSource =
        sources.stream()
            .anyMatch(s -> s.getNamespace().equals(namespace) && s.getName().equals(target));
    if (isSource) {
      return CopyState.Synced;
    }
    Map<String, String> labels = copy.getMetadata().getLabels();
    if (labels == null
        || !PullPolicyLabels.MANAGED_BY_VALUE.equals(labels.get(PullPolicyLabels.MANAGED_BY))
        || !policy.equals(labels.get(PullPolicyLabels.POLICY))) {
      return CopyState.Conflict;
    }
    if (expected == null) {
      // The sources could not be read: trust a copy that carries the source hash.
      Map<String, String> annotations = copy.getMetadata().getAnnotations();
      return annotations != null && annotations.containsKey(PullPolicyLabels.SOURCE_HASH)
          ? CopyState.Synced
          : CopyState.Stale;
    }
    String data =
        copy.getData() == null ? null : copy.getData().get(PullSecrets.KEY_DOCKER_CONFIG_JSON);
    if (data == null) {
      return CopyState.Stale;
    }
    String actual = SourceConfigs.sha256(java.util.Base64.getMimeDecoder().decode(data));
    return expected.equals(actual) ? CopyState.Synced : CopyState.Stale;
  }

  /**
   * The hash of the copy the operator makes from the sources (the shared merge), or null when a
   * source is missing or invalid.
   */
  static String expectedHash(List<SecretReference> refs, List<Secret> sources) {
    if (refs.size() != sources.size()) {
      return null;
    }
    List<ParsedSource> parsed = new ArrayList<>();
    try {
      for (int i = 0; i < refs.size(); i++) {
        parsed.add(SourceConfigs.parse(refs.get(i), sources.get(i)));
      }
    } catch (SourceProblem e) {
      return null;
    }
    return SourceConfigs.merge(parsed).hash();
  }

  static boolean hasEntry(ServiceAccount sa, String secretName) {
    List<LocalObjectReference> refs = sa.getImagePullSecrets();
    return refs != null && refs.stream().anyMatch(r -> secretName.equals(r.getName()));
  }

  private static String lastError(PullCredentialPolicy policy, String namespace) {
    if (policy.getStatus() == null || policy.getStatus().getFailures() == null) {
      return null;
    }
    for (Failure f : policy.getStatus().getFailures()) {
      if (namespace.equals(f.getNamespace())) {
        return f.getReason() + ": " + f.getMessage();
      }
    }
    return null;
  }
}
