package dev.pullpolicy.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.operator.desired.NamespacePlan.State;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PlannerTest {
  static PullCredentialPolicy policy() {
    PullCredentialPolicy p = CopiesTest.policy();
    p.getSpec().setSources(List.of(new SecretReference("src", "acme")));
    return p;
  }

  static Namespace ns(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  /** A ServiceAccount with these entries, and the annotation recording ours (null: none). */
  static ServiceAccount sa(String ns, String name, String recorded, String... entries) {
    ServiceAccount sa = new ServiceAccount();
    sa.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(ns)
            .withAnnotations(
                recorded == null
                    ? null
                    : Map.of(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, recorded))
            .build());
    sa.setImagePullSecrets(Stream.of(entries).map(LocalObjectReference::new).toList());
    return sa;
  }

  /** The policy, selecting namespaces by these name globs. */
  static PullCredentialPolicy including(String... globs) {
    PullCredentialPolicy p = policy();
    NamespaceSelection sel = new NamespaceSelection();
    sel.setInclude(List.of(globs));
    p.getSpec().setNamespaces(sel);
    return p;
  }

  static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).toList();
  }

  /** The planned removals as "serviceAccount/secret". */
  static List<String> removals(NamespacePlan plan) {
    return plan.removeEntries().stream()
        .map(r -> r.serviceAccount().getMetadata().getName() + "/" + r.secretName())
        .toList();
  }

  static NamespacePlan only(List<NamespacePlan> plans) {
    assertThat(plans).hasSize(1);
    return plans.get(0);
  }

  static Secret copy(String ns) {
    return DesiredCopy.of(policy(), CopiesTest.CONFIG).secret(ns);
  }

  static List<NamespacePlan> plan(
      PullCredentialPolicy policy,
      List<Namespace> namespaces,
      List<Secret> copies,
      List<ServiceAccount> sas) {
    return Planner.plan(
        policy,
        CopiesTest.CONFIG,
        Ownership.of(policy, List.of()),
        Set.of(),
        namespaces,
        copies,
        sas);
  }

  @Test
  void aCopyInSyncIsQuiet() {
    NamespacePlan p =
        only(
            plan(
                policy(),
                List.of(ns("a")),
                List.of(copy("a")),
                List.of(sa("a", "default", "{\"acme\":\"acme\"}", "acme"))));
    assertThat(p.state()).isEqualTo(State.SYNCED);
    assertThat(p.quiet()).isTrue();
    assertThat(p.serviceAccountsPatched()).isEqualTo(1);
  }

  @Test
  void aHandEditedCopyWithTheRightHashIsStillStale() {
    Secret edited =
        new SecretBuilder(copy("a")).withData(Map.of(".dockerconfigjson", "e30=")).build();
    assertThat(edited.getMetadata().getAnnotations())
        .containsEntry(PullPolicyLabels.SOURCE_HASH, CopiesTest.CONFIG.hash());
    NamespacePlan p = only(plan(policy(), List.of(ns("a")), List.of(edited), List.of()));
    assertThat(p.state()).isEqualTo(State.WRITE);
    assertThat(p.existing()).isSameAs(edited);
    assertThat(p.desired().getData()).isEqualTo(copy("a").getData());
    assertThat(p.desired().getMetadata().getNamespace()).isEqualTo("a");
  }

  @Test
  void otherDriftIsStale() {
    Secret wrongHash =
        new SecretBuilder(copy("a"))
            .editMetadata()
            .addToAnnotations(PullPolicyLabels.SOURCE_HASH, "old")
            .endMetadata()
            .build();
    Secret withStringData = new SecretBuilder(copy("b")).withStringData(Map.of("x", "y")).build();
    Secret wrongType = new SecretBuilder(copy("c")).withType("Opaque").build();
    Secret lostLabel =
        new SecretBuilder(copy("d")).editMetadata().removeFromLabels("team").endMetadata().build();
    Secret lostOwner =
        new SecretBuilder(copy("e")).editMetadata().withOwnerReferences().endMetadata().build();
    Secret extraData = new SecretBuilder(copy("f")).addToData("extra", "e30=").build();
    List<NamespacePlan> plans =
        plan(
            policy(),
            List.of(ns("a"), ns("b"), ns("c"), ns("d"), ns("e"), ns("f")),
            List.of(wrongHash, withStringData, wrongType, lostLabel, lostOwner, extraData),
            List.of());
    assertThat(plans).hasSize(6);
    assertThat(plans.stream().filter(p -> !p.namespace().equals("c")))
        .allMatch(p -> p.state() == State.WRITE);
    // a Secret of another type is never ours, whatever it is labelled: not written
    assertThat(plans.get(2).state()).isEqualTo(State.CONFLICT);
    assertThat(plans.get(2).decision().reason()).isEqualTo(FailureReason.Unmanaged);
  }

  @Test
  void entriesAndCopiesAreRemovedWhereTheyNoLongerBelong() {
    PullCredentialPolicy policy = including("keep-*");
    Secret stale =
        new SecretBuilder(copy("keep-1")).editMetadata().withName("old-name").endMetadata().build();
    List<NamespacePlan> plans =
        plan(
            policy,
            List.of(ns("keep-1"), ns("drop-1"), ns("drop-2")),
            List.of(copy("keep-1"), stale, copy("drop-1")),
            List.of(
                // an old target name recorded for us, and another policy's entry
                sa("keep-1", "default", "{\"acme\":\"acme\",\"old-name\":\"acme\",\"z\":\"zed\"}"),
                // not selected, but carries our entry: removed
                sa("keep-1", "builder", "{\"acme\":\"acme\"}", "acme"),
                // recorded with a JSON escape: still ours
                sa("drop-2", "default", "{\"acme\":\"\\u0061cme\"}", "acme"),
                // mentions the name only as another policy's value
                sa("drop-2", "other", "{\"acme\":\"acme-2\"}", "acme"),
                // unreadable
                sa("drop-2", "broken", "{acme", "acme")));
    assertThat(plans)
        .extracting(NamespacePlan::namespace)
        .containsExactly("drop-1", "drop-2", "keep-1");
    NamespacePlan drop1 = plans.get(0);
    assertThat(drop1.state()).isEqualTo(State.NOT_SELECTED);
    assertThat(names(drop1.deletes())).containsExactly("acme");
    NamespacePlan drop2 = plans.get(1);
    assertThat(removals(drop2)).containsExactly("default/acme");
    NamespacePlan keep = plans.get(2);
    assertThat(keep.state()).isEqualTo(State.SYNCED);
    assertThat(names(keep.deletes())).containsExactly("old-name");
    assertThat(names(keep.addEntry())).containsExactly("default");
    assertThat(removals(keep)).containsExactlyInAnyOrder("default/old-name", "builder/acme");
  }

  @Test
  void conflictsWithAnotherPolicyAndWithASource() {
    Secret others =
        new SecretBuilder(copy("a"))
            .editMetadata()
            .addToLabels(PullPolicyLabels.POLICY, "zed")
            .endMetadata()
            .build();
    List<NamespacePlan> plans =
        plan(
            policy(),
            List.of(ns("a"), ns("src")),
            List.of(others),
            List.of(sa("a", "default", null)));
    assertThat(plans.get(0).state()).isEqualTo(State.CONFLICT);
    assertThat(plans.get(0).decision().reason()).isEqualTo(FailureReason.OwnedByOtherPolicy);
    assertThat(plans.get(0).addEntry()).isEmpty();
    assertThat(plans.get(1).state()).isEqualTo(State.SYNCED); // the only source serves itself
  }

  @Test
  void anotherPolicysSourceAtTheTargetNameIsAConflictBeforeAnyWrite() {
    PullCredentialPolicy p = policy();
    List<NamespacePlan> plans =
        Planner.plan(
            p,
            CopiesTest.CONFIG,
            Ownership.of(p, List.of(new SecretReference("a", "acme"))),
            Set.of(),
            List.of(ns("a")),
            List.of(),
            List.of(sa("a", "default", null)));
    NamespacePlan a = only(plans);
    assertThat(a.state()).isEqualTo(State.CONFLICT);
    assertThat(a.decision().reason()).isEqualTo(FailureReason.SourceSecret);
    assertThat(a.quiet()).isTrue();
  }

  @Test
  void aCopyThatBecameASourceIsNeverDeleted() {
    PullCredentialPolicy p = including("elsewhere");
    List<NamespacePlan> plans =
        Planner.plan(
            p,
            CopiesTest.CONFIG,
            Ownership.of(p, List.of(new SecretReference("a", "acme"))),
            Set.of(),
            List.of(ns("a")),
            List.of(copy("a")),
            List.of());
    assertThat(plans).isEmpty();
  }

  @Test
  void aNamespaceTheLastStatusReportedUnmanagedIsReadBeforeWriting() {
    PullCredentialPolicy p = policy();
    NamespacePlan a =
        only(
            Planner.plan(
                p,
                CopiesTest.CONFIG,
                Ownership.of(p, List.of()),
                Set.of("a"),
                List.of(ns("a")),
                List.of(),
                List.of()));
    assertThat(a.state()).isEqualTo(State.CHECK);
    assertThat(a.desired().getMetadata().getNamespace()).isEqualTo("a");
    assertThat(a.existing()).isNull();
    assertThat(a.quiet()).isFalse();
  }

  @Test
  void aTerminatingNamespaceIsLeftAloneEvenWhenItOptsOut() {
    Namespace dying = ns("a");
    dying.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    dying.getMetadata().setAnnotations(Map.of(PullPolicyLabels.IGNORE, "True"));
    assertThat(
            plan(
                policy(),
                List.of(dying),
                List.of(copy("a")),
                List.of(sa("a", "default", "{\"acme\":\"acme\"}", "acme"))))
        .isEmpty();
  }
}
