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
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fan-out, ServiceAccounts, rotation and drift repair, observed on the cluster. */
@SystemTest
class FanOutIT {

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  @Test
  void copiesIntoExistingAndNewNamespacesAndPatchesTheirDefaultServiceAccount(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("fan");
    String src = cluster.newNamespace("src");
    Secret source = source(client, src, "creds", "registry.acme.io", "alice");
    // metadata on the source that must not reach the copies
    source.getMetadata().setLabels(Map.of("team", "platform"));
    source
        .getMetadata()
        .setAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}"));
    client.secrets().inNamespace(src).resource(source).update();
    String existing = cluster.newNamespace(prefix);
    policy(
        client,
        prefix,
        """
          sources: [{namespace: %s, name: creds}]
          namespaces: {include: ["%s-*"]}
          target: {labels: {extra: "yes"}, annotations: {note: "hello"}}
        """
            .formatted(src, prefix));

    Secret copy = awaitSecret(client, existing, prefix, s -> true);
    assertThat(copy.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(configOf(copy)).contains("registry.acme.io").contains("alice");
    assertThat(copy.getMetadata().getLabels())
        .containsEntry(PullPolicyLabels.POLICY, prefix)
        .containsEntry(PullPolicyLabels.MANAGED_BY, "pullpolicy")
        .containsEntry("extra", "yes")
        .doesNotContainKey("team");
    assertThat(copy.getMetadata().getAnnotations())
        .containsKey(PullPolicyLabels.SOURCE_HASH)
        .containsEntry("note", "hello")
        .doesNotContainKey("kubectl.kubernetes.io/last-applied-configuration");
    assertThat(copy.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getKind()).isEqualTo("PullCredentialPolicy"));
    awaitServiceAccount(
        client, existing, "default", sa -> pullSecretNames(sa).equals(List.of(prefix)));

    // a namespace created later: copy, and the default ServiceAccount that appears after it
    String later = cluster.newNamespace(prefix);
    awaitSecret(client, later, prefix, s -> true);
    ServiceAccount sa =
        awaitServiceAccount(client, later, "default", s -> pullSecretNames(s).contains(prefix));
    assertThat(pullSecretNames(sa)).containsExactly(prefix);
    PullCredentialPolicy p = awaitReady(client, prefix, 2);
    assertThat(p.getStatus().getRegistries()).containsExactly("registry.acme.io");
    assertThat(p.getStatus().getServiceAccounts().getPatched()).isEqualTo(2);
  }

  @Test
  void patchesServiceAccountsByNameAndSelectorKeepingOtherWritersEntries(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("sa");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "bob");
    String ns = cluster.newNamespace(prefix);
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("builder")
                .endMetadata()
                .withImagePullSecrets(new LocalObjectReference("someone-elses"))
                .build())
        .create();
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("labelled")
                .withLabels(Map.of("pull", "yes"))
                .endMetadata()
                .build())
        .create();
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("other").endMetadata().build())
        .create();
    policy(
        client,
        prefix,
        """
          sources: [{namespace: %s, name: creds}]
          namespaces: {include: ["%s-*"]}
          serviceAccounts: {names: [builder], selector: {matchLabels: {pull: "yes"}}}
        """
            .formatted(src, prefix));

    awaitServiceAccount(
        client, ns, "builder", sa -> pullSecretNames(sa).equals(List.of("someone-elses", prefix)));
    awaitServiceAccount(client, ns, "labelled", sa -> pullSecretNames(sa).equals(List.of(prefix)));
    // a ServiceAccount created later that matches the selector
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("newcomer")
                .withLabels(Map.of("pull", "yes"))
                .endMetadata()
                .build())
        .create();
    awaitServiceAccount(client, ns, "newcomer", sa -> pullSecretNames(sa).equals(List.of(prefix)));
    awaitPolicy(client, prefix, p -> p.getStatus().getServiceAccounts().getPatched() == 3);
    assertThat(pullSecretNames(client.serviceAccounts().inNamespace(ns).withName("other").get()))
        .isEmpty();
    assertThat(pullSecretNames(client.serviceAccounts().inNamespace(ns).withName("default").get()))
        .isEmpty();

    // another writer adds an entry while we are there: both stay, ours exactly once
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName("builder")
        .edit(
            sa -> {
              List<LocalObjectReference> l = new ArrayList<>(sa.getImagePullSecrets());
              l.add(new LocalObjectReference("third-party"));
              sa.setImagePullSecrets(l);
              return sa;
            });
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                pullSecretNames(client.serviceAccounts().inNamespace(ns).withName("builder").get())
                    .equals(List.of("someone-elses", prefix, "third-party")));
  }

  @Test
  void rotatingTheSourceUpdatesEveryCopyWithinSeconds(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("rot");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "v1user");
    List<String> namespaces = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      namespaces.add(cluster.newNamespace(prefix));
    }
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    awaitReady(client, prefix, 5);

    long start = System.nanoTime();
    source(client, src, "creds", "registry.acme.io", "v2user");
    for (String ns : namespaces) {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> configOf(secret(client, ns, prefix)).contains("v2user"));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("rotation reached 5 copies in %d ms%n", millis);
    assertThat(millis).isLessThan(10_000);
  }

  @Test
  void restoresACopyEditedOrDeletedByHandAndAnEntryRemovedByHand(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("drift");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "carol");
    String ns = cluster.newNamespace(prefix);
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    awaitReady(client, prefix, 1);
    awaitServiceAccount(client, ns, "default", sa -> pullSecretNames(sa).contains(prefix));

    // edited by hand
    client
        .secrets()
        .inNamespace(ns)
        .withName(prefix)
        .edit(
            s -> {
              s.setData(Map.of(".dockerconfigjson", b64(dockerConfig("evil.io", "x", "y"))));
              return s;
            });
    awaitSecret(client, ns, prefix, s -> configOf(s).contains("carol"));

    // deleted by hand
    client.secrets().inNamespace(ns).withName(prefix).delete();
    awaitSecret(
        client,
        ns,
        prefix,
        s -> s.getMetadata().getDeletionTimestamp() == null && configOf(s).contains("carol"));

    // our entry removed from the ServiceAccount by hand
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName("default")
        .edit(
            sa -> {
              sa.setImagePullSecrets(List.of());
              return sa;
            });
    awaitServiceAccount(client, ns, "default", sa -> pullSecretNames(sa).equals(List.of(prefix)));
  }

  @Test
  void namespaceThatStopsMatchingLosesTheCopyAndOnlyOurEntry(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("stop");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "dave");
    String ns = cluster.newNamespace(prefix, Map.of("pull", prefix));
    String ignored = cluster.newNamespace(prefix, Map.of("pull", prefix));
    awaitServiceAccount(client, ns, "default", sa -> true);
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName("default")
        .edit(
            sa -> {
              sa.setImagePullSecrets(List.of(new LocalObjectReference("mine-not-yours")));
              return sa;
            });
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {selector: {matchLabels: {pull: %s}}}\n"
            .formatted(src, prefix));
    awaitReady(client, prefix, 2);
    awaitServiceAccount(
        client, ns, "default", sa -> pullSecretNames(sa).equals(List.of("mine-not-yours", prefix)));

    // opt-out annotation
    client
        .namespaces()
        .withName(ignored)
        .edit(
            n -> {
              n.getMetadata().setAnnotations(Map.of(PullPolicyLabels.IGNORE, "true"));
              return n;
            });
    await().atMost(TIMEOUT).until(() -> secret(client, ignored, prefix) == null);
    PullCredentialPolicy p = awaitReady(client, prefix, 1);
    assertThat(p.getStatus().getNamespaces().getIgnored()).isEqualTo(1);
    awaitServiceAccount(client, ignored, "default", sa -> pullSecretNames(sa).isEmpty());

    // label removed: stops matching
    client
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().getLabels().remove("pull");
              return n;
            });
    await().atMost(TIMEOUT).until(() -> secret(client, ns, prefix) == null);
    ServiceAccount sa =
        awaitServiceAccount(
            client, ns, "default", s -> pullSecretNames(s).equals(List.of("mine-not-yours")));
    assertThat(sa.getMetadata().getAnnotations())
        .doesNotContainKey(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES);
    awaitPolicy(client, prefix, x -> x.getStatus().getNamespaces().getSelected() == 0);
  }

  @Test
  void mergesSeveralSourcesFirstWinsAndConvertsLegacyDockercfg(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("merge");
    String src = cluster.newNamespace("src");
    source(client, src, "first", "registry.acme.io", "first-user");
    raw(
        client,
        src,
        "legacy",
        "kubernetes.io/dockercfg",
        ".dockercfg",
        "{\"registry.acme.io\":{\"auth\":\""
            + b64("legacy:pw")
            + "\"},"
            + "\"https://legacy.example.com/v1/\":{\"auth\":\""
            + b64("old:pw")
            + "\"}}");
    String ns = cluster.newNamespace(prefix);
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: first}, {namespace: %s, name: legacy}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, src, prefix));
    PullCredentialPolicy p = awaitReady(client, prefix, 1);
    assertThat(p.getStatus().getRegistries())
        .containsExactly("legacy.example.com", "registry.acme.io");
    assertThat(condition(p, PullPolicyLabels.CONDITION_SOURCE_VALID).getMessage())
        .contains("registry.acme.io")
        .contains("ignored");
    Secret copy = secret(client, ns, prefix);
    assertThat(copy.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(configOf(copy)).contains("first-user").contains("legacy.example.com");
    assertThat(configOf(copy)).doesNotContain(b64("legacy:pw"));
  }
}
