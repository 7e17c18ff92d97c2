package dev.pullpolicy.api.selection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.ReadmeTables;
import dev.pullpolicy.api.Yaml;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The selection tables of crds/README.md, row by row. */
class SelectionTableTest {

  static Stream<Arguments> namespaceRows() {
    return ReadmeTables.rows("### Namespaces").stream()
        .map(r -> Arguments.of(r.get(0), r.get(1), r.get(2)));
  }

  @ParameterizedTest(name = "namespaces {0}, namespace {1}: {2}")
  @MethodSource("namespaceRows")
  void namespaceVerdictAsDocumented(String selection, String namespace, String verdict) {
    NamespaceSelection s =
        "unset".equals(selection) ? null : Yaml.read(selection, NamespaceSelection.class);
    assertThat(Namespaces.verdict(s, namespace(namespace)))
        .isEqualTo(NamespaceVerdict.valueOf(verdict));
  }

  static Stream<Arguments> serviceAccountRows() {
    return ReadmeTables.rows("### ServiceAccounts").stream()
        .map(r -> Arguments.of(r.get(0), r.get(1), r.get(2)));
  }

  @ParameterizedTest(name = "serviceAccounts {0}, ServiceAccount {1}: {2}")
  @MethodSource("serviceAccountRows")
  void serviceAccountSelectionAsDocumented(String selection, String account, String selected) {
    ServiceAccountSelection s =
        "unset".equals(selection) ? null : Yaml.read(selection, ServiceAccountSelection.class);
    assertThat(ServiceAccounts.selected(s, serviceAccount(account)))
        .isEqualTo(
            switch (selected) {
              case "yes" -> true;
              case "no" -> false;
              default -> throw new IllegalArgumentException("yes or no: " + selected);
            });
  }

  /** {@code {name, labels, annotations, terminating, phase}} as a Namespace. */
  @SuppressWarnings("unchecked")
  static Namespace namespace(String yaml) {
    Map<String, Object> m = Yaml.read(yaml, Map.class);
    NamespaceBuilder b =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName((String) m.get("name"))
            .withLabels((Map<String, String>) m.get("labels"))
            .withAnnotations((Map<String, String>) m.get("annotations"))
            .endMetadata();
    if (Boolean.TRUE.equals(m.get("terminating"))) {
      b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata();
    }
    if (m.get("phase") != null) {
      b.withNewStatus().withPhase((String) m.get("phase")).endStatus();
    }
    assertThat(m.keySet())
        .as("known keys")
        .isSubsetOf(List.of("name", "labels", "annotations", "terminating", "phase"));
    return b.build();
  }

  /** {@code {name, labels}} as a ServiceAccount. */
  @SuppressWarnings("unchecked")
  static ServiceAccount serviceAccount(String yaml) {
    Map<String, Object> m = Yaml.read(yaml, Map.class);
    assertThat(m.keySet()).as("known keys").isSubsetOf(List.of("name", "labels"));
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName((String) m.get("name"))
        .withNamespace("team")
        .withLabels((Map<String, String>) m.get("labels"))
        .endMetadata()
        .build();
  }
}
