package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.plugin.cli.ExitCode;
import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.cluster.ClusterReader.MetadataRead;
import dev.pullpolicy.plugin.diagnose.PolicyStatus;
import dev.pullpolicy.plugin.diagnose.StatusCalculator;
import dev.pullpolicy.plugin.print.StatusPrinter;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kubectl pullpolicy status [POLICY]}: per-namespace detail of one or every policy. It reads
 * policies, namespaces, ServiceAccounts and the metadata of the copies; never Secret data.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show per-namespace detail of a policy (every policy without POLICY): copy state (Synced,"
          + " Missing, Stale, Conflict, Ignored, Terminating), ServiceAccounts patched, last"
          + " error. Copies are compared with the sources' hash the operator publishes, from"
          + " their metadata: no Secret data is read.",
      "Exits 1 when a policy shown is not Ready, 3 when it cannot tell."
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
    // a source of any policy is never written: the rules need every policy's sources
    Set<SecretReference> allSources =
        Ownership.sourcesOf(
            policyName == null ? policies : reader.policiesIfAllowed().orElse(policies));
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
              p, allSources, namespaces, serviceAccounts, copies(reader, Ownership.targetName(p))));
    }
    print(StatusPrinter.print(statuses, output.format(), output.noHeaders(), output.style()));
    return statuses.stream().allMatch(PolicyStatus::isReady) ? ExitCode.OK : ExitCode.PROBLEM_FOUND;
  }

  /**
   * The metadata of the Secret named {@code target} in a namespace: from one cluster-wide
   * metadata-only list, or, when the caller may not list Secrets cluster-wide, by one metadata-only
   * read in each namespace asked about.
   */
  private static Function<String, MetadataRead> copies(ClusterReader reader, String target) {
    Optional<Map<String, ObjectMeta>> all = reader.secretsMetadata(target);
    if (all.isPresent()) {
      Map<String, ObjectMeta> byNamespace = all.get();
      return ns -> new MetadataRead(byNamespace.get(ns), false);
    }
    return ns -> reader.secretMetadata(ns, target);
  }
}
