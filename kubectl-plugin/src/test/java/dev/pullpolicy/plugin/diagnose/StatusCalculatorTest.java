package dev.pullpolicy.plugin.diagnose;

import static dev.pullpolicy.plugin.Fixtures.SOURCE_HASH;
import static dev.pullpolicy.plugin.Fixtures.copyMeta;
import static dev.pullpolicy.plugin.Fixtures.meta;
import static dev.pullpolicy.plugin.Fixtures.namespace;
import static dev.pullpolicy.plugin.Fixtures.policy;
import static dev.pullpolicy.plugin.Fixtures.serviceAccount;
import static dev.pullpolicy.plugin.Fixtures.withFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.conditions.AdmissionActiveReason;
import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.cluster.ClusterReader.MetadataRead;
import dev.pullpolicy.plugin.diagnose.PolicyStatus.CopyState;
import dev.pullpolicy.plugin.print.StatusPrinter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StatusCalculatorTest {

  static Function<String, MetadataRead> copies(Map<String, ObjectMeta> byNamespace) {
    return ns -> new MetadataRead(byNamespace.get(ns), false);
  }

  static PolicyStatus compute(
      PullCredentialPolicy policy,
      List<Namespace> namespaces,
      Map<String, List<io.fabric8.kubernetes.api.model.ServiceAccount>> sas,
      Function<String, MetadataRead> copies) {
    return StatusCalculator.compute(policy, policy.getSpec().getSources(), namespaces, sas, copies);
  }

  @Test
  void tellsEveryCopyStateApartFromMetadataAlone() {
    var policy = withFailure(policy("acme", "False", 1, 5), "team-c", FailureReason.Unmanaged);
    NamespaceSelection sel = new NamespaceSelection();
    sel.setInclude(List.of("team-*"));
    policy.getSpec().setNamespaces(sel);
    Namespace terminating =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("team-f")
            .withAnnotations(Map.of("pullpolicy.dev/ignore", "true"))
            .endMetadata()
            .withNewStatus()
            .withPhase("Terminating")
            .endStatus()
            .build();
    List<Namespace> namespaces =
        List.of(
            namespace("other"),
            namespace("team-a"),
            namespace("team-b"),
            namespace("team-c"),
            namespace("team-d"),
            namespace("team-e", Map.of("pullpolicy.dev/ignore", "True")),
            terminating);
    Map<String, ObjectMeta> copies = new HashMap<>();
    copies.put("team-a", copyMeta("acme", "team-a", SOURCE_HASH));
    copies.put("team-b", copyMeta("acme", "team-b", "an-older-hash"));
    copies.put("team-c", meta("team-c", "acme", Map.of(), Map.of()));
    var sas =
        Map.of(
            "team-a", List.of(serviceAccount("team-a", "default", "acme")),
            "team-b", List.of(serviceAccount("team-b", "default"), serviceAccount("team-b", "ci")),
            "team-d", List.of(serviceAccount("team-d", "default", "other", "acme")));

    List<Condition> conditions = new ArrayList<>(policy.getStatus().getConditions());
    conditions.add(
        new ConditionBuilder()
            .withType(ConditionType.AdmissionActive.name())
            .withStatus("False")
            .withReason(AdmissionActiveReason.ApiUnavailable.name())
            .withMessage("the API server does not serve them")
            .build());
    policy.getStatus().setConditions(conditions);
    PolicyStatus status = compute(policy, namespaces, sas, copies(copies));

    String out = StatusPrinter.print(List.of(status), Format.TABLE, false, Style.plain());
    assertThat(out)
        .isEqualTo(
            """
            Policy:      acme
            Ready:       False (NotAllSynced)
            Sources:     pullpolicy-system/acme-creds
            Secret:      acme
            Registries:  registry.acme.io
            Admission:   False (ApiUnavailable): the API server does not serve them

            NAMESPACE   COPY          SERVICEACCOUNTS   ERROR
            team-a      Synced        1/1
            team-b      Stale         0/1
            team-c      Conflict      0/0               Unmanaged: a Secret acme exists
            team-d      Missing       1/1
            team-e      Ignored       -
            team-f      Terminating   -
            """);
    assertThat(status.isReady()).isFalse();
  }

  @Test
  void anEmptyServiceAccountSelectorSelectsEveryServiceAccount() {
    var policy = policy("acme", "True", 1, 1);
    ServiceAccountSelection all = new ServiceAccountSelection();
    all.setSelector(new LabelSelector());
    policy.getSpec().setServiceAccounts(all);
    PolicyStatus status =
        compute(
            policy,
            List.of(namespace("team-a")),
            Map.of(
                "team-a",
                List.of(
                    serviceAccount("team-a", "default", "acme"),
                    serviceAccount("team-a", "builder", "acme"))),
            copies(Map.of("team-a", copyMeta("acme", "team-a", SOURCE_HASH))));
    assertThat(status.namespaces().get(0).serviceAccountsSelected()).isEqualTo(2);
    assertThat(status.namespaces().get(0).serviceAccountsPatched()).isEqualTo(2);
  }

  @Test
  void aCopyWithAnyHashButThePublishedOneIsStale() {
    var policy = policy("acme", "True", 1, 1);
    PolicyStatus status =
        compute(
            policy,
            List.of(namespace("team-a")),
            Map.of(),
            copies(Map.of("team-a", copyMeta("acme", "team-a", "whatever"))));
    assertThat(status.namespaces().get(0).copy()).isEqualTo(CopyState.Stale);
  }

  @Test
  void theOnlySourceServesItsOwnNamespaceButOneOfSeveralIsAConflict() {
    var policy = policy("acme", "True", 1, 1);
    policy.getSpec().setSources(List.of(new SecretReference("team-a", "acme")));
    ObjectMeta source = meta("team-a", "acme", null, null);
    assertThat(
            compute(
                    policy,
                    List.of(namespace("team-a")),
                    Map.of(),
                    copies(Map.of("team-a", source)))
                .namespaces()
                .get(0)
                .copy())
        .isEqualTo(CopyState.Synced);
    policy
        .getSpec()
        .setSources(
            List.of(new SecretReference("team-a", "acme"), new SecretReference("src", "more")));
    assertThat(
            compute(
                    policy,
                    List.of(namespace("team-a")),
                    Map.of(),
                    copies(Map.of("team-a", source)))
                .namespaces()
                .get(0)
                .copy())
        .isEqualTo(CopyState.Conflict);
  }

  @Test
  void saysSoWhenSecretsMayNotBeReadOrNoHashIsPublished() {
    var policy = policy("acme", "True", 1, 1);
    PolicyStatus forbidden =
        compute(policy, List.of(namespace("team-a")), Map.of(), ns -> new MetadataRead(null, true));
    assertThat(StatusPrinter.print(List.of(forbidden), Format.TABLE, true, Style.plain()))
        .contains("Note:        Secrets may not be read with these credentials where the copy is")
        .endsWith("team-a   Unknown   0/0\n");

    policy.getStatus().setSourceHash(null);
    PolicyStatus noHash =
        compute(
            policy,
            List.of(namespace("team-a")),
            Map.of(),
            copies(Map.of("team-a", copyMeta("acme", "team-a", SOURCE_HASH))));
    assertThat(StatusPrinter.print(List.of(noHash), Format.TABLE, true, Style.plain()))
        .contains("the operator has not published the sources' hash yet")
        .endsWith("team-a   Unknown   0/0\n");
  }

  /**
   * Metadata can carry data: {@code kubectl apply} puts a Secret's whole manifest, data included,
   * into the last-applied-configuration annotation. None of it may reach the output.
   */
  @Test
  void neverPrintsWhatTheCopysMetadataCarries() {
    var policy = policy("acme", "True", 1, 1);
    ObjectMeta applied = copyMeta("acme", "team-a", SOURCE_HASH);
    Map<String, String> annotations = new HashMap<>(applied.getAnnotations());
    annotations.put(
        "kubectl.kubernetes.io/last-applied-configuration",
        "{\"data\":{\".dockerconfigjson\":\"c2VjcmV0LXBhc3N3b3Jk\"}}");
    applied.setAnnotations(annotations);
    PolicyStatus status =
        compute(policy, List.of(namespace("team-a")), Map.of(), copies(Map.of("team-a", applied)));
    assertThat(status.namespaces().get(0).copy()).isEqualTo(CopyState.Synced);
    for (Format f : Format.values()) {
      String out = StatusPrinter.print(List.of(status), f, false, Style.plain());
      assertThat(out).doesNotContain("c2VjcmV0LXBhc3N3b3Jk").doesNotContain("last-applied");
    }
  }
}
