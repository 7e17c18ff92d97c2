package dev.pullpolicy.operator.desired;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Label selector and name glob matching, as Kubernetes and the policy's docs define them. */
public final class Selectors {
  private Selectors() {}

  /** True when the labels match the selector; a null or empty selector matches everything. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false; // an unknown operator selects nothing rather than everything
    };
  }

  /** True when a selector is set and has at least one requirement. */
  public static boolean isSet(LabelSelector selector) {
    return selector != null
        && ((selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty())
            || (selector.getMatchExpressions() != null
                && !selector.getMatchExpressions().isEmpty()));
  }

  /** Glob match: '*' any run of characters (also none), '?' exactly one; the rest literal. */
  public static boolean globMatches(String glob, String name) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.matches(re.toString(), name);
  }

  public static boolean anyGlobMatches(List<String> globs, String name) {
    return globs.stream().anyMatch(g -> globMatches(g, name));
  }
}
