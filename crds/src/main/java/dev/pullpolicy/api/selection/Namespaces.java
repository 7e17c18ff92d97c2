package dev.pullpolicy.api.selection;

import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/**
 * Which namespaces a policy selects, for the operator and the plugin alike. The rules, in the order
 * they are applied (crds/README.md has them as a table):
 *
 * <ol>
 *   <li>{@code include} set and not empty: the name must match one of its globs;
 *   <li>the name must match none of the {@code exclude} globs ({@code exclude} unset: {@link
 *       NamespaceSelection#DEFAULT_EXCLUDE}; an empty list excludes nothing);
 *   <li>{@code selector} set: the namespace's labels must match it ({@code {}} matches all, unset
 *       restricts nothing);
 *   <li>failing any of these: {@link NamespaceVerdict#NOT_SELECTED};
 *   <li>being deleted ({@code deletionTimestamp} set or phase {@code Terminating}): {@link
 *       NamespaceVerdict#TERMINATING};
 *   <li>annotated {@code pullpolicy.dev/ignore} with {@code true} in any letter case: {@link
 *       NamespaceVerdict#IGNORED};
 *   <li>else {@link NamespaceVerdict#SELECTED}.
 * </ol>
 */
public final class Namespaces {
  private Namespaces() {}

  /** What a policy with these {@code namespaces} (null: the defaults) makes of the namespace. */
  public static NamespaceVerdict verdict(NamespaceSelection selection, Namespace ns) {
    ObjectMeta meta = ns.getMetadata();
    String name = meta.getName();
    List<String> include = selection == null ? null : selection.getInclude();
    if (include != null && !include.isEmpty() && !NameGlobs.anyMatches(include, name)) {
      return NamespaceVerdict.NOT_SELECTED;
    }
    List<String> exclude =
        selection == null || selection.getExclude() == null
            ? NamespaceSelection.DEFAULT_EXCLUDE
            : selection.getExclude();
    if (NameGlobs.anyMatches(exclude, name)) {
      return NamespaceVerdict.NOT_SELECTED;
    }
    if (selection != null
        && selection.getSelector() != null
        && !LabelSelectors.matches(selection.getSelector(), meta.getLabels())) {
      return NamespaceVerdict.NOT_SELECTED;
    }
    if (isTerminating(ns)) {
      return NamespaceVerdict.TERMINATING;
    }
    if (optsOut(meta.getAnnotations())) {
      return NamespaceVerdict.IGNORED;
    }
    return NamespaceVerdict.SELECTED;
  }

  /** Being deleted: a deletion timestamp, or the phase {@code Terminating}. */
  public static boolean isTerminating(Namespace ns) {
    return ns.getMetadata().getDeletionTimestamp() != null
        || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()));
  }

  /**
   * True when the annotations opt out of every policy: {@code pullpolicy.dev/ignore} is {@code
   * true} in any letter case ({@code "True"}, {@code "TRUE"}); any other value opts nothing out.
   */
  public static boolean optsOut(Map<String, String> annotations) {
    return annotations != null && "true".equalsIgnoreCase(annotations.get(PullPolicyLabels.IGNORE));
  }
}
