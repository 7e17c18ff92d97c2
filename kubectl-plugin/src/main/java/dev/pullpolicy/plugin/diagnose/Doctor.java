package dev.pullpolicy.plugin.diagnose;

import dev.pullpolicy.api.kubelet.ImageReference;
import dev.pullpolicy.api.kubelet.Keyring;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecret.Problem;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.selection.NamespaceVerdict;
import dev.pullpolicy.api.selection.Namespaces;
import dev.pullpolicy.api.selection.ServiceAccounts;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.plugin.diagnose.Finding.Cause;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialMatches;
import dev.pullpolicy.plugin.diagnose.Finding.InvalidImage;
import dev.pullpolicy.plugin.diagnose.Finding.NoMatchingCredential;
import dev.pullpolicy.plugin.diagnose.Finding.NoPullSecret;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import dev.pullpolicy.plugin.diagnose.Finding.SecretMissing;
import dev.pullpolicy.plugin.diagnose.Finding.SecretUnparsable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretWrongType;
import dev.pullpolicy.plugin.diagnose.Finding.SecretsUnreadable;
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
 * Diagnoses Pods that cannot pull (a pure function of what the caller read): for each failing
 * container, a typed {@link Cause} with its facts; the printer puts it into words. The kubelet uses
 * only the Pod's own imagePullSecrets: the ServiceAccount's are copied into a Pod by the
 * ServiceAccount admission plugin when the Pod is created, and only when it lists none.
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

  static Finding diagnoseContainer(
      Pod pod,
      String container,
      String image,
      String waiting,
      Optional<ServiceAccount> serviceAccount,
      Function<String, PullSecret> secrets,
      List<PullCredentialPolicy> policies) {
    return new Finding(
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        container,
        image,
        waiting,
        cause(pod, image, serviceAccount, secrets, policies));
  }

  /** Why the image cannot be pulled, in the order the kubelet would run into it. */
  private static Cause cause(
      Pod pod,
      String image,
      Optional<ServiceAccount> serviceAccount,
      Function<String, PullSecret> secrets,
      List<PullCredentialPolicy> policies) {
    String saName =
        pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null
            ? "default"
            : pod.getSpec().getServiceAccountName();
    List<String> podSecrets =
        names(pod.getSpec() == null ? null : pod.getSpec().getImagePullSecrets());
    List<String> saSecrets =
        serviceAccount.map(sa -> names(sa.getImagePullSecrets())).orElse(List.of());
    ImageReference ref;
    try {
      ref = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      return new InvalidImage(e.getMessage());
    }
    if (podSecrets.isEmpty()) {
      if (!saSecrets.isEmpty()) {
        return new PodPredatesServiceAccount(saName, saSecrets);
      }
      return new NoPullSecret(
          saName,
          serviceAccount.isPresent(),
          ref.registry(),
          policies.stream().map(p -> p.getMetadata().getName()).sorted().toList());
    }
    List<PullSecret> read = podSecrets.stream().map(secrets).toList();
    if (read.stream().anyMatch(s -> s.problem() == Problem.FORBIDDEN)) {
      return new SecretsUnreadable(podSecrets);
    }
    Optional<PullSecret> unparsable = read.stream().filter(PullSecret::refused).findFirst();
    if (unparsable.isPresent()) {
      return new SecretUnparsable(unparsable.get().name(), unparsable.get().reason());
    }
    List<Keyring.Try> matches = Keyring.of(read).lookup(ref).tries();
    if (!matches.isEmpty()) {
      Keyring.Try first = matches.get(0);
      return new CredentialMatches(
          first.secret(), first.key().display(), ref.name(), ref.canonical());
    }
    Optional<PullSecret> broken = read.stream().filter(s -> !s.used()).findFirst();
    if (broken.isPresent()) {
      PullSecret b = broken.get();
      String policy =
          policies.stream()
              .filter(p -> Ownership.targetName(p).equals(b.name()))
              .map(p -> p.getMetadata().getName())
              .findFirst()
              .orElse(null);
      return b.problem() == Problem.NOT_FOUND
          ? new SecretMissing(b.name(), policy)
          : new SecretWrongType(b.name(), b.reason(), policy);
    }
    Set<String> covered = new LinkedHashSet<>();
    read.forEach(s -> s.usableEntries().forEach(e -> covered.add(e.key().display())));
    return new NoMatchingCredential(ref.registry(), ref.name(), List.copyOf(covered));
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
        if (p.getSpec() == null
            || Namespaces.verdict(p.getSpec().getNamespaces(), ns) != NamespaceVerdict.SELECTED) {
          continue;
        }
        String target = Ownership.targetName(p);
        for (ServiceAccount sa : serviceAccounts.apply(name)) {
          if (ServiceAccounts.selected(p.getSpec().getServiceAccounts(), sa)
              && !ServiceAccountEntries.hasEntry(sa, target)) {
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
}
