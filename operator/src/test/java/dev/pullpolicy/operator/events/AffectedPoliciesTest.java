package dev.pullpolicy.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.Failure;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.Target;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AffectedPoliciesTest {

  static PullCredentialPolicy policy(String name, String... include) {
    PullCredentialPolicy p = new PullCredentialPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    NamespaceSelection sel = new NamespaceSelection();
    sel.setInclude(List.of(include));
    spec.setNamespaces(sel);
    p.setSpec(spec);
    return p;
  }

  static Namespace ns(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  static final List<PullCredentialPolicy> POLICIES =
      List.of(policy("teams", "team-*"), policy("apps", "app-*"), policy("all"));

  @Test
  void aNamespaceEventConcernsOnlyThePoliciesThatSelectIt() {
    assertThat(AffectedPolicies.ofNamespace(ns("team-a"), POLICIES, List.of(), List.of()))
        .containsExactlyInAnyOrder("teams", "all");
    assertThat(AffectedPolicies.ofNamespace(ns("kube-system"), POLICIES, List.of(), List.of()))
        .isEmpty();
  }

  @Test
  void aNamespaceEventConcernsThePoliciesThatLeftSomethingThere() {
    Secret appsCopy =
        new SecretBuilder()
            .withNewMetadata()
            .withName("apps")
            .withNamespace("team-a")
            .withLabels(
                Map.of(
                    PullPolicyLabels.MANAGED_BY,
                    PullPolicyLabels.MANAGED_BY_VALUE,
                    PullPolicyLabels.POLICY,
                    "apps"))
            .endMetadata()
            .build();
    ServiceAccount zedEntry =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName("default")
            .withNamespace("team-a")
            .withAnnotations(Map.of(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, "{\"z\":\"zed\"}"))
            .endMetadata()
            .build();
    PullCredentialPolicy failed = policy("failed", "other-*");
    failed.setStatus(new PullCredentialPolicyStatus());
    failed.getStatus().setFailures(List.of(new Failure("team-a", "Forbidden", "m")));
    List<PullCredentialPolicy> policies = new java.util.ArrayList<>(POLICIES);
    policies.add(failed);
    assertThat(
            AffectedPolicies.ofNamespace(
                ns("team-a"), policies, List.of(appsCopy), List.of(zedEntry)))
        .containsExactlyInAnyOrder("teams", "all", "apps", "zed", "failed");
  }

  @Test
  void aServiceAccountEventConcernsThePoliciesThatSelectItsNamespaceOrRecordAnEntry() {
    ServiceAccount sa =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName("ci")
            .withNamespace("app-1")
            .withAnnotations(Map.of(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, "{\"t\":\"teams\"}"))
            .endMetadata()
            .build();
    assertThat(AffectedPolicies.ofServiceAccount(sa, ns("app-1"), POLICIES))
        .containsExactlyInAnyOrder("apps", "all", "teams");
    Namespace optedOut = ns("app-2");
    optedOut.getMetadata().setAnnotations(Map.of(PullPolicyLabels.IGNORE, "true"));
    sa.getMetadata().setAnnotations(null);
    assertThat(AffectedPolicies.ofServiceAccount(sa, optedOut, POLICIES)).isEmpty();
    assertThat(AffectedPolicies.ofServiceAccount(sa, null, POLICIES))
        .as("namespace not cached yet: its own event follows")
        .isEmpty();
  }

  @Test
  void aCopyEventConcernsItsOwnerAndEveryPolicyWantingItsName() {
    PullCredentialPolicy renamed = policy("renamed");
    renamed.getSpec().setTarget(new Target());
    renamed.getSpec().getTarget().setSecretName("teams");
    List<PullCredentialPolicy> policies = List.of(POLICIES.get(0), POLICIES.get(1), renamed);
    Secret copy =
        new SecretBuilder()
            .withNewMetadata()
            .withName("teams")
            .withNamespace("team-a")
            .withLabels(
                Map.of(
                    PullPolicyLabels.MANAGED_BY,
                    PullPolicyLabels.MANAGED_BY_VALUE,
                    PullPolicyLabels.POLICY,
                    "apps"))
            .endMetadata()
            .build();
    assertThat(AffectedPolicies.ofCopy(copy, policies))
        .containsExactlyInAnyOrder("apps", "teams", "renamed");
  }
}
