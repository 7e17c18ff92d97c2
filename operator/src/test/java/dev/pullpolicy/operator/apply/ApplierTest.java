package dev.pullpolicy.operator.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.operator.apply.Outcome.Result;
import dev.pullpolicy.operator.desired.CopiesTest;
import dev.pullpolicy.operator.desired.NamespacePlan;
import dev.pullpolicy.operator.desired.Planner;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the applier does when the cache was behind: it asks the ownership rules again. */
class ApplierTest {

  static PullCredentialPolicy policy() {
    PullCredentialPolicy p = CopiesTest.policy();
    p.getSpec().setSources(List.of(new SecretReference("src", "creds")));
    return p;
  }

  static Namespace ns(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  static ServiceAccount sa(String ns) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName("default")
        .withNamespace(ns)
        .endMetadata()
        .build();
  }

  static Secret foreign(String ns) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("acme")
        .withNamespace(ns)
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of("k", "dg=="))
        .build();
  }

  /** A pull Secret named acme that some policy's labels may claim. */
  static Secret pullSecret(String ns, String policy) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("acme")
        .withNamespace(ns)
        .addToLabels(PullPolicyLabels.MANAGED_BY, PullPolicyLabels.MANAGED_BY_VALUE)
        .addToLabels(PullPolicyLabels.POLICY, policy)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", "e30="))
        .build();
  }

  /** One pass as the reconciler makes it: plan from what the cluster shows a cache, then apply. */
  static List<Outcome> pass(
      InMemoryCluster cluster,
      PullCredentialPolicy p,
      Set<String> knownConflicts,
      String... namespaces) {
    Ownership ownership = Ownership.of(p, List.of());
    List<Secret> cached =
        cluster.secrets().stream().filter(s -> Ownership.managingPolicy(s) != null).toList();
    List<NamespacePlan> plans =
        Planner.plan(
            p,
            CopiesTest.CONFIG,
            ownership,
            knownConflicts,
            List.of(namespaces).stream().map(ApplierTest::ns).toList(),
            cached,
            cluster.serviceAccounts());
    return new Applier(cluster).apply(p, ownership, plans);
  }

  @Test
  void anUnmanagedSecretFoundOnCreateIsAConflictAndStaysUntouched() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(foreign("a"), sa("a")));
    Outcome o = pass(cluster, policy(), Set.of(), "a").get(0);
    assertThat(o.result()).isEqualTo(Result.CONFLICT);
    assertThat(o.reason()).isEqualTo(FailureReason.Unmanaged);
    assertThat(o.wrote()).isFalse();
    assertThat(cluster.requests()).containsExactly("create secrets a/acme", "get secrets a/acme");
    assertThat(cluster.secret("a", "acme").getType()).isEqualTo("Opaque");
    assertThat(ServiceAccountEntries.hasEntry(cluster.serviceAccount("a", "default"), "acme"))
        .as("no entry for a Secret that is not ours")
        .isFalse();
  }

  @Test
  void aConflictTheLastStatusReportedIsReadAgainWithoutAWrite() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(foreign("a")));
    Outcome o = pass(cluster, policy(), Set.of("a"), "a").get(0);
    assertThat(o.reason()).isEqualTo(FailureReason.Unmanaged);
    assertThat(cluster.requests()).containsExactly("get secrets a/acme");
  }

  @Test
  void aReportedConflictThatWentAwayIsCreated() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(sa("a")));
    Outcome o = pass(cluster, policy(), Set.of("a"), "a").get(0);
    assertThat(o.result()).isEqualTo(Result.SYNCED);
    assertThat(cluster.requests())
        .containsExactly(
            "get secrets a/acme", "create secrets a/acme", "patch serviceaccounts a/default");
    assertThat(Ownership.managingPolicy(cluster.secret("a", "acme"))).isEqualTo("acme");
  }

  @Test
  void anUpdateFromAStaleCacheIsDecidedAgainOnTheFreshCopy() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of());
    pass(cluster, policy(), Set.of(), "a");
    // the cache will hold this version, with data edited by hand ...
    cluster.edit(
        "a",
        "acme",
        s -> new SecretBuilder(s).withData(Map.of(".dockerconfigjson", "e30=")).build());
    List<Secret> cachedThen = cluster.secrets();
    // ... and someone edits it again before the operator writes
    cluster.edit(
        "a",
        "acme",
        s -> new SecretBuilder(s).editMetadata().addToLabels("x", "y").endMetadata().build());
    cluster.requests().clear();
    PullCredentialPolicy p = policy();
    Ownership ownership = Ownership.of(p, List.of());
    List<NamespacePlan> plans =
        Planner.plan(
            p, CopiesTest.CONFIG, ownership, Set.of(), List.of(ns("a")), cachedThen, List.of());
    Outcome o = new Applier(cluster).apply(p, ownership, plans).get(0);
    assertThat(o.result()).isEqualTo(Result.SYNCED);
    assertThat(cluster.requests())
        .containsExactly("update secrets a/acme", "get secrets a/acme", "update secrets a/acme");
  }

  @Test
  void anotherPolicysCopyFoundOnCreateIsAConflict() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(pullSecret("a", "zed")));
    // planned from an empty cache: the create answers 409 and the fresh read decides
    PullCredentialPolicy p = policy();
    Ownership ownership = Ownership.of(p, List.of());
    List<NamespacePlan> plans =
        Planner.plan(
            p, CopiesTest.CONFIG, ownership, Set.of(), List.of(ns("a")), List.of(), List.of());
    Outcome o = new Applier(cluster).apply(p, ownership, plans).get(0);
    assertThat(o.reason()).isEqualTo(FailureReason.OwnedByOtherPolicy);
    assertThat(o.message()).isEqualTo("Secret a/acme is managed by policy zed");
  }

  @Test
  void aServiceAccountEditedMeanwhileKeepsTheOtherWritersEntry() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(sa("a")));
    List<ServiceAccount> cachedThen = cluster.serviceAccounts();
    cluster.with(
        new ServiceAccountBuilder(cluster.serviceAccount("a", "default"))
            .addNewImagePullSecret("theirs")
            .build());
    PullCredentialPolicy p = policy();
    Ownership ownership = Ownership.of(p, List.of());
    List<NamespacePlan> plans =
        Planner.plan(
            p, CopiesTest.CONFIG, ownership, Set.of(), List.of(ns("a")), List.of(), cachedThen);
    Outcome o = new Applier(cluster).apply(p, ownership, plans).get(0);
    assertThat(o.serviceAccountsPatched()).isEqualTo(1);
    assertThat(cluster.serviceAccount("a", "default").getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("theirs", "acme");
  }

  @Test
  void aRefusedWriteIsAFailureWithItsReason() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of()).failNext("create secrets", 403);
    Outcome o = pass(cluster, policy(), Set.of(), "a").get(0);
    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.reason()).isEqualTo(FailureReason.Forbidden);
    assertThat(o.message()).isEqualTo("injected HTTP 403");
  }

  @Test
  void cleanupNeverDeletesASourceWhateverItsLabels() {
    Secret labelledSource =
        new SecretBuilder(pullSecret("a", "acme"))
            .editMetadata()
            .withName("creds")
            .endMetadata()
            .build();
    Secret copy =
        new SecretBuilder(labelledSource).editMetadata().withName("acme").endMetadata().build();
    InMemoryCluster cluster = InMemoryCluster.of(List.of(labelledSource, copy));
    PullCredentialPolicy p = policy();
    int changed =
        new Applier(cluster)
            .cleanup(
                p,
                Ownership.of(p, List.of(new SecretReference("a", "creds"))),
                false,
                cluster.secrets(),
                List.of());
    assertThat(changed).isEqualTo(1);
    assertThat(cluster.secret("a", "creds")).isNotNull();
    assertThat(cluster.secret("a", "acme")).isNull();
  }

  @Test
  void aFailedCleanupKeepsTheFinalizerByThrowing() {
    InMemoryCluster cluster =
        InMemoryCluster.of(List.of(pullSecret("a", "acme"))).failNext("delete secrets", 403);
    PullCredentialPolicy p = policy();
    assertThatThrownBy(
            () ->
                new Applier(cluster)
                    .cleanup(p, Ownership.of(p, List.of()), false, cluster.secrets(), List.of()))
        .isInstanceOf(Applier.CleanupFailed.class)
        .hasMessageContaining("HTTP 403");
  }

  @Test
  void adoptNeverReplacesASecretOfAnotherType() {
    Secret tls =
        new SecretBuilder(foreign("a"))
            .withType("kubernetes.io/tls")
            .withData(Map.of("tls.crt", "e30=", "tls.key", "e30="))
            .build();
    InMemoryCluster cluster = InMemoryCluster.of(List.of(tls, sa("a")));
    PullCredentialPolicy p = policy();
    p.getSpec().setOnConflict(dev.pullpolicy.api.v1alpha1.OnConflict.Adopt);
    Outcome o = pass(cluster, p, Set.of(), "a").get(0);
    assertThat(o.result()).isEqualTo(Result.CONFLICT);
    assertThat(o.reason()).isEqualTo(FailureReason.NotAPullSecret);
    assertThat(o.message())
        .isEqualTo(
            "Secret a/acme exists and is not a pull Secret; only pull Secrets are adopted"
                + " (onConflict: Adopt)");
    assertThat(cluster.requests()).containsExactly("create secrets a/acme", "get secrets a/acme");
    assertThat(cluster.secret("a", "acme").getType()).isEqualTo("kubernetes.io/tls");
    assertThat(ServiceAccountEntries.hasEntry(cluster.serviceAccount("a", "default"), "acme"))
        .isFalse();
  }

  @Test
  void adoptReplacesALegacyPullSecret() {
    Secret legacy =
        new SecretBuilder(foreign("a"))
            .withType("kubernetes.io/dockercfg")
            .withData(Map.of(".dockercfg", "e30="))
            .build();
    InMemoryCluster cluster = InMemoryCluster.of(List.of(legacy));
    PullCredentialPolicy p = policy();
    p.getSpec().setOnConflict(dev.pullpolicy.api.v1alpha1.OnConflict.Adopt);
    Outcome o = pass(cluster, p, Set.of(), "a").get(0);
    assertThat(o.result()).isEqualTo(Result.SYNCED);
    assertThat(cluster.secret("a", "acme").getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(Ownership.managingPolicy(cluster.secret("a", "acme"))).isEqualTo("acme");
  }

  @Test
  void cleanupNeverDeletesASecretOfAnotherTypeWhateverItsLabels() {
    Secret tlsLabelledOurs =
        new SecretBuilder(pullSecret("a", "acme"))
            .withType("kubernetes.io/tls")
            .withData(Map.of("tls.crt", "e30="))
            .build();
    InMemoryCluster cluster = InMemoryCluster.of(List.of(tlsLabelledOurs));
    PullCredentialPolicy p = policy();
    int changed =
        new Applier(cluster)
            .cleanup(p, Ownership.of(p, List.of()), false, cluster.secrets(), List.of());
    assertThat(changed).isZero();
    assertThat(cluster.secret("a", "acme")).isNotNull();
    assertThat(cluster.requests()).isEmpty();
  }

  @Test
  void aNamespaceDeletedSincePlanningIsSkippedQuietly() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(sa("a"), sa("b"))).terminating("a");
    List<Outcome> outcomes = pass(cluster, policy(), Set.of(), "a", "b");
    assertThat(outcomes.get(0).result()).as("not counted, no failure").isEqualTo(Result.NONE);
    assertThat(outcomes.get(0).reason()).isNull();
    assertThat(outcomes.get(1).result()).isEqualTo(Result.SYNCED);
    // one refused create, no retries
    assertThat(cluster.requests())
        .filteredOn(r -> r.endsWith(" a/acme"))
        .containsExactly("create secrets a/acme");
  }

  @Test
  void orphaningWritesTheSecretAsReadNowNeverTheDatalessCache() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(sa("a")));
    pass(cluster, policy(), Set.of(), "a");
    List<Secret> cached = cluster.secrets();
    assertThat(cached.get(0).getData()).isNull();
    cluster.requests().clear();
    PullCredentialPolicy p = policy();
    new Applier(cluster).cleanup(p, Ownership.of(p, List.of()), true, cached, List.of());
    Secret orphaned = cluster.secret("a", "acme");
    assertThat(orphaned.getData()).isEqualTo(Map.of(".dockerconfigjson", "eyJhdXRocyI6e319"));
    assertThat(Ownership.managingPolicy(orphaned)).isNull();
    assertThat(cluster.requests()).containsExactly("get secrets a/acme", "update secrets a/acme");
  }
}
