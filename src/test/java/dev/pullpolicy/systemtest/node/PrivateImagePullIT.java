package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitPolicy;
import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitPullSecrets;
import static dev.pullpolicy.systemtest.node.NodeFixtures.record;
import static dev.pullpolicy.systemtest.node.NodeFixtures.registryPolicy;
import static dev.pullpolicy.systemtest.support.Workloads.awaitPodOf;
import static dev.pullpolicy.systemtest.support.Workloads.deployment;
import static dev.pullpolicy.systemtest.support.Workloads.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.node.NodeFixtures.RegistryPolicy;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.NeedsNode;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.TestNode;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise end to end on a real node: a namespace a policy selects can pull the private image,
 * and one it does not serve cannot.
 */
@SystemTest
@NeedsNode
class PrivateImagePullIT {

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  @Test
  void podInANamespaceCreatedAfterThePolicyPullsThePrivateImageAndRuns(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    RegistryPolicy policy = registryPolicy(cluster, client, node);
    String ns = cluster.newNamespace("node-app", policy.selects());
    awaitPullSecrets(client, ns, "default", List.of(policy.name()));
    node.forgetImage(node.helloImage()); // a real pull, whatever pulled it before

    long created = System.nanoTime();
    deployment(client, ns, "hello", node.helloImage(), null);
    Pod pod = awaitPodOf(client, ns, "hello", Workloads::running);
    Duration startup = Duration.ofNanos(System.nanoTime() - created);

    String name = pod.getMetadata().getName();
    assertThat(pod.getSpec().getImagePullSecrets())
        .singleElement()
        .satisfies(r -> assertThat(r.getName()).isEqualTo(policy.name()));
    assertThat(pod.getSpec().getNodeName()).isEqualTo(node.nodeName());
    assertThat(events(client, ns, name))
        .anyMatch(
            e ->
                e.startsWith(
                    "Normal Pulled: Successfully pulled image \"" + node.helloImage() + "\""));
    // The log through the real kubectl: API server to kubelet with its client certificate.
    CommandResult logs = cluster.kubectl("logs", "-n", ns, "deploy/hello");
    assertThat(logs.exitCode()).as(logs.describe()).isZero();
    assertThat(logs.stdout()).startsWith(TestNode.HELLO_LINE + name + ") at ");
    System.err.printf(
        "[node] Deployment created -> Pod %s Running in %d ms%n", name, startup.toMillis());
  }

  @Test
  void theSameDeploymentInAnOptedOutNamespaceFailsWithTheKubeletsMessage(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    RegistryPolicy policy = registryPolicy(cluster, client, node);
    String ns =
        cluster.newNamespace(
            "node-optout", policy.selects(), Map.of(PullPolicyLabels.IGNORE, "true"));
    awaitPolicy(client, policy.name(), p -> p.getStatus().getNamespaces().getIgnored() == 1);

    deployment(client, ns, "hello", node.helloImage(), null);
    Pod pod = awaitPodOf(client, ns, "hello", Workloads::pullFailed);

    record("opted-out namespace, no pull Secret", client, pod);
    assertThat(pod.getSpec().getImagePullSecrets()).isEmpty();
    String message = Workloads.waiting(pod).orElseThrow().getMessage();
    assertThat(message)
        .startsWith("failed to pull and unpack image \"" + node.helloImage() + "\"")
        .contains("pull access denied")
        .endsWith("authorization failed: no basic auth credentials");
    assertThat(Workloads.awaitEvent(client, ns, pod.getMetadata().getName(), "Error: ErrImagePull"))
        .contains("Warning Failed: Failed to pull image \"" + node.helloImage() + "\": " + message);
  }
}
