package dev.pullpolicy.operator.desired;

import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.Target;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds the copy a policy wants in a namespace, and tells whether an existing one matches. */
public final class Copies {
  private Copies() {}

  /** The name of the copy: {@code target.secretName}, else the policy's name. */
  public static String targetName(PullCredentialPolicy policy) {
    Target t = policy.getSpec() == null ? null : policy.getSpec().getTarget();
    return t != null && t.getSecretName() != null && !t.getSecretName().isEmpty()
        ? t.getSecretName()
        : policy.getMetadata().getName();
  }

  /** Which policy manages this Secret (its {@code pullpolicy.dev/policy} label), or null. */
  public static String managingPolicy(HasMetadata secret) {
    Map<String, String> labels = secret.getMetadata().getLabels();
    if (labels == null
        || !PullPolicyLabels.MANAGED_BY_VALUE.equals(labels.get(PullPolicyLabels.MANAGED_BY))) {
      return null;
    }
    return labels.get(PullPolicyLabels.POLICY);
  }

  /**
   * The desired copy: the merged data as {@code kubernetes.io/dockerconfigjson}, the policy's
   * target labels and annotations under ours, an owner reference to the policy; nothing of the
   * source's metadata.
   */
  public static Secret desired(PullCredentialPolicy policy, String namespace, MergedConfig config) {
    return DesiredCopy.of(policy, config).secret(namespace);
  }

  public static OwnerReference ownerReference(PullCredentialPolicy policy) {
    return new OwnerReferenceBuilder()
        .withApiVersion(policy.getApiVersion())
        .withKind(policy.getKind())
        .withName(policy.getMetadata().getName())
        .withUid(policy.getMetadata().getUid())
        .withController(true)
        .build();
  }

  /**
   * True when the existing copy carries the desired type, data, labels, annotations and owner
   * reference. Labels or annotations others added are tolerated.
   */
  public static boolean inSync(Secret existing, Secret desired) {
    return Objects.equals(existing.getType(), desired.getType())
        && Objects.equals(existing.getData(), desired.getData())
        && (existing.getStringData() == null || existing.getStringData().isEmpty())
        && containsAll(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())
        && containsAll(
            existing.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations())
        && hasOwner(existing, desired.getMetadata().getOwnerReferences().get(0).getUid());
  }

  private static boolean containsAll(Map<String, String> actual, Map<String, String> wanted) {
    Map<String, String> a = actual == null ? Map.of() : actual;
    return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(a.get(e.getKey())));
  }

  public static boolean hasOwner(HasMetadata resource, String uid) {
    List<OwnerReference> refs = resource.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> Objects.equals(uid, r.getUid()));
  }

  /**
   * The copy as it stays after an {@code Orphan} delete: no owner reference to the policy, no
   * pullpolicy labels (it is no longer managed), data untouched.
   */
  public static Secret orphaned(Secret copy, String policyUid) {
    Secret s = new SecretBuilder(copy).build();
    if (s.getMetadata().getOwnerReferences() != null) {
      s.getMetadata()
          .setOwnerReferences(
              s.getMetadata().getOwnerReferences().stream()
                  .filter(r -> !Objects.equals(policyUid, r.getUid()))
                  .toList());
    }
    if (s.getMetadata().getLabels() != null) {
      Map<String, String> labels = new LinkedHashMap<>(s.getMetadata().getLabels());
      labels.remove(PullPolicyLabels.POLICY);
      labels.remove(PullPolicyLabels.MANAGED_BY);
      s.getMetadata().setLabels(labels);
    }
    return s;
  }
}
