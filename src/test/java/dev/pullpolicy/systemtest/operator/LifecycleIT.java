package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting policies, conflicts, and the source that is never overwritten. */
@SystemTest
class LifecycleIT {

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  private static void otherEntry(KubernetesClient client, String ns) {
    awaitServiceAccount(client, ns, "default", sa -> true);
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName("default")
        .edit(
            sa -> {
              sa.setImagePullSecrets(List.of(new LocalObjectReference("kept")));
              return sa;
            });
  }

  @Test
  void deletingThePolicyRemovesItsCopiesAndOnlyItsEntries(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("del");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "erin");
    String ns = cluster.newNamespace(prefix);
    otherEntry(client, ns);
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    awaitReady(client, prefix, 1);
    awaitServiceAccount(
        client, ns, "default", sa -> pullSecretNames(sa).equals(List.of("kept", prefix)));
    assertThat(get(client, prefix).getMetadata().getFinalizers())
        .contains(PullPolicyLabels.FINALIZER);
    assertThat(client.namespaces().withName(ns).get().getMetadata().getFinalizers())
        .isNullOrEmpty();

    deletePolicy(client, prefix);
    assertThat(secret(client, ns, prefix)).isNull();
    ServiceAccount sa = client.serviceAccounts().inNamespace(ns).withName("default").get();
    assertThat(pullSecretNames(sa)).containsExactly("kept");
    assertThat(secret(client, src, "creds")).isNotNull();
  }

  @Test
  void orphanLeavesCopiesAndEntriesInPlace(TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("orph");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "frank");
    String ns = cluster.newNamespace(prefix);
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n  onDelete: Orphan\n"
            .formatted(src, prefix));
    awaitReady(client, prefix, 1);
    awaitServiceAccount(client, ns, "default", sa -> pullSecretNames(sa).contains(prefix));

    deletePolicy(client, prefix);
    // the garbage collector must not take it either: no owner reference left
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(15))
        .until(() -> secret(client, ns, prefix) != null);
    Secret copy = secret(client, ns, prefix);
    assertThat(copy.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(configOf(copy)).contains("frank");
    assertThat(pullSecretNames(client.serviceAccounts().inNamespace(ns).withName("default").get()))
        .containsExactly(prefix);
  }

  @Test
  void skipNeverOverwritesAnUnmanagedSecretAndAdoptTakesItOver(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("conf");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "grace");
    String ns = cluster.newNamespace(prefix);
    String clean = cluster.newNamespace(prefix);
    // a legacy pull Secret made by hand: Skip leaves it, Adopt replaces it (a Secret of another
    // type is never adopted: TrustIT)
    raw(client, ns, prefix, "kubernetes.io/dockercfg", ".dockercfg", "{\"hand.made\":{}}");
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    PullCredentialPolicy p =
        awaitPolicy(client, prefix, x -> x.getStatus().getNamespaces().getConflicts() == 1);
    assertThat(p.getStatus().getNamespaces().getSynced()).isEqualTo(1);
    assertThat(p.getStatus().getFailures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getNamespace()).isEqualTo(ns);
              assertThat(f.getReason()).isEqualTo("Unmanaged");
            });
    assertThat(condition(p, PullPolicyLabels.CONDITION_READY).getStatus()).isEqualTo("False");
    awaitSecret(client, clean, prefix, s -> true);
    Secret untouched = secret(client, ns, prefix);
    assertThat(untouched.getType()).isEqualTo("kubernetes.io/dockercfg");
    assertThat(decode(untouched.getData().get(".dockercfg"))).isEqualTo("{\"hand.made\":{}}");

    client
        .resources(PullCredentialPolicy.class)
        .withName(prefix)
        .edit(
            x -> {
              x.getSpec().setOnConflict(dev.pullpolicy.api.v1alpha1.OnConflict.Adopt);
              return x;
            });
    Secret adopted =
        awaitSecret(
            client,
            ns,
            prefix,
            s ->
                "kubernetes.io/dockerconfigjson".equals(s.getType())
                    || s.getData().containsKey(".dockerconfigjson"));
    assertThat(adopted.getMetadata().getLabels()).containsEntry(PullPolicyLabels.POLICY, prefix);
    awaitReady(client, prefix, 2);
  }

  @Test
  void secondPolicyWantingTheSameNameReportsAConflictInsteadOfFighting(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("two");
    String src = cluster.newNamespace("src");
    source(client, src, "one", "one.example.com", "one");
    source(client, src, "two", "two.example.com", "two");
    String ns = cluster.newNamespace(prefix);
    String first = prefix + "-first";
    String second = prefix + "-second";
    policy(
        client,
        first,
        "  sources: [{namespace: %s, name: one}]\n  namespaces: {include: [\"%s-*\"]}\n  target: {secretName: shared}\n"
            .formatted(src, prefix));
    awaitReady(client, first, 1);
    policy(
        client,
        second,
        "  sources: [{namespace: %s, name: two}]\n  namespaces: {include: [\"%s-*\"]}\n  target: {secretName: shared}\n"
            .formatted(src, prefix));
    PullCredentialPolicy p =
        awaitPolicy(client, second, x -> x.getStatus().getNamespaces().getConflicts() == 1);
    assertThat(p.getStatus().getFailures().get(0).getMessage()).contains(first);
    String rv = secret(client, ns, "shared").getMetadata().getResourceVersion();
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(10))
        .until(() -> secret(client, ns, "shared").getMetadata().getResourceVersion().equals(rv));
    Secret shared = secret(client, ns, "shared");
    assertThat(shared.getMetadata().getLabels()).containsEntry(PullPolicyLabels.POLICY, first);
    assertThat(configOf(shared)).contains("one.example.com").doesNotContain("two.example.com");
    deletePolicy(client, second);
    assertThat(secret(client, ns, "shared")).isNotNull();
    deletePolicy(client, first);
  }

  @Test
  void sourceIsNeverOverwrittenAndServesItsOwnNamespace(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("self");
    String src = cluster.newNamespace(prefix);
    Secret original = source(client, src, prefix, "registry.acme.io", "heidi");
    String other = cluster.newNamespace(prefix);
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: %s}]\n  namespaces: {include: [\"%s-*\"]}\n  onDelete: Delete\n"
            .formatted(src, prefix, prefix));
    awaitReady(client, prefix, 2);
    awaitSecret(client, other, prefix, s -> true);
    awaitServiceAccount(client, src, "default", sa -> pullSecretNames(sa).contains(prefix));
    Secret after = secret(client, src, prefix);
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(original.getMetadata().getResourceVersion());
    assertThat(after.getMetadata().getLabels()).isNullOrEmpty();
    deletePolicy(client, prefix);
    assertThat(secret(client, src, prefix)).isNotNull();
    assertThat(secret(client, other, prefix)).isNull();
  }
}
