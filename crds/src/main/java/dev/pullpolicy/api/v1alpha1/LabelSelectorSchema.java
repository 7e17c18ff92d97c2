package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * The schema of the policy's label selectors: Kubernetes' {@code LabelSelector} with the checks the
 * API server makes on its own selectors (a valid label key and operator on every expression, values
 * as the operator wants them, valid label keys and values), so that a selector that can never work
 * is refused on apply rather than found by the operator.
 *
 * <p>Only the CRD generator reads this class ({@code @SchemaFrom} on the selector fields); the
 * model keeps fabric8's {@link io.fabric8.kubernetes.api.model.LabelSelector}. The size limits keep
 * the CEL rules within the API server's cost budget.
 */
public final class LabelSelectorSchema {

  /** At most this many expressions in one selector. */
  public static final int MAX_EXPRESSIONS = 32;

  /** At most this many values in one expression. */
  public static final int MAX_VALUES = 64;

  /** At most this many labels in {@code matchLabels}. */
  public static final int MAX_MATCH_LABELS = 64;

  @Size(max = MAX_MATCH_LABELS)
  @ValidationRule(value = Validation.CEL_LABEL_KEYS, message = Validation.LABEL_KEYS_MESSAGE)
  @JsonProperty
  @JsonPropertyDescription(
      "Labels the object must carry with exactly these values (ANDed with matchExpressions).")
  private Map<
          String, @Size(max = Validation.MAX_LABEL_VALUE) @Pattern(Validation.LABEL_VALUE) String>
      matchLabels;

  @Size(max = MAX_EXPRESSIONS)
  @JsonProperty
  @JsonPropertyDescription("Requirements on labels, all of which must hold.")
  private List<Requirement> matchExpressions;

  private LabelSelectorSchema() {}

  /** One requirement of {@code matchExpressions}. */
  @ValidationRule(
      value = "!(self.operator in ['In', 'NotIn']) || (has(self.values) && size(self.values) > 0)",
      message = "values must not be empty when operator is In or NotIn",
      fieldPath = ".values")
  @ValidationRule(
      value =
          "!(self.operator in ['Exists', 'DoesNotExist']) || !has(self.values)"
              + " || size(self.values) == 0",
      message = "values must be empty when operator is Exists or DoesNotExist",
      fieldPath = ".values")
  public static final class Requirement {

    @Required
    @Size(min = 1, max = Validation.MAX_LABEL_KEY)
    @ValidationRule(value = Validation.CEL_LABEL_KEY, message = Validation.LABEL_KEY_MESSAGE)
    @JsonProperty
    @JsonPropertyDescription("The label key the requirement applies to.")
    private String key;

    @Required
    @JsonProperty
    @JsonPropertyDescription("How the key's value is compared: In, NotIn, Exists, DoesNotExist.")
    private Operator operator;

    @Size(max = MAX_VALUES)
    @JsonProperty
    @JsonPropertyDescription(
        "The values: at least one for In and NotIn, none for Exists and DoesNotExist.")
    private List<@Size(max = Validation.MAX_LABEL_VALUE) @Pattern(Validation.LABEL_VALUE) String>
        values;

    private Requirement() {}
  }

  /** The operators of a label selector requirement. */
  public enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist
  }
}
