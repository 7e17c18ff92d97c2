package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * Which namespaces get the copy: those matching the selector AND any include glob AND no exclude
 * glob; see {@code dev.pullpolicy.api.selection.Namespaces} for the whole rule.
 */
public class NamespaceSelection {

  /** What {@code exclude} means when it is not set. */
  public static final List<String> DEFAULT_EXCLUDE =
      List.of("kube-system", "kube-public", "kube-node-lease");

  @JsonPropertyDescription(
      "A label selector on namespaces (matchLabels AND matchExpressions). Unset or {} (empty):"
          + " every namespace, as an empty LabelSelector selects everything in Kubernetes.")
  @SchemaFrom(type = LabelSelectorSchema.class)
  private LabelSelector selector;

  @Size(max = 256)
  @JsonPropertyDescription(
      "Namespace name globs ('*' any run of characters, also none; '?' exactly one; the rest"
          + " literal), e.g. team-*. A namespace must match one of them. Unset or empty: every"
          + " name.")
  private List<@Size(min = 1, max = 253) @Pattern(Validation.NAME_GLOB) String> include;

  @Size(max = 256)
  @JsonPropertyDescription(
      "Namespace name globs that never get the copy; exclude wins over include. Unset:"
          + " kube-system, kube-public, kube-node-lease. An empty list excludes nothing.")
  private List<@Size(min = 1, max = 253) @Pattern(Validation.NAME_GLOB) String> exclude;

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public List<String> getInclude() {
    return include;
  }

  public void setInclude(List<String> include) {
    this.include = include;
  }

  public List<String> getExclude() {
    return exclude;
  }

  public void setExclude(List<String> exclude) {
    this.exclude = exclude;
  }
}
