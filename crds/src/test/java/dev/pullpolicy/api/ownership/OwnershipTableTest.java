package dev.pullpolicy.api.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.ReadmeTables;
import dev.pullpolicy.api.Yaml;
import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.ownership.WriteDecision.Action;
import dev.pullpolicy.api.v1alpha1.OnConflict;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ownership table of crds/README.md, row by row, and what follows from it. */
class OwnershipTableTest {

  static PullCredentialPolicy policy(String name, List<SecretReference> sources, OnConflict c) {
    PullCredentialPolicy p = new PullCredentialPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withUid("uid-" + name).build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    spec.setSources(sources);
    spec.setOnConflict(c);
    p.setSpec(spec);
    return p;
  }

  static List<SecretReference> refs(List<String> l) {
    return l.stream()
        .map(
            s ->
                new SecretReference(
                    s.substring(0, s.indexOf('/')), s.substring(s.indexOf('/') + 1)))
        .toList();
  }

  static Stream<Arguments> rows() {
    return ReadmeTables.rows("### The Secret at the target name").stream()
        .map(r -> Arguments.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)));
  }

  /** The type column: "–" (none), "?" (not known), else the type without "kubernetes.io/". */
  static String type(String cell) {
    return switch (cell) {
      case "–", "?" -> null;
      case "Opaque" -> "Opaque";
      default -> "kubernetes.io/" + cell;
    };
  }

  @ParameterizedTest(name = "sources {0}, existing {1} of type {2}, onConflict {4}: {3}, {5}")
  @MethodSource("rows")
  @SuppressWarnings("unchecked")
  void decidesAsDocumented(
      String sources,
      String existing,
      String typeCell,
      String secretClass,
      String onConflict,
      String decision) {
    Map<String, List<String>> bySource = Yaml.read(sources, Map.class);
    PullCredentialPolicy acme =
        policy("acme", refs(bySource.get("acme")), OnConflict.valueOf(onConflict));
    List<SecretReference> all = new ArrayList<>();
    bySource.values().forEach(l -> all.addAll(refs(l)));
    Ownership ownership = Ownership.of(acme, all);
    ObjectMeta meta = "none".equals(existing) ? null : Yaml.read(existing, ObjectMeta.class);
    String type = type(typeCell);

    assertThat(ownership.classify("team", "acme", meta, type))
        .isEqualTo(SecretClass.valueOf(secretClass));
    WriteDecision d = ownership.decide("team", meta, type);
    String[] expected = decision.split(" ");
    assertThat(d.action()).isEqualTo(Action.valueOf(expected[0]));
    assertThat(d.reason())
        .isEqualTo(expected.length > 1 ? FailureReason.valueOf(expected[1]) : null);
    if (d.action() == Action.CONFLICT) {
      assertThat(d.reason().isConflict()).isTrue();
      assertThat(d.message()).startsWith("Secret team/acme ");
      assertThat(d.message()).as("names no type").doesNotContain("kubernetes.io/");
    }
    assertThat(ownership.mayDelete("team", "acme", meta, type))
        .as("only our own copy may be deleted")
        .isEqualTo(SecretClass.valueOf(secretClass) == SecretClass.OURS);
    assertThat(d.writes())
        .isEqualTo(List.of(Action.CREATE, Action.UPDATE, Action.ADOPT).contains(d.action()));
  }

  @Test
  void targetNameIsTheSecretNameElseThePolicyName() {
    PullCredentialPolicy p = policy("acme", List.of(), OnConflict.Skip);
    assertThat(Ownership.targetName(p)).isEqualTo("acme");
    p.getSpec().setTarget(new dev.pullpolicy.api.v1alpha1.Target());
    p.getSpec().getTarget().setSecretName("");
    assertThat(Ownership.targetName(p)).isEqualTo("acme");
    p.getSpec().getTarget().setSecretName("acme-pull");
    assertThat(Ownership.targetName(p)).isEqualTo("acme-pull");
    assertThat(Ownership.of(p, List.of()).target()).isEqualTo("acme-pull");
  }

  @Test
  void aSourceIsNeverDeletedWhateverLabelsItCarries() {
    PullCredentialPolicy p =
        policy("acme", List.of(new SecretReference("team", "x")), OnConflict.Adopt);
    ObjectMeta labelledOurs =
        new ObjectMetaBuilder()
            .withLabels(
                Map.of(
                    "app.kubernetes.io/managed-by", "pullpolicy", "pullpolicy.dev/policy", "acme"))
            .build();
    Ownership o = Ownership.of(p, List.of());
    assertThat(o.mayDelete("team", "x", labelledOurs, "kubernetes.io/dockerconfigjson")).isFalse();
    assertThat(o.mayDelete("other", "x", labelledOurs, "kubernetes.io/dockerconfigjson")).isTrue();
  }

  @Test
  void onlyPullSecretsAreEverAdoptedOrDeletedWhateverTheirLabels() {
    PullCredentialPolicy p =
        policy("acme", List.of(new SecretReference("src", "creds")), OnConflict.Adopt);
    ObjectMeta labelledOurs =
        new ObjectMetaBuilder()
            .withLabels(
                Map.of(
                    "app.kubernetes.io/managed-by", "pullpolicy", "pullpolicy.dev/policy", "acme"))
            .build();
    Ownership o = Ownership.of(p, List.of());
    for (String type :
        List.of("kubernetes.io/tls", "Opaque", "kubernetes.io/basic-auth", "bootstrap.x/y", "")) {
      assertThat(Ownership.isPullSecretType(type)).isFalse();
      assertThat(o.mayDelete("team", "acme", labelledOurs, type)).as(type).isFalse();
      assertThat(o.decide("team", new ObjectMeta(), type).reason())
          .as(type)
          .isEqualTo(FailureReason.NotAPullSecret);
      assertThat(o.decide("team", labelledOurs, type).writes()).as(type).isFalse();
    }
    assertThat(Ownership.isPullSecretType("kubernetes.io/dockerconfigjson")).isTrue();
    assertThat(Ownership.isPullSecretType("kubernetes.io/dockercfg")).isTrue();
  }

  @Test
  void managingPolicyNeedsBothLabels() {
    assertThat(Ownership.managingPolicy(new ObjectMetaBuilder().build())).isNull();
    assertThat(
            Ownership.managingPolicy(
                new ObjectMetaBuilder().withLabels(Map.of("pullpolicy.dev/policy", "a")).build()))
        .isNull();
    assertThat(
            Ownership.managingPolicy(
                new ObjectMetaBuilder()
                    .withLabels(
                        Map.of(
                            "pullpolicy.dev/policy",
                            "a",
                            "app.kubernetes.io/managed-by",
                            "pullpolicy"))
                    .build()))
        .isEqualTo("a");
  }
}
