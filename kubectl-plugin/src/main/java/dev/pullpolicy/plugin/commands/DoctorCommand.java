package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.api.selection.NamespaceVerdict;
import dev.pullpolicy.api.selection.Namespaces;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.plugin.cli.ExitCode;
import dev.pullpolicy.plugin.cli.PluginException;
import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.diagnose.Doctor;
import dev.pullpolicy.plugin.diagnose.Finding;
import dev.pullpolicy.plugin.print.DoctorPrinter;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubectl pullpolicy doctor}: why Pods cannot pull, and what to do. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Find Pods whose containers wait in ErrImagePull or ImagePullBackOff and say why, and"
          + " ServiceAccounts that lack their policy's imagePullSecrets entry.",
      "Exits 1 when it finds a problem, 3 when it cannot run."
    })
public class DoctorCommand extends ClusterCommand {

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "The namespace to examine (default: the context's).")
  String namespace;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "Examine every namespace.")
  boolean allNamespaces;

  @Override
  int execute(ClusterReader reader) {
    String ns = allNamespaces ? null : namespace != null ? namespace : cluster.defaultNamespace();
    if (ns != null) {
      requireNamespace(reader, ns);
    }
    List<Pod> pods = reader.pods(ns);
    List<String> notes = new ArrayList<>();
    Optional<List<PullCredentialPolicy>> allowedPolicies = reader.policiesIfAllowed();
    if (allowedPolicies.isEmpty()) {
      notes.add(
          "PullCredentialPolicies may not be listed with these credentials: policy checks"
              + " skipped");
    }
    List<PullCredentialPolicy> policies = allowedPolicies.orElse(List.of());
    List<Namespace> namespaces = namespaces(reader, ns, pods);
    Map<String, Namespace> byName = new HashMap<>();
    namespaces.forEach(n -> byName.put(n.getMetadata().getName(), n));
    Map<String, List<ServiceAccount>> serviceAccounts = new HashMap<>();
    java.util.function.Function<String, List<ServiceAccount>> sasOf =
        n -> serviceAccounts.computeIfAbsent(n, reader::serviceAccounts);

    List<Finding> findings = new ArrayList<>();
    Set<String> forbidden = new LinkedHashSet<>();
    for (Pod pod : pods) {
      if (Doctor.failingContainers(pod).isEmpty()) {
        continue;
      }
      String podNs = pod.getMetadata().getNamespace();
      String saName =
          pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null
              ? "default"
              : pod.getSpec().getServiceAccountName();
      Optional<ServiceAccount> sa =
          sasOf.apply(podNs).stream()
              .filter(s -> s.getMetadata().getName().equals(saName))
              .findFirst();
      Namespace nsObject = byName.get(podNs);
      List<PullCredentialPolicy> selecting =
          nsObject == null
              ? List.of()
              : policies.stream()
                  .filter(
                      p ->
                          p.getSpec() != null
                              && Namespaces.verdict(p.getSpec().getNamespaces(), nsObject)
                                  == NamespaceVerdict.SELECTED)
                  .toList();
      findings.addAll(
          Doctor.diagnose(
              pod,
              sa,
              name -> {
                var read = reader.secret(podNs, name);
                if (read.forbidden()) {
                  forbidden.add(podNs);
                }
                return read.asPullSecret(name);
              },
              selecting));
    }
    forbidden.forEach(
        n ->
            notes.add(
                "Secrets in namespace "
                    + n
                    + " may not be read with these credentials:"
                    + " their type and registries were not checked"));
    List<Doctor.Lacking> lacking = Doctor.lackingEntries(policies, namespaces, sasOf);
    print(
        DoctorPrinter.print(
            ns == null ? "any namespace" : "namespace " + ns,
            findings,
            lacking,
            notes,
            output.format(),
            output.noHeaders(),
            output.style()));
    return findings.isEmpty() && lacking.isEmpty() ? ExitCode.OK : ExitCode.PROBLEM_FOUND;
  }

  /**
   * A namespace that does not exist has no Pods either: without this, a typo would read as "no
   * problem found". Who may not read namespaces is given the benefit of the doubt.
   */
  private static void requireNamespace(ClusterReader reader, String ns) {
    if (reader.namespaceMissing(ns)) {
      throw new PluginException("namespaces \"" + ns + "\" not found");
    }
  }

  private static List<Namespace> namespaces(ClusterReader reader, String ns, List<Pod> pods) {
    if (ns != null) {
      return reader.namespace(ns).map(List::of).orElse(List.of());
    }
    try {
      return reader.namespaces();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      List<Namespace> found = new ArrayList<>();
      pods.stream()
          .map(p -> p.getMetadata().getNamespace())
          .distinct()
          .forEach(n -> reader.namespace(n).ifPresent(found::add));
      return found;
    }
  }
}
