package dev.pullpolicy.operator.cache;

import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Namespaces and ServiceAccounts as the operator's caches keep them: what the rules read (the API
 * module's selection and ownership: names, labels, the two pullpolicy annotations, deletion, the
 * entries) and what a guarded patch needs (uid, resourceVersion); no managed fields, other
 * annotations, owner references, finalizers, spec or conditions. Never written back whole: a
 * ServiceAccount is changed by a JSON patch of its entries and annotation, guarded by its
 * resourceVersion.
 */
public final class Slim {
  private Slim() {}

  /** The Namespace as cached: name, uid, resourceVersion, labels, the ignore annotation, phase. */
  public static Namespace namespace(Namespace ns) {
    ObjectMeta m = ns.getMetadata();
    Namespace s = new Namespace();
    s.setApiVersion(ns.getApiVersion());
    s.setKind(ns.getKind());
    s.setMetadata(meta(m, PullPolicyLabels.IGNORE));
    s.getMetadata().setDeletionTimestamp(m.getDeletionTimestamp());
    if (ns.getStatus() != null && ns.getStatus().getPhase() != null) {
      s.setStatus(new NamespaceStatus(null, ns.getStatus().getPhase()));
    }
    return s;
  }

  /**
   * The ServiceAccount as cached: name, namespace, uid, resourceVersion, labels, the annotation
   * recording pullpolicy's entries, and imagePullSecrets.
   */
  public static ServiceAccount serviceAccount(ServiceAccount sa) {
    ServiceAccount s = new ServiceAccount();
    s.setApiVersion(sa.getApiVersion());
    s.setKind(sa.getKind());
    s.setMetadata(meta(sa.getMetadata(), PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES));
    s.setImagePullSecrets(sa.getImagePullSecrets());
    return s;
  }

  /**
   * True when a Namespace changed in what the operator reads: labels, the ignore annotation,
   * deletion. {@code old} may be the cached (slim) one.
   */
  public static boolean namespaceChanged(Namespace old, Namespace now) {
    return !Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())
        || !Objects.equals(
            annotation(old.getMetadata(), PullPolicyLabels.IGNORE),
            annotation(now.getMetadata(), PullPolicyLabels.IGNORE))
        || !Objects.equals(
            old.getMetadata().getDeletionTimestamp(), now.getMetadata().getDeletionTimestamp());
  }

  /**
   * True when a ServiceAccount changed in what the operator reads: entries, labels, the annotation
   * recording pullpolicy's entries. {@code old} may be the cached (slim) one.
   */
  public static boolean serviceAccountChanged(ServiceAccount old, ServiceAccount now) {
    return !Objects.equals(entries(old), entries(now))
        || !Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())
        || !Objects.equals(
            annotation(old.getMetadata(), PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES),
            annotation(now.getMetadata(), PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES));
  }

  private static List<LocalObjectReference> entries(ServiceAccount sa) {
    List<LocalObjectReference> l = sa.getImagePullSecrets();
    return l == null || l.isEmpty() ? List.of() : l;
  }

  private static ObjectMeta meta(ObjectMeta m, String keptAnnotation) {
    ObjectMeta s = new ObjectMeta();
    s.setName(m.getName());
    s.setNamespace(m.getNamespace());
    s.setUid(m.getUid());
    s.setResourceVersion(m.getResourceVersion());
    s.setLabels(m.getLabels() == null || m.getLabels().isEmpty() ? null : m.getLabels());
    String kept = annotation(m, keptAnnotation);
    s.setAnnotations(kept == null ? null : Map.of(keptAnnotation, kept));
    return s;
  }

  private static String annotation(ObjectMeta m, String key) {
    return m.getAnnotations() == null ? null : m.getAnnotations().get(key);
  }
}
