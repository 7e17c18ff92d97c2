package dev.pullpolicy.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves the cluster the system tests use is a real control plane: the behaviours pullpolicy
 * depends on (controllers, garbage collection, admission, CEL, RBAC) exist only in one.
 */
@SystemTest
class ControlPlaneIsRealIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void realKubectlTalksToTheServerAtTheBuiltVersion(TestCluster cluster) {
    CommandResult version = cluster.kubectl("version");
    assertThat(version.exitCode()).as(version.describe()).isZero();
    assertThat(version.stdout()).contains("Client Version: v1.").contains("Server Version: v1.");
  }

  @Test
  void newNamespaceGetsItsDefaultServiceAccount(TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("smoke-sa");
    await()
        .atMost(TIMEOUT)
        .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
  }

  @Test
  void deletingAnOwnerGarbageCollectsItsChild(TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("smoke-gc");
    ConfigMap owner =
        client
            .configMaps()
            .inNamespace(ns)
            .resource(
                new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata().build())
            .create();
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("child")
                .addNewOwnerReference()
                .withApiVersion("v1")
                .withKind("ConfigMap")
                .withName("owner")
                .withUid(owner.getMetadata().getUid())
                .endOwnerReference()
                .endMetadata()
                .build())
        .create();
    client.configMaps().inNamespace(ns).withName("owner").delete();
    await()
        .atMost(TIMEOUT)
        .until(() -> client.configMaps().inNamespace(ns).withName("child").get() == null);
  }

  @Test
  void deletingANamespaceCompletes(TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("smoke-del");
    client
        .configMaps()
        .inNamespace(ns)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("data").endMetadata().build())
        .create();
    client.namespaces().withName(ns).delete();
    await().atMost(TIMEOUT).until(() -> client.namespaces().withName(ns).get() == null);
  }

  @Test
  void crdCelRuleRejectsABadObject(TestCluster cluster, KubernetesClient client) {
    String name = cluster.uniqueName("smoke-cel");
    assertThatThrownBy(
            () ->
                Policies.create(
                    client,
                    name,
                    """
                      sources: [{namespace: default, name: creds}]
                      target:
                        labels: {"pullpolicy.dev/policy": "someone-else"}
                    """))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("labels must not set pullpolicy.dev/*");
  }

  @Test
  void unprivilegedUserIsForbidden(TestCluster cluster) {
    KubernetesClient jane = cluster.clientFor(cluster.kubeconfigAs("jane"));
    assertThatThrownBy(() -> jane.secrets().inNamespace("default").list())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void podGetsServiceAccountPullSecretsThroughAdmission(
      TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("smoke-adm");
    await()
        .atMost(TIMEOUT)
        .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName("default")
        .edit(
            sa -> {
              sa.setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
              return sa;
            });
    Pod pod =
        client
            .pods()
            .inNamespace(ns)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("app")
                    .withLabels(Map.of("app", "smoke"))
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage("registry.example.com/team/app:1.0")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    assertThat(pod.getSpec().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("regcred");
  }
}
