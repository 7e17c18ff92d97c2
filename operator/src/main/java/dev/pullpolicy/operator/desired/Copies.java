package dev.pullpolicy.operator.desired;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The parts of a copy's metadata that only the operator writes: owner reference, orphaning. */
public final class Copies {
  private Copies() {}

  /** The controller owner reference from a copy to its policy. */
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
