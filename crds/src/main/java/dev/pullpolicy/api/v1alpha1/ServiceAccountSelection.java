package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * Which ServiceAccounts get the entry: those named here OR matching the selector; see {@code
 * dev.pullpolicy.api.selection.ServiceAccounts} for the whole rule.
 */
public class ServiceAccountSelection {

  /** What {@code names} means when neither it nor the selector is set. */
  public static final List<String> DEFAULT_NAMES = List.of("default");

  @Size(max = 256)
  @JsonPropertyDescription(
      "ServiceAccount names, or \"*\" for all. A ServiceAccount named here OR matching the"
          + " selector gets the entry. Neither names nor selector set: [default]. Unset with a"
          + " selector set: only the selector counts. An empty list names none.")
  private List<@Size(min = 1, max = 253) @Pattern(Validation.SERVICE_ACCOUNT_NAME_OR_STAR) String>
      names;

  @JsonPropertyDescription(
      "A label selector on ServiceAccounts (matchLabels AND matchExpressions); a"
          + " ServiceAccount matching it is selected too (OR names). {} (empty) selects every"
          + " ServiceAccount, as an empty LabelSelector does everywhere in Kubernetes. Unset:"
          + " only names count.")
  @SchemaFrom(type = LabelSelectorSchema.class)
  private LabelSelector selector;

  public List<String> getNames() {
    return names;
  }

  public void setNames(List<String> names) {
    this.names = names;
  }

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }
}
