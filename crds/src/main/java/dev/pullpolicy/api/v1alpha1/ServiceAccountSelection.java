package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Which ServiceAccounts get the entry: those named here OR matching the selector. */
public class ServiceAccountSelection {

  /** What {@code names} means when neither it nor the selector is set. */
  public static final List<String> DEFAULT_NAMES = List.of("default");

  @Size(max = 256)
  @JsonPropertyDescription(
      "ServiceAccount names, or \"*\" for all. Unset (and no selector): [default]. An empty"
          + " list names none.")
  private List<@Size(min = 1, max = 253) @Pattern(Validation.SERVICE_ACCOUNT_NAME_OR_STAR) String>
      names;

  @JsonPropertyDescription(
      "A label selector on ServiceAccounts; a ServiceAccount matching it is selected too.")
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
