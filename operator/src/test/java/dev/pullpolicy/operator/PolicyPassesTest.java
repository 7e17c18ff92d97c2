package dev.pullpolicy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.sources.SourceConfigs;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.api.v1alpha1.Target;
import dev.pullpolicy.operator.apply.Applier;
import dev.pullpolicy.operator.apply.InMemoryCluster;
import dev.pullpolicy.operator.cache.CachedCopy;
import dev.pullpolicy.operator.status.StatusFactory;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Full and partial passes on an in-memory cluster: a partial pass over the namespaces that changed
 * leaves the cluster and the status exactly as a full pass would, and a full pass comes whenever a
 * partial one could miss something.
 */
class PolicyPassesTest {
  static final Instant T0 = Instant.parse("2026-11-29T00:00:00Z");
  static final Duration RESYNC = Duration.ofMinutes(10);
  static final byte[] JSON = "{\"auths\":{\"r.io\":{}}}".getBytes(StandardCharsets.UTF_8);
  static final MergedConfig CONFIG =
      new MergedConfig(JSON, SourceConfigs.sha256(JSON), List.of("r.io"), List.of());

  InMemoryCluster cluster;
  Map<String, Namespace> namespaces;
  PolicyPasses passes;
  PullCredentialPolicy policy;

  @BeforeEach
  void aPolicyOverFiveNamespaces() {
    cluster = InMemoryCluster.of(List.of());
    namespaces = new TreeMap<>();
    for (String ns : List.of("team-a", "team-b", "team-c", "team-d", "team-e", "other")) {
      addNamespace(ns);
    }
    passes =
        new PolicyPasses(new Applier(cluster), new StatusFactory(Clock.fixed(T0, ZoneOffset.UTC)));
    policy = policy("acme", "uid-1", 1, "team-*");
  }

  @Test
  void aPartialPassOverTheChangedNamespacesLeavesWhatAFullPassWould() {
    PolicyPasses.Pass first = run(T0);
    assertThat(first.full()).isTrue();
    assertThat(first.status().getNamespaces().getSynced()).isEqualTo(5);

    // changes, each marked by the event a real cluster would send
    addNamespace("team-f"); // new
    mark("team-f", true);
    annotate("team-b", PullPolicyLabels.IGNORE, "true"); // opts out
    mark("team-b", true);
    namespaces.remove("team-c"); // deleted
    cluster.deleteNamespace("team-c");
    mark("team-c", true);
    addNamespace("team-g");
    cluster.with(foreignSecret("team-g", "acme")); // the target name taken: a conflict
    mark("team-g", true);
    cluster.deleteSecret("team-d", "acme"); // a copy deleted by hand
    mark("team-d", false);
    ServiceAccount e = cluster.serviceAccount("team-e", "default");
    cluster.with(new ServiceAccountBuilder(e).withImagePullSecrets(List.of()).build());
    mark("team-e", false); // an entry removed by hand

    PolicyPasses.Pass partial = run(T0.plusSeconds(1));
    assertThat(partial.full()).isFalse();
    assertThat(partial.planned()).isEqualTo(6);
    PullCredentialPolicyStatus counts = partial.status();
    assertThat(counts.getNamespaces().getSelected()).isEqualTo(5); // a, d, e, f + g in conflict
    assertThat(counts.getNamespaces().getSynced()).isEqualTo(4);
    assertThat(counts.getNamespaces().getConflicts()).isEqualTo(1);
    assertThat(counts.getNamespaces().getIgnored()).isEqualTo(1);
    assertThat(counts.getServiceAccounts().getPatched()).isEqualTo(4);
    assertThat(counts.getFailures())
        .singleElement()
        .satisfies(f -> assertThat(f.getNamespace()).isEqualTo("team-g"));

    // a full pass now finds nothing to write (it reads the Secret in conflict again, as every
    // pass does while the status reports one the cache cannot show) and reports the same
    policy.setStatus(partial.status());
    int requests = cluster.requests().size();
    PolicyPasses.Pass full = run(T0.plus(RESYNC).plusSeconds(1));
    assertThat(full.full()).isTrue();
    assertThat(cluster.requests().subList(requests, cluster.requests().size()))
        .containsExactly("get secrets team-g/acme");
    assertThat(full.status()).isEqualTo(partial.status());
  }

  @Test
  void aChangeWhoseEventWasMissedIsRepairedByTheNextFullPass() {
    policy.setStatus(run(T0).status());
    cluster.deleteSecret("team-a", "acme"); // no mark: as if its event had been lost
    PolicyPasses.Pass partial = run(T0.plusSeconds(1));
    assertThat(partial.full()).isFalse();
    assertThat(cluster.secret("team-a", "acme")).as("not seen by a partial pass").isNull();
    PolicyPasses.Pass full = run(T0.plus(RESYNC));
    assertThat(full.full()).isTrue();
    assertThat(cluster.secret("team-a", "acme")).as("restored by the full pass").isNotNull();
  }

  @Test
  void aPassWithNothingMarkedPlansNothingAndKeepsTheStatus() {
    policy.setStatus(run(T0).status());
    int requests = cluster.requests().size();
    PolicyPasses.Pass quiet = run(T0.plusSeconds(5));
    assertThat(quiet.full()).isFalse();
    assertThat(quiet.planned()).isZero();
    assertThat(cluster.requests()).hasSize(requests);
    assertThat(quiet.status()).isEqualTo(policy.getStatus());
  }

  @Test
  void aChangedBasisOrAnOldFullPassMakesTheNextPassFull() {
    run(T0);
    assertThat(run(T0.plusSeconds(1)).full()).as("nothing changed").isFalse();
    assertThat(run(T0.plus(RESYNC)).full()).as("one resync interval later").isTrue();
    assertThat(run(T0.plus(RESYNC).plusSeconds(1)).full()).isFalse();

    policy = policy("acme", "uid-1", 2, "team-*");
    assertThat(run(T0.plus(RESYNC).plusSeconds(2)).full()).as("a new generation").isTrue();

    byte[] json2 = "{\"auths\":{\"r2.io\":{}}}".getBytes(StandardCharsets.UTF_8);
    MergedConfig rotated =
        new MergedConfig(json2, SourceConfigs.sha256(json2), List.of("r2.io"), List.of());
    assertThat(
            passes
                .run(
                    policy,
                    List.of(policy),
                    rotated,
                    caches(),
                    T0.plus(RESYNC).plusSeconds(3),
                    RESYNC)
                .full())
        .as("the sources' data rotated")
        .isTrue();

    PullCredentialPolicy other = policy("other", "uid-2", 1, "other");
    other.getSpec().setSources(List.of(new SecretReference("team-a", "acme")));
    assertThat(
            passes
                .run(
                    policy,
                    List.of(policy, other),
                    rotated,
                    caches(),
                    T0.plus(RESYNC).plusSeconds(4),
                    RESYNC)
                .full())
        .as("another policy names a new source")
        .isTrue();

    policy = policy("acme", "uid-3", 2, "team-*");
    assertThat(
            passes
                .run(
                    policy,
                    List.of(policy, other),
                    rotated,
                    caches(),
                    T0.plus(RESYNC).plusSeconds(5),
                    RESYNC)
                .full())
        .as("the policy was made again")
        .isTrue();
  }

  @Test
  void aNamespaceThatFailedIsPlannedAgainByTheNextPass() {
    run(T0);
    addNamespace("team-f");
    mark("team-f", true);
    cluster.failNext("create secrets", 500);
    PolicyPasses.Pass failed = run(T0.plusSeconds(1));
    assertThat(failed.failed()).isTrue();
    assertThat(failed.status().getNamespaces().getFailed()).isEqualTo(1);

    PolicyPasses.Pass retry = run(T0.plusSeconds(6));
    assertThat(retry.full()).isFalse();
    assertThat(retry.planned()).isEqualTo(1);
    assertThat(retry.failed()).isFalse();
    assertThat(cluster.secret("team-f", "acme")).isNotNull();
    assertThat(retry.status().getNamespaces().getSynced()).isEqualTo(6);
  }

  @Test
  void aNamespaceTheStatusCountsIsMarkedByItsEventsEvenWhenNothingElseTiesItToThePolicy() {
    run(T0);
    // no copy, no entry, no longer matching: only the remembered outcome ties team-a to acme
    assertThat(passes.marked(Set.of(), "team-a", true)).containsExactly("acme");
    assertThat(passes.marked(Set.of(), "other", true)).isEmpty();
    assertThat(passes.marked(Set.of(), "team-a", false)).as("not a Namespace event").isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  private PolicyPasses.Pass run(Instant at) {
    PolicyPasses.Pass pass = passes.run(policy, List.of(policy), CONFIG, caches(), at, RESYNC);
    return pass;
  }

  private void mark(String namespace, boolean namespaceEvent) {
    passes.marked(Set.of("acme"), namespace, namespaceEvent);
  }

  private void addNamespace(String name) {
    namespaces.put(
        name, new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build());
    cluster.with(
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName("default")
            .withNamespace(name)
            .endMetadata()
            .build());
  }

  private void annotate(String ns, String key, String value) {
    Namespace n = namespaces.get(ns);
    namespaces.put(
        ns,
        new NamespaceBuilder(n).editMetadata().addToAnnotations(key, value).endMetadata().build());
  }

  private static Secret foreignSecret(String ns, String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .build();
  }

  private static PullCredentialPolicy policy(
      String name, String uid, long generation, String glob) {
    PullCredentialPolicy p = new PullCredentialPolicy();
    p.setMetadata(
        new ObjectMetaBuilder().withName(name).withUid(uid).withGeneration(generation).build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    spec.setSources(List.of(new SecretReference("src", "creds")));
    spec.setTarget(new Target());
    NamespaceSelection sel = new NamespaceSelection();
    sel.setInclude(List.of(glob));
    spec.setNamespaces(sel);
    p.setSpec(spec);
    return p;
  }

  /** The caches as the informers would hold them: the cluster's managed Secrets and its SAs. */
  private PolicyPasses.Caches caches() {
    return new PolicyPasses.Caches() {
      @Override
      public Collection<Namespace> namespaces() {
        return new ArrayList<>(namespaces.values());
      }

      @Override
      public Collection<Secret> copies() {
        return cluster.secrets().stream()
            .<Secret>map(CachedCopy::of)
            .filter(s -> s.getMetadata().getLabels() != null)
            .filter(
                s ->
                    PullPolicyLabels.MANAGED_BY_VALUE.equals(
                        s.getMetadata().getLabels().get(PullPolicyLabels.MANAGED_BY)))
            .toList();
      }

      @Override
      public Collection<ServiceAccount> serviceAccounts() {
        return cluster.serviceAccounts();
      }

      @Override
      public Optional<Namespace> namespace(String name) {
        return Optional.ofNullable(namespaces.get(name));
      }

      @Override
      public Collection<Secret> copiesIn(String namespace) {
        return copies().stream()
            .filter(s -> namespace.equals(s.getMetadata().getNamespace()))
            .toList();
      }

      @Override
      public Collection<ServiceAccount> serviceAccountsIn(String namespace) {
        return serviceAccounts().stream()
            .filter(s -> namespace.equals(s.getMetadata().getNamespace()))
            .toList();
      }
    };
  }
}
