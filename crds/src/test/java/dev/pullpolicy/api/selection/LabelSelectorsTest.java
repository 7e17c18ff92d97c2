package dev.pullpolicy.api.selection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.Yaml;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorsTest {

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        "{}; {}; true",
        "{}; {a: b}; true",
        "{matchLabels: {}}; {a: b}; true",
        "{matchExpressions: []}; {}; true",
        "{matchLabels: {a: b}}; {a: b, c: d}; true",
        "{matchLabels: {a: b}}; {a: c}; false",
        "{matchLabels: {a: b}}; {}; false",
        "{matchLabels: {a: b}, matchExpressions: [{key: c, operator: Exists}]}; {a: b}; false",
        "{matchExpressions: [{key: a, operator: In, values: [b, c]}]}; {a: c}; true",
        "{matchExpressions: [{key: a, operator: In, values: [b, c]}]}; {}; false",
        "{matchExpressions: [{key: a, operator: NotIn, values: [b]}]}; {}; true",
        "{matchExpressions: [{key: a, operator: NotIn, values: [b]}]}; {a: b}; false",
        "{matchExpressions: [{key: a, operator: Exists}]}; {a: ''}; true",
        "{matchExpressions: [{key: a, operator: DoesNotExist}]}; {a: ''}; false",
        "{matchExpressions: [{key: a, operator: DoesNotExist}]}; {}; true",
        // an operator the schema would reject selects nothing, never everything
        "{matchExpressions: [{key: a, operator: Bogus}]}; {a: b}; false",
        "{matchExpressions: [{key: a}]}; {a: b}; false",
      })
  @SuppressWarnings("unchecked")
  void matchesAsKubernetesDefinesIt(String selector, String labels, boolean expected) {
    LabelSelector s = Yaml.read(selector, LabelSelector.class);
    Map<String, String> l = Yaml.read(labels, Map.class);
    assertThat(LabelSelectors.matches(s, l)).isEqualTo(expected);
  }
}
