package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.plugin.cli.ExitCode;
import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.cluster.Selection;
import dev.pullpolicy.plugin.diagnose.PolicyStatus;
import dev.pullpolicy.plugin.diagnose.StatusCalculator;
import dev.pullpolicy.plugin.print.StatusPrinter;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kubectl pullpolicy status [POLICY]}: per-namespace detail of one or every policy. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show per-namespace detail of a policy (every policy without POLICY): copy state (Synced,"
          + " Missing, Stale, Conflict, Ignored, Terminating), ServiceAccounts patched, last"
          + " error.",
      "Exits 1 when a policy shown is not Ready."
    })
public class StatusCommand extends ClusterCommand {

  @Parameters(
      arity = "0..1",
      paramLabel = "POLICY",
      description = "The policy's name (default: every policy).")
  String policyName;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Show only this namespace's row (policies are cluster-scoped).")
  String namespace;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "Show every namespace the policy selects (the default).")
  boolean allNamespaces;

  @Override
  int execute(ClusterReader reader) {
    List<PullCredentialPolicy> policies =
        policyName == null ? reader.policies() : List.of(reader.policy(policyName));
    if (policies.isEmpty()) {
      err().println("No PullCredentialPolicy found.");
      err().flush();
      return ExitCode.OK;
    }
    var namespaces =
        reader.namespaces().stream()
            .filter(
                n ->
                    allNamespaces
                        || namespace == null
                        || namespace.equals(n.getMetadata().getName()))
            .toList();
    Map<String, List<ServiceAccount>> serviceAccounts =
        reader.allServiceAccounts().stream()
            .collect(Collectors.groupingBy(sa -> sa.getMetadata().getNamespace()));
    List<PolicyStatus> statuses = new ArrayList<>();
    for (PullCredentialPolicy p : policies) {
      statuses.add(
          StatusCalculator.compute(
              p, namespaces, targetSecrets(reader, p), sources(reader, p), serviceAccounts));
    }
    print(StatusPrinter.print(statuses, output.format(), output.noHeaders(), output.style()));
    return statuses.stream().allMatch(PolicyStatus::isReady) ? ExitCode.OK : ExitCode.UNHEALTHY;
  }

  /** Secrets named like the target in every namespace, by namespace; empty when forbidden. */
  private static Optional<Map<String, Secret>> targetSecrets(
      ClusterReader reader, PullCredentialPolicy policy) {
    try {
      List<Secret> found =
          reader
              .client()
              .secrets()
              .inAnyNamespace()
              .withField("metadata.name", Selection.targetSecretName(policy))
              .list()
              .getItems();
      Map<String, Secret> byNamespace = new HashMap<>();
      found.forEach(s -> byNamespace.put(s.getMetadata().getNamespace(), s));
      return Optional.of(byNamespace);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static Optional<List<Secret>> sources(ClusterReader reader, PullCredentialPolicy p) {
    List<Secret> sources = new ArrayList<>();
    for (SecretReference ref : p.getSpec().getSources()) {
      var read = reader.secret(ref.getNamespace(), ref.getName());
      if (read.forbidden()) {
        return Optional.empty();
      }
      sources.add(read.secret());
    }
    return Optional.of(sources);
  }
}
