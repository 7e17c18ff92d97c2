package dev.pullpolicy.plugin.diagnose;

import dev.pullpolicy.api.kubelet.ImageReference;
import dev.pullpolicy.api.kubelet.Keyring;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecret.Problem;
import dev.pullpolicy.api.kubelet.RegistryKey;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.plugin.cluster.Selection;
import dev.pullpolicy.plugin.diagnose.Finding.Cause;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Diagnoses Pods that cannot pull (a pure function of what the caller read). The kubelet uses only
 * the Pod's own imagePullSecrets: the ServiceAccount's are copied into a Pod by the ServiceAccount
 * admission plugin when the Pod is created, and only when it lists none.
 */
public final class Doctor {
  private Doctor() {}

  /** Waiting reasons that mean an image pull failed. */
  public static final Set<String> PULL_FAILURES = Set.of("ErrImagePull", "ImagePullBackOff");

  /**
   * @param serviceAccount the Pod's ServiceAccount now, if it exists
   * @param secrets reads a pull Secret of the Pod's namespace by name
   * @param policies the policies that select the Pod's namespace (for hints)
   */
  public static List<Finding> diagnose(
      Pod pod,
      Optional<ServiceAccount> serviceAccount,
      Function<String, PullSecret> secrets,
      List<PullCredentialPolicy> policies) {
    List<Finding> findings = new ArrayList<>();
    for (ContainerStatus cs : failingContainers(pod)) {
      String image = imageOf(pod, cs);
      String waiting = cs.getState().getWaiting().getReason();
      findings.add(
          diagnoseContainer(pod, cs.getName(), image, waiting, serviceAccount, secrets, policies));
    }
    return findings;
  }

  /** Container statuses (init, regular and ephemeral) waiting on a failed pull. */
  public static List<ContainerStatus> failingContainers(Pod pod) {
    if (pod.getStatus() == null) {
      return List.of();
    }
    return Stream.of(
            pod.getStatus().getInitContainerStatuses(),
            pod.getStatus().getContainerStatuses(),
            pod.getStatus().getEphemeralContainerStatuses())
        .filter(l -> l != null)
        .flatMap(List::stream)
        .filter(
            cs ->
                cs.getState() != null
                    && cs.getState().getWaiting() != null
                    && PULL_FAILURES.contains(cs.getState().getWaiting().getReason()))
        .toList();
  }

  private static String imageOf(Pod pod, ContainerStatus cs) {
    if (pod.getSpec() != null) {
      for (List<? extends Object> list :
          List.of(
              nonNull(pod.getSpec().getInitContainers()), nonNull(pod.getSpec().getContainers()))) {
        for (Object o : list) {
          Container c = (Container) o;
          if (c.getName().equals(cs.getName())) {
            return c.getImage();
          }
        }
      }
      if (pod.getSpec().getEphemeralContainers() != null) {
        for (var c : pod.getSpec().getEphemeralContainers()) {
          if (c.getName().equals(cs.getName())) {
            return c.getImage();
          }
        }
      }
    }
    return cs.getImage();
  }

  private static <T> List<T> nonNull(List<T> l) {
    return l == null ? List.of() : l;
  }

  /** A finding about the container being diagnosed. */
  @FunctionalInterface
  private interface FindingAt {
    Finding finding(Finding.Cause cause, String detail, String fix);
  }

  static Finding diagnoseContainer(
      Pod pod,
      String container,
      String image,
      String waiting,
      Optional<ServiceAccount> serviceAccount,
      Function<String, PullSecret> secrets,
      List<PullCredentialPolicy> policies) {
    String ns = pod.getMetadata().getNamespace();
    String podName = pod.getMetadata().getName();
    FindingAt at =
        (cause, detail, fix) ->
            new Finding(ns, podName, container, image, waiting, cause, detail, fix);
    String saName =
        pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null
            ? "default"
            : pod.getSpec().getServiceAccountName();
    Finding.Cause cause;
    String detail;
    String fix;
    List<String> podSecrets =
        names(pod.getSpec() == null ? null : pod.getSpec().getImagePullSecrets());
    List<String> saSecrets =
        serviceAccount.map(sa -> names(sa.getImagePullSecrets())).orElse(List.of());
    ImageReference ref;
    try {
      ref = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      return at.finding(
          Cause.InvalidImage,
          e.getMessage(),
          "fix the image reference in the Pod's spec (or its owner's template)");
    }
    if (podSecrets.isEmpty()) {
      if (!saSecrets.isEmpty()) {
        cause = Cause.PodPredatesServiceAccount;
        detail =
            "the Pod lists no imagePullSecrets, but its ServiceAccount "
                + saName
                + " has "
                + String.join(", ", saSecrets)
                + " now: the Pod was created before the ServiceAccount got them (they are copied"
                + " into a Pod only when it is created)";
        fix =
            "recreate the Pod (kubectl delete pod -n "
                + ns
                + " "
                + podName
                + ", or kubectl rollout restart its workload)";
      } else {
        cause = Cause.NoPullSecret;
        detail =
            "neither the Pod nor its ServiceAccount "
                + saName
                + (serviceAccount.isEmpty() ? " (which does not exist)" : "")
                + " lists an imagePullSecret, so no credential from the Pod's Secrets applies to "
                + ref.registry()
                + "; the node's own credentials or a credential-provider plugin may still apply";
        List<String> covering =
            policies.stream().map(p -> p.getMetadata().getName()).sorted().toList();
        fix =
            covering.isEmpty()
                ? "create a PullCredentialPolicy for namespace "
                    + ns
                    + " (kubectl pullpolicy create NAME --from-secret NS/SECRET --include "
                    + ns
                    + "), or add imagePullSecrets to ServiceAccount "
                    + saName
                : "PullCredentialPolicy "
                    + String.join(", ", covering)
                    + " selects this namespace but ServiceAccount "
                    + saName
                    + " has no entry: check kubectl pullpolicy status "
                    + covering.get(0)
                    + " (is "
                    + saName
                    + " among its serviceAccounts?), then recreate the Pod";
      }
      return at.finding(cause, detail, fix);
    }
    List<PullSecret> read = podSecrets.stream().map(secrets).toList();
    if (read.stream().anyMatch(s -> s.problem() == Problem.FORBIDDEN)) {
      return at.finding(
          Cause.SecretsUnreadable,
          "the Pod uses "
              + String.join(", ", podSecrets)
              + ", but Secrets in namespace "
              + ns
              + " may not be read with these credentials, so they could not be checked",
          "run doctor with credentials that may get Secrets in "
              + ns
              + ", or check the Secrets' type and registries yourself");
    }
    Optional<PullSecret> unparsable = read.stream().filter(PullSecret::refused).findFirst();
    if (unparsable.isPresent()) {
      return at.finding(
          Cause.SecretUnparsable,
          unparsable.get().describe()
              + "; the kubelet's keyring then fails and no image of this Pod is pulled, not even"
              + " anonymously",
          "fix or replace Secret "
              + unparsable.get().name()
              + " (its source, if pullpolicy copies it)");
    }
    List<Keyring.Try> matches = Keyring.of(read).lookup(ref).tries();
    if (!matches.isEmpty()) {
      Keyring.Try first = matches.get(0);
      return at.finding(
          Cause.CredentialMatches,
          "Secret "
              + first.secret()
              + " has a credential for "
              + first.key().display()
              + " that matches "
              + ref.name()
              + ", so the image or tag is likely wrong, or the registry rejects the credential",
          "check that "
              + ref.canonical()
              + " exists, and that the credential in "
              + first.secret()
              + " is valid (kubectl describe pod -n "
              + ns
              + " "
              + podName
              + " shows the registry's answer)");
    }
    Optional<PullSecret> broken = read.stream().filter(s -> !s.used()).findFirst();
    if (broken.isPresent()) {
      PullSecret b = broken.get();
      Cause c = b.problem() == Problem.NOT_FOUND ? Cause.SecretMissing : Cause.SecretWrongType;
      String policyHint =
          policies.stream()
              .filter(p -> Selection.targetSecretName(p).equals(b.name()))
              .map(
                  p ->
                      "; PullCredentialPolicy "
                          + p.getMetadata().getName()
                          + " should make it: see kubectl pullpolicy status "
                          + p.getMetadata().getName())
              .findFirst()
              .orElse("");
      return at.finding(
          c,
          b.describe() + " (the Pod names it in imagePullSecrets)",
          (c == Cause.SecretMissing
                  ? "create Secret " + b.name() + " in " + ns
                  : "replace Secret "
                      + b.name()
                      + " with one of type kubernetes.io/dockerconfigjson")
              + policyHint);
    }
    Set<String> covered = new LinkedHashSet<>();
    read.forEach(s -> s.usableEntries().forEach(e -> covered.add(e.key().display())));
    return at.finding(
        Cause.NoMatchingCredential,
        "no credential from the Pod's Secrets matches registry "
            + ref.registry()
            + " (image "
            + ref.name()
            + "); they cover "
            + (covered.isEmpty() ? "no registry" : String.join(", ", covered))
            + "; the node's own credentials or a credential-provider plugin may still apply",
        "add a credential for "
            + ref.registry()
            + " to a source Secret, or fix the image's registry");
  }

  /** ServiceAccounts selected by a policy in a namespace it selects that lack its entry. */
  public record Lacking(String namespace, String serviceAccount, String policy, String secret) {}

  public static List<Lacking> lackingEntries(
      List<PullCredentialPolicy> policies,
      List<Namespace> namespaces,
      Function<String, List<ServiceAccount>> serviceAccounts) {
    List<Lacking> lacking = new ArrayList<>();
    for (Namespace ns : namespaces) {
      String name = ns.getMetadata().getName();
      for (PullCredentialPolicy p : policies) {
        if (Selection.namespace(p, ns) != Selection.NamespaceMatch.SELECTED) {
          continue;
        }
        String target = Selection.targetSecretName(p);
        for (ServiceAccount sa : serviceAccounts.apply(name)) {
          if (Selection.serviceAccount(p, sa)
              && !names(sa.getImagePullSecrets()).contains(target)) {
            lacking.add(
                new Lacking(name, sa.getMetadata().getName(), p.getMetadata().getName(), target));
          }
        }
      }
    }
    lacking.sort(
        java.util.Comparator.comparing(Lacking::namespace)
            .thenComparing(Lacking::serviceAccount)
            .thenComparing(Lacking::policy));
    return lacking;
  }

  static List<String> names(List<LocalObjectReference> refs) {
    return refs == null
        ? List.of()
        : refs.stream()
            .map(LocalObjectReference::getName)
            .filter(n -> n != null && !n.isEmpty())
            .collect(Collectors.toList());
  }

  /** The registries (as written) of a set of keys. */
  static String hosts(List<RegistryKey> keys) {
    return keys.stream().map(RegistryKey::display).collect(Collectors.joining(", "));
  }
}
