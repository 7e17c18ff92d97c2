package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.plugin.cli.ExitCode;
import dev.pullpolicy.plugin.cli.PluginException;
import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.cluster.PodDeletions;
import dev.pullpolicy.plugin.diagnose.Doctor;
import dev.pullpolicy.plugin.diagnose.Doctor.NamespacePolicies;
import dev.pullpolicy.plugin.diagnose.Finding;
import dev.pullpolicy.plugin.diagnose.Repairs;
import dev.pullpolicy.plugin.diagnose.Repairs.Done;
import dev.pullpolicy.plugin.diagnose.Repairs.Repair;
import dev.pullpolicy.plugin.print.DoctorPrinter;
import io.fabric8.kubernetes.api.model.Event;
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
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubectl pullpolicy doctor}: why Pods cannot start for an image reason, and what to do. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Find Pods whose containers cannot start for an image reason (ErrImagePull,"
          + " ImagePullBackOff, InvalidImageName, ErrImageNeverPull, or a pull Secret the kubelet"
          + " cannot parse) and say why, and ServiceAccounts that lack their policy's"
          + " imagePullSecrets entry.",
      "With --fix, delete the Pods that predate their ServiceAccount's imagePullSecrets when a"
          + " ReplicaSet, StatefulSet, DaemonSet or Job makes them again; list the others with"
          + " the command that recreates them.",
      "Exits 0 when it finds no problem (with --fix: when it deleted every Pod it found), 1 when a"
          + " problem remains, 3 when it cannot run."
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

  @Option(
      names = "--fix",
      description =
          "Delete the Pods that predate their ServiceAccount's imagePullSecrets when their"
              + " controller makes new ones (needs permission to delete Pods).")
  boolean fix;

  @Option(
      names = "--dry-run",
      arity = "0..1",
      fallbackValue = "client",
      paramLabel = "none|client|server",
      description =
          "With --fix: say what would be deleted and delete nothing (server: the API server checks"
              + " each delete, permissions included).")
  String dryRun = "none";

  @Override
  int execute(ClusterReader reader) {
    if (!List.of("none", "client", "server").contains(dryRun)) {
      throw PluginException.usage(
          "--dry-run must be \"none\", \"client\" or \"server\", not \"" + dryRun + "\"");
    }
    if (!"none".equals(dryRun) && !fix) {
      throw PluginException.usage("--dry-run goes with --fix");
    }
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
    Function<String, List<ServiceAccount>> sasOf =
        n -> serviceAccounts.computeIfAbsent(n, reader::serviceAccounts);
    Map<String, Optional<List<Event>>> events = new HashMap<>();
    Set<String> eventsForbidden = new LinkedHashSet<>();

    List<Finding> findings = new ArrayList<>();
    Set<String> forbidden = new LinkedHashSet<>();
    for (Pod pod : pods) {
      if (Doctor.imageFailures(pod).isEmpty()) {
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
      Optional<List<Event>> podEvents = events.computeIfAbsent(podNs, reader::podWarningEvents);
      if (podEvents.isEmpty()) {
        eventsForbidden.add(podNs);
      }
      Doctor.Context context =
          new Doctor.Context(
              sa,
              name -> {
                var read = reader.secret(podNs, name);
                if (read.forbidden()) {
                  forbidden.add(podNs);
                }
                return read.asPullSecret(name);
              },
              allowedPolicies.isEmpty()
                  ? NamespacePolicies.unknown()
                  : NamespacePolicies.of(policies, byName.get(podNs)),
              podEvents.orElse(List.of()));
      findings.addAll(Doctor.diagnose(pod, context));
    }
    forbidden.forEach(
        n ->
            notes.add(
                "Secrets in namespace "
                    + n
                    + " may not be read with these credentials:"
                    + " their type and registries were not checked"));
    eventsForbidden.forEach(
        n ->
            notes.add(
                "Events in namespace "
                    + n
                    + " may not be listed with these credentials: only the Pods' status was"
                    + " read"));
    List<Doctor.Lacking> lacking = Doctor.lackingEntries(policies, namespaces, sasOf);

    DoctorPrinter.Fixes fixes = fix ? fix(reader, pods, findings) : null;
    print(
        DoctorPrinter.print(
            ns == null ? "any namespace" : "namespace " + ns,
            findings,
            lacking,
            notes,
            fixes,
            output.format(),
            output.noHeaders(),
            output.style()));
    if (fixes != null) {
      for (Done d : fixes.done()) {
        String line = DoctorPrinter.errorLine(d);
        if (line != null) {
          err().println("error: " + line);
        }
      }
      err().flush();
    }
    return healthy(findings, lacking, fixes) ? ExitCode.OK : ExitCode.PROBLEM_FOUND;
  }

  /**
   * All is well when nothing was found, or (with {@code --fix}, not a dry run) when every finding
   * is of a Pod that was deleted for its controller to make anew and no ServiceAccount lacks its
   * entry.
   */
  static boolean healthy(
      List<Finding> findings, List<Doctor.Lacking> lacking, DoctorPrinter.Fixes fixes) {
    if (!lacking.isEmpty()) {
      return false;
    }
    if (findings.isEmpty()) {
      return true;
    }
    if (fixes == null || fixes.dryRun()) {
      return false;
    }
    Set<String> fixed = new LinkedHashSet<>();
    fixes.done().stream()
        .filter(Done::fixed)
        .forEach(d -> fixed.add(d.repair().namespace() + "/" + d.repair().pod()));
    return findings.stream()
        .allMatch(
            f ->
                f.cause() instanceof Finding.PodPredatesServiceAccount
                    && fixed.contains(f.namespace() + "/" + f.pod()));
  }

  /** Plans the repairs and makes the deletes (unless a dry run). */
  private DoctorPrinter.Fixes fix(ClusterReader reader, List<Pod> pods, List<Finding> findings) {
    Map<String, String> uids = new HashMap<>();
    pods.forEach(
        p ->
            uids.put(
                p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(),
                p.getMetadata().getUid()));
    List<Repair> plan =
        Repairs.plan(findings, uids, (podNs, c) -> reader.controller(podNs, c.kind(), c.name()));
    PodDeletions deletions = new PodDeletions(reader::api);
    List<Done> done = new ArrayList<>();
    for (Repair r : plan) {
      if (r.action() != Repairs.Action.DELETE) {
        done.add(new Done(r, null, null));
      } else if ("client".equals(dryRun)) {
        done.add(new Done(r, Repairs.Outcome.WOULD_DELETE, null));
      } else {
        PodDeletions.Result result =
            deletions.delete(r.namespace(), r.pod(), r.uid(), "server".equals(dryRun));
        done.add(new Done(r, result.outcome(), result.message()));
      }
    }
    return new DoctorPrinter.Fixes(done, !"none".equals(dryRun));
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
