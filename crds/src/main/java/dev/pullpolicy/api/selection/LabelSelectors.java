package dev.pullpolicy.api.selection;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes {@code LabelSelector} applied to labels, as the API defines it: every {@code
 * matchLabels} pair and every {@code matchExpressions} requirement must hold, so an empty selector
 * ({@code {}}) matches everything. Whether an unset ({@code null}) selector means "all" or "none"
 * depends on the field, and is decided by the caller.
 */
public final class LabelSelectors {
  private LabelSelectors() {}

  /** True when the labels satisfy the (non-null) selector; {@code {}} matches every object. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    Map<String, String> matchLabels = selector.getMatchLabels();
    if (matchLabels != null) {
      for (Map.Entry<String, String> e : matchLabels.entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (int i = 0, size = expressions.size(); i < size; i++) {
        if (!matches(expressions.get(i), l)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    String operator = r.getOperator() == null ? "" : r.getOperator();
    return switch (operator) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      // the schema rejects other operators; one that got through selects nothing, never all
      default -> false;
    };
  }
}
