package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitPullSecrets;
import static dev.pullpolicy.systemtest.node.NodeFixtures.record;
import static dev.pullpolicy.systemtest.node.NodeFixtures.registryPolicy;
import static dev.pullpolicy.systemtest.support.Workloads.awaitPodOf;
import static dev.pullpolicy.systemtest.support.Workloads.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.node.NodeFixtures.RegistryPolicy;
import dev.pullpolicy.systemtest.support.NeedsNode;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.TestNode;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rotation end to end: the registry's password changes, the source Secret follows, and new Pods
 * pull with the new credential while the old one is refused.
 */
@SystemTest
@NeedsNode
class PasswordRotationIT {

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  @Test
  void afterTheRegistryPasswordAndTheSourceRotateNewPodsPullWithTheNewPassword(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    RegistryPolicy policy = registryPolicy(cluster, client, node);
    String ns = cluster.newNamespace("node-rotate", policy.selects());
    awaitPullSecrets(client, ns, "default", List.of(policy.name()));
    // Always: every new Pod asks the registry, so a refused credential shows at once.
    deployment(client, ns, "app", node.helloImage(), "Always");
    Pod first = awaitPodOf(client, ns, "app", Workloads::running);

    String newPassword = "rotated-" + UUID.randomUUID();
    node.changePassword(newPassword);
    client.pods().inNamespace(ns).resource(first).delete();
    Pod refused = awaitPodOf(client, ns, "app", Workloads::pullFailed);
    record("old password after the registry's password changed", client, refused);
    assertThat(Workloads.waiting(refused).orElseThrow().getMessage())
        .startsWith("failed to pull and unpack image \"" + node.helloImage() + "\"")
        .endsWith(
            "unexpected status from HEAD request to https://"
                + node.registry()
                + "/v2/pullpolicy/hello/manifests/1: 401 Unauthorized");

    long rotated = System.nanoTime();
    Workloads.dockerConfigSecret(
        client,
        policy.sourceNamespace(),
        "registry-creds",
        node.dockerConfigJson(node.username(), newPassword));
    await()
        .atMost(NodeFixtures.TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> dockerConfig(client, ns, policy.name()).contains(newPassword));
    long copied = System.nanoTime();
    client.pods().inNamespace(ns).resource(refused).delete();
    Pod pulled = awaitPodOf(client, ns, "app", Workloads::running);
    long running = System.nanoTime();

    assertThat(pulled.getMetadata().getName()).isNotEqualTo(refused.getMetadata().getName());
    assertThat(Workloads.events(client, ns, pulled.getMetadata().getName()))
        .anyMatch(e -> e.startsWith("Normal Pulled: Successfully pulled image"));
    System.err.printf(
        "[node] source rotated -> copy updated in %d ms -> new Pod Running %d ms after the"
            + " rotation%n",
        Duration.ofNanos(copied - rotated).toMillis(),
        Duration.ofNanos(running - rotated).toMillis());
  }

  private static String dockerConfig(KubernetesClient client, String ns, String name) {
    Secret s = client.secrets().inNamespace(ns).withName(name).get();
    return s == null
        ? ""
        : new String(
            Base64.getDecoder().decode(s.getData().get(".dockerconfigjson")),
            StandardCharsets.UTF_8);
  }
}
