package dev.pullpolicy.operator.desired;

import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.Target;
import dev.pullpolicy.operator.cache.CachedCopy;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of the desired copy that are the same in every namespace, computed once per reconcile:
 * the base64 of the merged data, labels, annotations and owner reference. {@link #inSync} compares
 * a cached copy without building the desired Secret; {@link #secret} builds it (fresh maps each
 * time) only for a namespace that needs a write.
 */
public final class DesiredCopy {
  private final String name;
  private final String hash;
  private final String data; // base64 of the merged .dockerconfigjson
  private final Map<String, String> labels;
  private final Map<String, String> annotations;
  private final OwnerReference owner;

  private DesiredCopy(PullCredentialPolicy policy, MergedConfig config) {
    Target t = policy.getSpec().getTarget();
    Map<String, String> l = new LinkedHashMap<>();
    Map<String, String> a = new LinkedHashMap<>();
    if (t != null && t.getLabels() != null) {
      l.putAll(t.getLabels());
    }
    if (t != null && t.getAnnotations() != null) {
      a.putAll(t.getAnnotations());
    }
    l.put(PullPolicyLabels.POLICY, policy.getMetadata().getName());
    l.put(PullPolicyLabels.MANAGED_BY, PullPolicyLabels.MANAGED_BY_VALUE);
    a.put(PullPolicyLabels.SOURCE_HASH, config.hash());
    this.name = Ownership.targetName(policy);
    this.hash = config.hash();
    this.data = Base64.getEncoder().encodeToString(config.json());
    this.labels = l;
    this.annotations = a;
    this.owner = Copies.ownerReference(policy);
  }

  public static DesiredCopy of(PullCredentialPolicy policy, MergedConfig config) {
    return new DesiredCopy(policy, config);
  }

  /** The desired copy in a namespace; a new object (and new maps) on every call. */
  public Secret secret(String namespace) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(new LinkedHashMap<>(labels))
        .withAnnotations(new LinkedHashMap<>(annotations))
        .withOwnerReferences(owner)
        .endMetadata()
        .withType(PullSecrets.TYPE_DOCKER_CONFIG_JSON)
        .withData(Map.of(PullSecrets.KEY_DOCKER_CONFIG_JSON, data))
        .build();
  }

  /**
   * True when the existing copy is what {@link #secret} would write: type, data (the one key, by
   * the hash of its content: the cache keeps no data, see {@link CachedCopy}), our labels and
   * annotations present with our values (others tolerated), our owner reference. The source-hash
   * annotation is compared first, so a copy from before a rotation is rejected at once; the data's
   * own hash is still compared, so a hand-edited copy that kept the annotation is found stale.
   */
  public boolean inSync(Secret existing) {
    Map<String, String> a = existing.getMetadata().getAnnotations();
    if (a == null || !hash.equals(a.get(PullPolicyLabels.SOURCE_HASH))) {
      return false;
    }
    if (!PullSecrets.TYPE_DOCKER_CONFIG_JSON.equals(existing.getType())) {
      return false;
    }
    if (!hash.equals(CachedCopy.dataHash(existing))) {
      return false;
    }
    if (existing.getStringData() != null && !existing.getStringData().isEmpty()) {
      return false;
    }
    return containsAll(existing.getMetadata().getLabels(), labels)
        && containsAll(a, annotations)
        && hasOwner(existing.getMetadata().getOwnerReferences(), owner.getUid());
  }

  private static boolean containsAll(Map<String, String> actual, Map<String, String> wanted) {
    if (actual == null) {
      return wanted.isEmpty();
    }
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasOwner(List<OwnerReference> refs, String uid) {
    if (refs == null) {
      return false;
    }
    for (int i = 0, size = refs.size(); i < size; i++) {
      if (Objects.equals(uid, refs.get(i).getUid())) {
        return true;
      }
    }
    return false;
  }
}
