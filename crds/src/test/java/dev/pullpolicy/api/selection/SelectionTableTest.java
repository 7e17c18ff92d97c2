package dev.pullpolicy.api.selection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.selection.SelectionRows.NamespaceRow;
import dev.pullpolicy.api.selection.SelectionRows.ServiceAccountRow;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The selection tables of crds/README.md, row by row. */
class SelectionTableTest {

  static Stream<Arguments> namespaceRows() {
    return SelectionRows.namespaceRows().stream()
        .map(r -> Arguments.of(r.selection(), r.namespace(), r));
  }

  @ParameterizedTest(name = "namespaces {0}, namespace {1}")
  @MethodSource("namespaceRows")
  void namespaceVerdictAsDocumented(String selection, String namespace, NamespaceRow row) {
    assertThat(Namespaces.verdict(row.policySelection(), row.namespaceObject()))
        .isEqualTo(row.verdict());
  }

  static Stream<Arguments> serviceAccountRows() {
    return SelectionRows.serviceAccountRows().stream()
        .map(r -> Arguments.of(r.selection(), r.account(), r));
  }

  @ParameterizedTest(name = "serviceAccounts {0}, ServiceAccount {1}")
  @MethodSource("serviceAccountRows")
  void serviceAccountSelectionAsDocumented(
      String selection, String account, ServiceAccountRow row) {
    assertThat(ServiceAccounts.selected(row.policySelection(), row.serviceAccountObject("team")))
        .isEqualTo(row.selected());
  }
}
