package dev.pullpolicy.operator.desired;

import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.List;
import java.util.Map;

/** Decides which namespaces a policy selects. Pure. */
public final class NamespaceSelector {
  private NamespaceSelector() {}

  public static NamespaceVerdict verdict(NamespaceSelection selection, Namespace ns) {
    String name = ns.getMetadata().getName();
    if (ns.getMetadata().getDeletionTimestamp() != null
        || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))) {
      return NamespaceVerdict.TERMINATING;
    }
    NamespaceSelection s = selection == null ? new NamespaceSelection() : selection;
    List<String> include = s.getInclude() == null ? List.of() : s.getInclude();
    List<String> exclude =
        s.getExclude() == null ? NamespaceSelection.DEFAULT_EXCLUDE : s.getExclude();
    if (!include.isEmpty() && !Selectors.anyGlobMatches(include, name)) {
      return NamespaceVerdict.NOT_SELECTED;
    }
    if (Selectors.anyGlobMatches(exclude, name)) {
      return NamespaceVerdict.NOT_SELECTED;
    }
    if (!Selectors.matches(s.getSelector(), ns.getMetadata().getLabels())) {
      return NamespaceVerdict.NOT_SELECTED;
    }
    Map<String, String> annotations = ns.getMetadata().getAnnotations();
    if (annotations != null && "true".equalsIgnoreCase(annotations.get(PullPolicyLabels.IGNORE))) {
      return NamespaceVerdict.IGNORED;
    }
    return NamespaceVerdict.SELECTED;
  }
}
