package dev.pullpolicy.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceSelectorTest {
  static Namespace ns(String name, Map<String, String> labels, Map<String, String> annotations) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .build();
  }

  static Namespace ns(String name) {
    return ns(name, Map.of(), Map.of());
  }

  @Test
  void defaultsSelectAllButTheSystemNamespaces() {
    assertThat(NamespaceSelector.verdict(null, ns("team-a"))).isEqualTo(NamespaceVerdict.SELECTED);
    assertThat(NamespaceSelector.verdict(new NamespaceSelection(), ns("kube-system")))
        .isEqualTo(NamespaceVerdict.NOT_SELECTED);
    NamespaceSelection none = new NamespaceSelection();
    none.setExclude(List.of());
    assertThat(NamespaceSelector.verdict(none, ns("kube-system")))
        .isEqualTo(NamespaceVerdict.SELECTED);
  }

  @Test
  void includeAndExcludeGlobs() {
    NamespaceSelection s = new NamespaceSelection();
    s.setInclude(List.of("team-*", "app-?"));
    s.setExclude(List.of("team-secret*"));
    assertThat(NamespaceSelector.verdict(s, ns("team-a"))).isEqualTo(NamespaceVerdict.SELECTED);
    assertThat(NamespaceSelector.verdict(s, ns("app-1"))).isEqualTo(NamespaceVerdict.SELECTED);
    assertThat(NamespaceSelector.verdict(s, ns("app-12"))).isEqualTo(NamespaceVerdict.NOT_SELECTED);
    assertThat(NamespaceSelector.verdict(s, ns("team-secrets")))
        .isEqualTo(NamespaceVerdict.NOT_SELECTED);
    assertThat(NamespaceSelector.verdict(s, ns("other"))).isEqualTo(NamespaceVerdict.NOT_SELECTED);
    assertThat(Selectors.globMatches("a.b", "axb")).isFalse();
  }

  @Test
  void labelSelectorWithExpressions() {
    NamespaceSelection s = new NamespaceSelection();
    s.setSelector(
        new LabelSelectorBuilder()
            .withMatchLabels(Map.of("env", "prod"))
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("In")
            .withValues("web", "api")
            .endMatchExpression()
            .addNewMatchExpression()
            .withKey("legacy")
            .withOperator("DoesNotExist")
            .endMatchExpression()
            .build());
    assertThat(
            NamespaceSelector.verdict(s, ns("a", Map.of("env", "prod", "tier", "web"), Map.of())))
        .isEqualTo(NamespaceVerdict.SELECTED);
    assertThat(NamespaceSelector.verdict(s, ns("a", Map.of("env", "prod", "tier", "db"), Map.of())))
        .isEqualTo(NamespaceVerdict.NOT_SELECTED);
    assertThat(
            NamespaceSelector.verdict(
                s, ns("a", Map.of("env", "prod", "tier", "web", "legacy", "x"), Map.of())))
        .isEqualTo(NamespaceVerdict.NOT_SELECTED);
  }

  @Test
  void optOutAnnotationAndTerminating() {
    assertThat(
            NamespaceSelector.verdict(
                null, ns("a", Map.of(), Map.of("pullpolicy.dev/ignore", "true"))))
        .isEqualTo(NamespaceVerdict.IGNORED);
    Namespace dying = ns("a");
    dying.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    assertThat(NamespaceSelector.verdict(null, dying)).isEqualTo(NamespaceVerdict.TERMINATING);
  }
}
