package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.NeedsNode;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.ServiceAccountAdmission;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.TestNode;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Everything keeps working while the operator is down: admission still gives new namespaces'
 * ServiceAccounts (the {@code default} one and one created beside it) their entry, so their Pods
 * are created with the pull Secret; the Secret itself is missing until the operator is back and
 * copies it, and then the kubelet's next pull attempt uses it and the Pods run. Nobody recreates a
 * Pod.
 */
@SystemTest
@NeedsNode
class AdmissionOperatorDownIT {

  /** The kubelet retries a failed pull with a backoff (10 s, 20 s, 40 s, ...). */
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

  @BeforeAll
  static void admission(TestCluster cluster) {
    ServiceAccountAdmission.install(cluster);
  }

  @AfterAll
  static void removeAdmission(TestCluster cluster, KubernetesClient client) {
    ServiceAccountAdmission.uninstall(client);
    OperatorProcess.shared(cluster);
  }

  @Test
  void
      namespacesAndServiceAccountsCreatedWhileTheOperatorIsDownGetTheEntryAndTheirPodsRunOnceItIsBack(
          TestCluster cluster, KubernetesClient client, TestNode node) {
    OperatorProcess.shared(cluster);
    String src = cluster.newNamespace("down-src");
    Workloads.dockerConfigSecret(client, src, "registry-creds", node.dockerConfigJson());
    String policy = cluster.uniqueName("down");
    Policies.create(
        client,
        policy,
        """
          sources: [{namespace: %s, name: registry-creds}]
          namespaces: {selector: {matchLabels: {%s: %s}}}
          serviceAccounts: {names: [default, builder]}
        """
            .formatted(src, NodeFixtures.SELECTED_BY, policy));
    awaitPolicy(
        client,
        policy,
        p ->
            p.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
    ServiceAccountAdmission.awaitPoliciesSoFar(cluster, client, cluster.newNamespace("down-probe"));

    OperatorProcess.stopShared(cluster);
    String ns = cluster.uniqueName("down-app");
    String manifest =
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels: {%s: %s, %s: %s}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: builder, namespace: %s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: hello, namespace: %s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: hello}}
          template:
            metadata: {labels: {app: hello}}
            spec:
              terminationGracePeriodSeconds: 2
              containers: [{name: app, image: "%s"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: build, namespace: %s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: build}}
          template:
            metadata: {labels: {app: build}}
            spec:
              serviceAccountName: builder
              terminationGracePeriodSeconds: 2
              containers: [{name: app, image: "%s"}]
        """
            .formatted(
                ns,
                NodeFixtures.SELECTED_BY,
                policy,
                TestCluster.TEST_RUN_LABEL,
                cluster.runId(),
                ns,
                ns,
                node.helloImage(),
                ns,
                node.helloImage());
    CommandResult applied =
        cluster.kubectl("apply", "-f", cluster.writeFile("down.yaml", manifest).toString());
    assertThat(applied.exitCode()).as(applied.describe()).isZero();

    // the operator is down: the entries are there, the Secret is not, the pulls fail
    for (String sa : List.of("default", "builder")) {
      ServiceAccount account =
          await()
              .atMost(Workloads.POD_TIMEOUT)
              .until(
                  () -> client.serviceAccounts().inNamespace(ns).withName(sa).get(),
                  a -> a != null);
      assertThat(ServiceAccountAdmission.pullSecrets(account)).as(sa).containsExactly(policy);
    }
    for (String app : List.of("hello", "build")) {
      Pod failing = Workloads.awaitPodOf(client, ns, app, Workloads::pullFailed);
      assertThat(failing.getSpec().getImagePullSecrets())
          .extracting(LocalObjectReference::getName)
          .containsExactly(policy);
    }
    assertThat(client.secrets().inNamespace(ns).withName(policy).get()).isNull();

    // back: the copy follows, the kubelet's retry picks it up, the same Pods run
    List<String> podsBefore =
        client.pods().inNamespace(ns).list().getItems().stream()
            .map(p -> p.getMetadata().getName())
            .sorted()
            .toList();
    OperatorProcess.shared(cluster);
    for (String app : List.of("hello", "build")) {
      await()
          .atMost(RUN_TIMEOUT)
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> Workloads.podsOf(client, ns, app),
              pods -> pods.size() == 1 && Workloads.running(pods.get(0)));
    }
    assertThat(
            client.pods().inNamespace(ns).list().getItems().stream()
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList())
        .as("the Pods that failed are the ones that run: none was recreated")
        .isEqualTo(podsBefore);
    client.namespaces().withName(ns).delete();
  }
}
