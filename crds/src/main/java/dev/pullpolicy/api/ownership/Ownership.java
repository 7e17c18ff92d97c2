package dev.pullpolicy.api.ownership;

import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.ownership.WriteDecision.Action;
import dev.pullpolicy.api.v1alpha1.OnConflict;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.api.v1alpha1.Target;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which Secret belongs to whom, and what a policy may do to it: the one place that decides whether
 * a Secret may be created, updated, adopted or deleted by a policy. Pure; it looks only at metadata
 * and the Secret's type, never at data. The operator runs it on cached state when planning and
 * again on the fresh object after a conflicting write; the plugin runs it to tell the state of a
 * copy.
 *
 * <p>One instance answers for one policy, given the sources of every policy (a source of any policy
 * is never written or deleted). Only pull Secrets ({@code kubernetes.io/dockerconfigjson}, {@code
 * kubernetes.io/dockercfg}) are ever written, adopted or deleted: a Secret of any other type is
 * foreign whatever labels or owner references it carries.
 */
public final class Ownership {
  private final String policy;
  private final String uid;
  private final String target;
  private final OnConflict onConflict;
  private final List<SecretReference> ownSources;

  /** Every policy's sources: namespace to names (looked up without allocating). */
  private final Map<String, Set<String>> allSources = new HashMap<>();

  private Ownership(PullCredentialPolicy policy, Collection<SecretReference> allSources) {
    this.policy = policy.getMetadata().getName();
    this.uid = policy.getMetadata().getUid();
    this.target = targetName(policy);
    this.onConflict =
        policy.getSpec() == null || policy.getSpec().getOnConflict() == null
            ? OnConflict.Skip
            : policy.getSpec().getOnConflict();
    this.ownSources =
        policy.getSpec() == null || policy.getSpec().getSources() == null
            ? List.of()
            : policy.getSpec().getSources();
    for (Collection<SecretReference> refs : List.of(allSources, ownSources)) {
      for (SecretReference r : refs) {
        if (r != null && r.getNamespace() != null && r.getName() != null) {
          this.allSources.computeIfAbsent(r.getNamespace(), k -> new HashSet<>()).add(r.getName());
        }
      }
    }
  }

  /**
   * The rules for one policy.
   *
   * @param allSources the sources of every policy (this one's are added)
   */
  public static Ownership of(PullCredentialPolicy policy, Collection<SecretReference> allSources) {
    return new Ownership(policy, allSources);
  }

  /** The sources of all these policies. */
  public static Set<SecretReference> sourcesOf(Collection<PullCredentialPolicy> policies) {
    Set<SecretReference> sources = new HashSet<>();
    for (PullCredentialPolicy p : policies) {
      if (p.getSpec() != null && p.getSpec().getSources() != null) {
        sources.addAll(p.getSpec().getSources());
      }
    }
    return sources;
  }

  /** The name of a policy's copy: {@code target.secretName}, else the policy's name. */
  public static String targetName(PullCredentialPolicy policy) {
    Target t = policy.getSpec() == null ? null : policy.getSpec().getTarget();
    return t != null && t.getSecretName() != null && !t.getSecretName().isEmpty()
        ? t.getSecretName()
        : policy.getMetadata().getName();
  }

  /**
   * The policy that manages a Secret: its {@code pullpolicy.dev/policy} label when it is also
   * labelled {@code app.kubernetes.io/managed-by: pullpolicy}; else null.
   */
  public static String managingPolicy(HasMetadata secret) {
    return managingPolicy(secret.getMetadata());
  }

  /** As {@link #managingPolicy(HasMetadata)}, from the metadata alone. */
  public static String managingPolicy(ObjectMeta meta) {
    Map<String, String> labels = meta.getLabels();
    if (labels == null
        || !PullPolicyLabels.MANAGED_BY_VALUE.equals(labels.get(PullPolicyLabels.MANAGED_BY))) {
      return null;
    }
    return labels.get(PullPolicyLabels.POLICY);
  }

  /** True when the object has an owner reference to that uid. */
  public static boolean hasOwner(ObjectMeta meta, String uid) {
    List<OwnerReference> refs = meta.getOwnerReferences();
    if (refs == null || uid == null) {
      return false;
    }
    for (int i = 0, size = refs.size(); i < size; i++) {
      if (uid.equals(refs.get(i).getUid())) {
        return true;
      }
    }
    return false;
  }

  /** The name of this policy's copy. */
  public String target() {
    return target;
  }

  /** True when {@code namespace/name} is a source of any policy. */
  public boolean isSource(String namespace, String name) {
    Set<String> names = allSources.get(namespace);
    return names != null && names.contains(name);
  }

  /**
   * True when {@code type} is one of the two pull-Secret types (the only types pullpolicy ever
   * writes, adopts or deletes).
   */
  public static boolean isPullSecretType(String type) {
    return PullSecrets.TYPE_DOCKER_CONFIG_JSON.equals(type)
        || PullSecrets.TYPE_DOCKERCFG.equals(type);
  }

  /**
   * What the Secret {@code namespace/name} is to this policy.
   *
   * @param existing its metadata, or null when it does not exist
   * @param type its type, or null when not known (a reader of metadata alone): then the labels and
   *     owner references decide alone
   */
  public SecretClass classify(String namespace, String name, ObjectMeta existing, String type) {
    if (isSource(namespace, name)) {
      return SecretClass.SOURCE;
    }
    if (existing == null) {
      return SecretClass.ABSENT;
    }
    if (type != null && !isPullSecretType(type)) {
      return SecretClass.FOREIGN; // never ours, whatever it is labelled
    }
    String owner = managingPolicy(existing);
    if (policy.equals(owner) || (owner == null && hasOwner(existing, uid))) {
      return SecretClass.OURS;
    }
    return owner != null ? SecretClass.OTHER_POLICY : SecretClass.FOREIGN;
  }

  /**
   * What this policy may do about its target name in the namespace.
   *
   * @param existing the metadata of the Secret with the target name there, or null when none
   * @param type its type, or null when not known (then a foreign Secret counts as a pull Secret)
   */
  public WriteDecision decide(String namespace, ObjectMeta existing, String type) {
    return switch (classify(namespace, target, existing, type)) {
      case ABSENT -> WriteDecision.of(Action.CREATE);
      case OURS -> WriteDecision.of(Action.UPDATE);
      case SOURCE -> {
        if (ownSources.size() == 1 && isOwnSource(namespace, target)) {
          yield WriteDecision.of(Action.SERVED_BY_SOURCE);
        }
        yield WriteDecision.conflict(
            FailureReason.SourceSecret,
            isOwnSource(namespace, target)
                ? where(namespace) + " is one of several sources; it cannot hold the merged copy"
                : where(namespace) + " is a policy's source; it is never overwritten");
      }
      case OTHER_POLICY ->
          WriteDecision.conflict(
              FailureReason.OwnedByOtherPolicy,
              where(namespace) + " is managed by policy " + managingPolicy(existing));
      case FOREIGN -> {
        if (onConflict != OnConflict.Adopt) {
          yield WriteDecision.conflict(
              FailureReason.Unmanaged,
              where(namespace) + " exists and is not managed by pullpolicy (onConflict: Skip)");
        }
        // a Secret of another type is never replaced; its type is not named (status is read by
        // people who may not read that Secret)
        yield type != null && !isPullSecretType(type)
            ? WriteDecision.conflict(
                FailureReason.NotAPullSecret,
                where(namespace)
                    + " exists and is not a pull Secret; only pull Secrets are adopted"
                    + " (onConflict: Adopt)")
            : WriteDecision.of(Action.ADOPT);
      }
    };
  }

  /**
   * Whether this policy may delete the Secret {@code namespace/name}: only its own copy (a pull
   * Secret), and never a source.
   *
   * @param type its type, or null when not known
   */
  public boolean mayDelete(String namespace, String name, ObjectMeta existing, String type) {
    return classify(namespace, name, existing, type) == SecretClass.OURS;
  }

  private String where(String namespace) {
    return "Secret " + namespace + "/" + target;
  }

  private boolean isOwnSource(String namespace, String name) {
    for (SecretReference r : ownSources) {
      if (Objects.equals(r.getNamespace(), namespace) && Objects.equals(r.getName(), name)) {
        return true;
      }
    }
    return false;
  }
}
