package dev.pullpolicy.systemtest.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.ServiceAccountAdmission;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The README's install command, {@code kubectl apply -f crds/ -f deploy/}, works in one go with the
 * real kubectl, and the Deployment's Pods pass the restricted Pod Security profile that the
 * namespace enforces. (There is no kubelet here: the Pods are admitted and stay Pending.)
 */
@SystemTest
class DeployInstallIT {

  @Test
  void installsInOneGoWithKubectlApply(TestCluster cluster, KubernetesClient client) {
    String crds = cluster.repoRoot().resolve("crds").toString();
    String deploy = cluster.repoRoot().resolve("deploy").toString();

    CommandResult first = cluster.kubectl("apply", "-f", crds, "-f", deploy);
    assertThat(first.exitCode()).as(first.describe()).isZero();
    for (GenericKubernetesResource o : new DeployFolder(cluster.repoRoot()).objects()) {
      assertThat(first.stdout())
          .as(first.describe())
          .containsPattern("(?i)" + o.getKind() + "[.a-z0-9]*/" + o.getMetadata().getName() + " ");
    }
    // Applying again changes nothing and still succeeds.
    CommandResult again = cluster.kubectl("apply", "-f", crds, "-f", deploy);
    assertThat(again.exitCode()).as(again.describe()).isZero();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace(DeployFolder.NAMESPACE)
                            .withLabel("app.kubernetes.io/name", "pullpolicy")
                            .list()
                            .getItems())
                    .as("Pods the ReplicaSet could create under Pod Security 'restricted'")
                    .hasSize(2));
    assertThat(
            client.v1().events().inNamespace(DeployFolder.NAMESPACE).list().getItems().stream()
                .filter(e -> "FailedCreate".equals(e.getReason()))
                .map(e -> e.getMessage())
                .toList())
        .isEmpty();
  }

  @Test
  void kustomizeBuildsTheSameObjects(TestCluster cluster) {
    CommandResult built =
        cluster.kubectl("kustomize", cluster.repoRoot().resolve("deploy").toString());
    assertThat(built.exitCode()).as(built.describe()).isZero();
    List<String> names =
        new DeployFolder(cluster.repoRoot())
            .objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    for (String name : names) {
      String kind = name.substring(0, name.indexOf('/'));
      String n = name.substring(name.indexOf('/') + 1);
      assertThat(built.stdout()).contains("kind: " + kind).contains("name: " + n);
    }
  }

  /**
   * The Deployment's Pods would stay Pending for the rest of the run: take them away. The
   * ServiceAccount admission policy goes too: the tests of admission install it themselves, the
   * others run as before it.
   */
  @AfterAll
  static void removeTheDeployment(KubernetesClient client) {
    ServiceAccountAdmission.uninstall(client);
    client
        .apps()
        .deployments()
        .inNamespace(DeployFolder.NAMESPACE)
        .withName(DeployFolder.SERVICE_ACCOUNT)
        .delete();
    client
        .services()
        .inNamespace(DeployFolder.NAMESPACE)
        .withName("pullpolicy-operator-metrics")
        .delete();
  }
}
