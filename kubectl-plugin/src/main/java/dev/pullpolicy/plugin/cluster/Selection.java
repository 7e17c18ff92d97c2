package dev.pullpolicy.plugin.cluster;

import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import dev.pullpolicy.plugin.image.Glob;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;
import java.util.Map;

/** Which namespaces and ServiceAccounts a policy selects, as the API documents it. */
public final class Selection {
  private Selection() {}

  /** How a policy sees a namespace. */
  public enum NamespaceMatch {
    SELECTED,
    IGNORED,
    TERMINATING,
    NOT_SELECTED
  }

  /** The target Secret name of a policy: target.secretName, else the policy's name. */
  public static String targetSecretName(PullCredentialPolicy policy) {
    var target = policy.getSpec() == null ? null : policy.getSpec().getTarget();
    return target != null && target.getSecretName() != null && !target.getSecretName().isEmpty()
        ? target.getSecretName()
        : policy.getMetadata().getName();
  }

  public static NamespaceMatch namespace(PullCredentialPolicy policy, Namespace ns) {
    String name = ns.getMetadata().getName();
    NamespaceSelection sel = policy.getSpec() == null ? null : policy.getSpec().getNamespaces();
    List<String> include = sel == null ? null : sel.getInclude();
    List<String> exclude =
        sel == null || sel.getExclude() == null
            ? NamespaceSelection.DEFAULT_EXCLUDE
            : sel.getExclude();
    if (include != null && !include.isEmpty() && include.stream().noneMatch(g -> glob(g, name))) {
      return NamespaceMatch.NOT_SELECTED;
    }
    if (exclude.stream().anyMatch(g -> glob(g, name))) {
      return NamespaceMatch.NOT_SELECTED;
    }
    if (sel != null && !labels(sel.getSelector(), ns.getMetadata().getLabels())) {
      return NamespaceMatch.NOT_SELECTED;
    }
    Map<String, String> annotations = ns.getMetadata().getAnnotations();
    if (annotations != null && "true".equals(annotations.get(PullPolicyLabels.IGNORE))) {
      return NamespaceMatch.IGNORED;
    }
    if (ns.getMetadata().getDeletionTimestamp() != null
        || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))) {
      return NamespaceMatch.TERMINATING;
    }
    return NamespaceMatch.SELECTED;
  }

  public static boolean serviceAccount(PullCredentialPolicy policy, ServiceAccount sa) {
    ServiceAccountSelection sel =
        policy.getSpec() == null ? null : policy.getSpec().getServiceAccounts();
    List<String> names = sel == null ? null : sel.getNames();
    LabelSelector selector = sel == null ? null : sel.getSelector();
    if (names == null && selector == null) {
      names = ServiceAccountSelection.DEFAULT_NAMES;
    }
    String name = sa.getMetadata().getName();
    if (names != null && (names.contains("*") || names.contains(name))) {
      return true;
    }
    return selector != null && labels(selector, sa.getMetadata().getLabels());
  }

  private static boolean glob(String pattern, String name) {
    return Glob.matches(pattern, name);
  }

  /** Whether labels match a LabelSelector; an empty or null selector matches everything. */
  public static boolean labels(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = l.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> l.containsKey(r.getKey());
              case "DoesNotExist" -> !l.containsKey(r.getKey());
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
