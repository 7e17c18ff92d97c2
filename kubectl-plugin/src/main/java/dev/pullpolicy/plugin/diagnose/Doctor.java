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
import dev.pullpolicy.plugin.diagnose.Finding.Controller;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialMatches;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialRejected;
import dev.pullpolicy.plugin.diagnose.Finding.ImageError;
import dev.pullpolicy.plugin.diagnose.Finding.ImageNeverPulled;
import dev.pullpolicy.plugin.diagnose.Finding.ImageNotFound;
import dev.pullpolicy.plugin.diagnose.Finding.InvalidImage;
import dev.pullpolicy.plugin.diagnose.Finding.NamespaceOptedOut;
import dev.pullpolicy.plugin.diagnose.Finding.NoMatchingCredential;
import dev.pullpolicy.plugin.diagnose.Finding.NoPullSecret;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import dev.pullpolicy.plugin.diagnose.Finding.RegistryUnreachable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretMissing;
import dev.pullpolicy.plugin.diagnose.Finding.SecretUnparsable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretWrongType;
import dev.pullpolicy.plugin.diagnose.Finding.SecretsUnreadable;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Diagnoses Pods that cannot start for an image reason (a pure function of what the caller read):
 * for each such container, a typed {@link Cause} with its facts; the printer puts it into words.
 *
 * <p>What the kubelet (v1.37) does, and so what doctor reads: it uses only the Pod's own {@code
 * imagePullSecrets} (the ServiceAccount's are copied into a Pod by the ServiceAccount admission
 * plugin when the Pod is created, and only when it lists none); it builds its keyring from them
 * before any pull, and when a Secret cannot be parsed that fails and the container waits with the
 * raw error as reason and message (no pull, no registry asked); otherwise it pulls, and the
 * container waits in ErrImagePull, then ImagePullBackOff, with the runtime's error in the message
 * and in a {@code Failed to pull image "…": …} Event.
 */
public final class Doctor {
  private Doctor() {}

  /** The kubelet's waiting reasons for image problems (pkg/kubelet/images and CRI errors). */
  public static final Set<String> IMAGE_REASONS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "ImageInspectError",
          "RegistryUnavailable",
          "SignatureValidationFailed");

  /** The kubelet's own reasons are single CamelCase words; a raw error is not. */
  private static final Pattern KUBELET_REASON = Pattern.compile("[A-Z][A-Za-z]*");

  /**
   * What doctor knows about a Pod besides the Pod itself.
   *
   * @param serviceAccount the Pod's ServiceAccount now, if it exists
   * @param secrets reads a pull Secret of the Pod's namespace by name
   * @param policies the policies and the Pod's namespace
   * @param events Events about the Pod (any; those about other objects are ignored)
   */
  public record Context(
      Optional<ServiceAccount> serviceAccount,
      Function<String, PullSecret> secrets,
      NamespacePolicies policies,
      List<Event> events) {}

  /**
   * What the policies make of a namespace, by the shared rule ({@link Namespaces#verdict}).
   *
   * @param known whether the policies and the namespace could be read
   * @param selecting the policies that select it, by name
   * @param optedOutOf the names of the policies that would select it but for its opt-out
   */
  public record NamespacePolicies(
      boolean known, List<PullCredentialPolicy> selecting, List<String> optedOutOf) {

    /** The verdicts of every policy on a namespace; {@code ns} null: the namespace is unknown. */
    public static NamespacePolicies of(List<PullCredentialPolicy> policies, Namespace ns) {
      if (ns == null) {
        return unknown();
      }
      List<PullCredentialPolicy> selecting = new ArrayList<>();
      List<String> optedOut = new ArrayList<>();
      for (PullCredentialPolicy p : policies) {
        if (p.getSpec() == null) {
          continue;
        }
        NamespaceVerdict v = Namespaces.verdict(p.getSpec().getNamespaces(), ns);
        if (v == NamespaceVerdict.SELECTED) {
          selecting.add(p);
        } else if (v == NamespaceVerdict.IGNORED) {
          optedOut.add(p.getMetadata().getName());
        }
      }
      selecting.sort(Comparator.comparing(p -> p.getMetadata().getName()));
      optedOut.sort(Comparator.naturalOrder());
      return new NamespacePolicies(true, List.copyOf(selecting), List.copyOf(optedOut));
    }

    /** Policies or namespace not readable: nothing is claimed about them. */
    public static NamespacePolicies unknown() {
      return new NamespacePolicies(false, List.of(), List.of());
    }

    List<String> selectingNames() {
      return selecting.stream().map(p -> p.getMetadata().getName()).toList();
    }
  }

  /** One finding per container that cannot start for an image reason. */
  public static List<Finding> diagnose(Pod pod, Context context) {
    List<Finding> findings = new ArrayList<>();
    for (ContainerStatus cs : imageFailures(pod)) {
      ContainerStateWaiting w = cs.getState().getWaiting();
      String image = imageOf(pod, cs);
      findings.add(
          new Finding(
              pod.getMetadata().getNamespace(),
              pod.getMetadata().getName(),
              cs.getName(),
              image,
              w.getReason(),
              w.getMessage(),
              cause(pod, cs.getName(), image, w, context)));
    }
    return findings;
  }

  /**
   * Container statuses (init, regular and ephemeral) that wait for an image reason: one of {@link
   * #IMAGE_REASONS}, or a raw error (see {@link #rawError}), which {@link #diagnose} keeps only
   * when the image step explains it.
   */
  public static List<ContainerStatus> imageFailures(Pod pod) {
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
                    && (IMAGE_REASONS.contains(cs.getState().getWaiting().getReason())
                        || rawError(cs.getState().getWaiting())))
        .toList();
  }

  /**
   * Whether the kubelet wrote a raw error as the waiting reason: it does so only for errors of its
   * image step that have no name of their own (above all its keyring's: a pull Secret it cannot
   * parse), and then the message is the same text. Its other reasons are single CamelCase words.
   */
  public static boolean rawError(ContainerStateWaiting w) {
    String reason = w.getReason();
    return reason != null
        && !reason.isEmpty()
        && reason.equals(w.getMessage())
        && !KUBELET_REASON.matcher(reason).matches();
  }

  private static String imageOf(Pod pod, ContainerStatus cs) {
    if (pod.getSpec() != null) {
      for (List<Container> list :
          List.of(
              nonNull(pod.getSpec().getInitContainers()), nonNull(pod.getSpec().getContainers()))) {
        for (Container c : list) {
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

  /** Why the container cannot start, in the order the kubelet and the registry run into it. */
  private static Cause cause(
      Pod pod, String container, String image, ContainerStateWaiting waiting, Context context) {
    String reason = waiting.getReason();
    ImageReference ref;
    try {
      ref = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      return new InvalidImage(e.getMessage());
    }
    if ("InvalidImageName".equals(reason)) {
      return new InvalidImage(
          waiting.getMessage() == null
              ? "the kubelet refuses the reference"
              : waiting.getMessage());
    }
    if ("ErrImageNeverPull".equals(reason)) {
      return new ImageNeverPulled(
          image, pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    }

    List<String> podSecrets =
        names(pod.getSpec() == null ? null : pod.getSpec().getImagePullSecrets());
    List<PullSecret> read = podSecrets.stream().map(context.secrets()).toList();
    boolean forbidden = read.stream().anyMatch(s -> s.problem() == Problem.FORBIDDEN);
    boolean raw = rawError(waiting);

    // The kubelet builds its keyring from every pull Secret before it pulls anything.
    Optional<PullSecret> refused = read.stream().filter(PullSecret::refused).findFirst();
    if (refused.isPresent()) {
      return new SecretUnparsable(
          refused.get().name(), refused.get().reason(), raw ? waiting.getReason() : null);
    }
    if (raw) {
      return forbidden
          ? new SecretsUnreadable(podSecrets, waiting.getReason())
          : new ImageError(waiting.getReason(), waiting.getMessage());
    }
    if ("ImageInspectError".equals(reason) || "SignatureValidationFailed".equals(reason)) {
      return new ImageError(reason, waiting.getMessage());
    }

    // Then it pulls, and the registry (or the way to it) answers.
    Optional<RegistryAnswer> answer =
        RegistryAnswer.first(kubeletTexts(pod, container, waiting, context.events()));
    if ("RegistryUnavailable".equals(reason)
        || answer.map(a -> a.kind().unreachable()).orElse(false)) {
      return new RegistryUnreachable(ref.registry(), answer.orElse(null));
    }
    Keyring.Lookup lookup = forbidden ? null : Keyring.of(read).lookup(ref);
    List<Keyring.Try> tries = lookup == null ? List.of() : lookup.tries();
    if (answer.isPresent() && answer.get().kind() == RegistryAnswer.Kind.NOT_FOUND) {
      return new ImageNotFound(
          ref.canonical(),
          ref.registry(),
          tries.isEmpty() ? null : tries.get(0).secret(),
          answer.get());
    }
    if (answer.isPresent()
        && (answer.get().kind() == RegistryAnswer.Kind.CREDENTIAL_REJECTED
            || answer.get().kind() == RegistryAnswer.Kind.ACCESS_DENIED)
        && !tries.isEmpty()) {
      return new CredentialRejected(
          ref.registry(),
          tries.get(0).secret(),
          tries.get(0).key().display(),
          tries.size(),
          lookup.orderFixed(),
          answer.get());
    }
    if (forbidden) {
      return new SecretsUnreadable(podSecrets, null);
    }

    // No answer that settles it: what the Pod's Secrets give the kubelet.
    if (podSecrets.isEmpty()) {
      String saName =
          pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null
              ? "default"
              : pod.getSpec().getServiceAccountName();
      List<String> saSecrets =
          context.serviceAccount().map(sa -> names(sa.getImagePullSecrets())).orElse(List.of());
      if (!saSecrets.isEmpty()) {
        return new PodPredatesServiceAccount(saName, saSecrets, controllerOf(pod));
      }
      NamespacePolicies policies = context.policies();
      if (!policies.optedOutOf().isEmpty() && policies.selecting().isEmpty()) {
        return new NamespaceOptedOut(saName, ref.registry(), policies.optedOutOf());
      }
      return new NoPullSecret(
          saName,
          context.serviceAccount().isPresent(),
          ref.registry(),
          policies.selectingNames(),
          policies.known());
    }
    if (!tries.isEmpty()) {
      Keyring.Try first = tries.get(0);
      return new CredentialMatches(
          first.secret(),
          first.key().display(),
          ref.name(),
          ref.canonical(),
          tries.size(),
          lookup.orderFixed());
    }
    Optional<PullSecret> broken = read.stream().filter(s -> !s.used()).findFirst();
    if (broken.isPresent()) {
      PullSecret b = broken.get();
      String policy =
          context.policies().selecting().stream()
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

  /**
   * The kubelet's texts about the container's pull, most telling first: its waiting message, then
   * the messages of the Pod's {@code Failed} Events about that container, newest first.
   */
  static List<String> kubeletTexts(
      Pod pod, String container, ContainerStateWaiting waiting, List<Event> events) {
    List<String> texts = new ArrayList<>();
    if (waiting.getMessage() != null) {
      texts.add(waiting.getMessage());
    }
    texts.addAll(pullEvents(pod, container, events));
    return texts;
  }

  /** The Failed-to-pull Events about one container of the Pod, newest first. */
  static List<String> pullEvents(Pod pod, String container, List<Event> events) {
    String suffix = "{" + container + "}";
    return events.stream()
        .filter(e -> "Failed".equals(e.getReason()))
        .filter(e -> e.getMessage() != null && e.getMessage().startsWith("Failed to pull image"))
        .filter(e -> about(e.getInvolvedObject(), pod))
        .filter(
            e ->
                e.getInvolvedObject().getFieldPath() == null
                    || e.getInvolvedObject().getFieldPath().endsWith(suffix))
        .sorted(Comparator.comparing(Doctor::eventTime).reversed())
        .map(Event::getMessage)
        .toList();
  }

  private static boolean about(ObjectReference o, Pod pod) {
    if (o == null || !"Pod".equals(o.getKind())) {
      return false;
    }
    String uid = pod.getMetadata().getUid();
    if (uid != null && o.getUid() != null) {
      return uid.equals(o.getUid());
    }
    return pod.getMetadata().getName().equals(o.getName())
        && (o.getNamespace() == null || o.getNamespace().equals(pod.getMetadata().getNamespace()));
  }

  /** When the Event last happened, as an RFC 3339 string (they sort as text). */
  private static String eventTime(Event e) {
    if (e.getSeries() != null
        && e.getSeries().getLastObservedTime() != null
        && e.getSeries().getLastObservedTime().getTime() != null) {
      return e.getSeries().getLastObservedTime().getTime();
    }
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata() == null || e.getMetadata().getCreationTimestamp() == null
        ? ""
        : e.getMetadata().getCreationTimestamp();
  }

  /** The Pod's controller from its owner references, or null. */
  static Controller controllerOf(Pod pod) {
    if (pod.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference o : pod.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(o.getController())) {
        return new Controller(o.getApiVersion(), o.getKind(), o.getName(), o.getUid());
      }
    }
    return null;
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
        Comparator.comparing(Lacking::namespace)
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
