package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitPolicy;
import static dev.pullpolicy.systemtest.node.NodeFixtures.registryPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.node.NodeFixtures.RegistryPolicy;
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
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The race of issue 12, measured on the real node: a namespace and a Deployment of the private
 * image applied together in one {@code kubectl apply}, as GitOps and Helm do, many times over, with
 * the operator running and Ready. The ServiceAccount admission plugin copies {@code
 * imagePullSecrets} into a Pod only when the Pod is created, so a Pod created before its
 * ServiceAccount lists the Secret can never pull; the operator alone patches the ServiceAccount a
 * moment too late. With the admission policy of {@code deploy/}, the ServiceAccount is born with
 * the entry and every Pod runs; without it (its binding removed), the test counts the Pods that got
 * stuck. Both figures are printed.
 *
 * <p>Size: {@code -Dpullpolicy.race.namespaces} (default 10) namespaces of {@code
 * -Dpullpolicy.race.replicas} (default 2) replicas, each way.
 */
@SystemTest
@NeedsNode
class AdmissionRaceIT {

  private static final int NAMESPACES = Integer.getInteger("pullpolicy.race.namespaces", 10);
  private static final int REPLICAS = Integer.getInteger("pullpolicy.race.replicas", 2);

  /** Time for every Pod to run: a Pod whose copy arrived after its first pull waits a backoff. */
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

  @BeforeAll
  static void operatorAndAdmission(TestCluster cluster) {
    OperatorProcess.shared(cluster);
    ServiceAccountAdmission.install(cluster);
  }

  @AfterAll
  static void removeAdmission(KubernetesClient client) {
    ServiceAccountAdmission.uninstall(client);
  }

  /** Pods of one round: those created with the policy's entry, and those without. */
  record Round(List<Pod> pods, List<Pod> withoutEntry, List<String> namespaces) {}

  @Test
  void withAdmissionEveryPodOfANamespaceAppliedWithItsDeploymentRuns(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    RegistryPolicy policy = readyPolicy(cluster, client, node);

    Round round = race(cluster, client, node, policy, "race-on");
    System.err.printf(
        "[race] with admission: %d of %d Pods (%d namespaces x %d replicas) created without the"
            + " pull Secret%n",
        round.withoutEntry().size(), round.pods().size(), NAMESPACES, REPLICAS);
    assertThat(round.withoutEntry())
        .as("Pods created before their ServiceAccount listed the Secret")
        .isEmpty();
    awaitEvery(client, round, Workloads::running, "running");
    deleteNamespaces(client, round);
  }

  @Test
  void withoutAdmissionPodsOfANamespaceAppliedWithItsDeploymentGetStuck(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    RegistryPolicy policy = readyPolicy(cluster, client, node);
    // admission known to be on (a probe policy's entry), then known to be off
    String probeNs = cluster.newNamespace("race-probe");
    String probe = cluster.uniqueName("race-probe");
    Policies.create(
        client,
        probe,
        """
          sources: [{namespace: %s, name: registry-creds}]
          namespaces: {include: [%s]}
          serviceAccounts: {names: ["*"]}
        """
            .formatted(policy.sourceNamespace(), probeNs));
    ServiceAccountAdmission.awaitEntry(client, probeNs, probe);
    ServiceAccountAdmission.removeBinding(client);
    try {
      ServiceAccountAdmission.awaitNoEntry(client, probeNs, probe);

      Round round = race(cluster, client, node, policy, "race-off");
      System.err.printf(
          "[race] without admission: %d of %d Pods (%d namespaces x %d replicas) created without"
              + " the pull Secret, stuck in ImagePullBackOff until recreated%n",
          round.withoutEntry().size(), round.pods().size(), NAMESPACES, REPLICAS);
      // those Pods fail their pulls for good; the others run
      for (Pod p : round.pods()) {
        boolean stuck = round.withoutEntry().contains(p);
        Workloads.awaitPod(
            client,
            p.getMetadata().getNamespace(),
            p.getMetadata().getName(),
            stuck ? Workloads::pullFailed : Workloads::running);
      }
      deleteNamespaces(client, round);
    } finally {
      ServiceAccountAdmission.install(cluster);
    }
  }

  /** The registry policy, Ready, and known to admission. */
  private static RegistryPolicy readyPolicy(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    RegistryPolicy policy = registryPolicy(cluster, client, node);
    awaitPolicy(
        client,
        policy.name(),
        p ->
            p.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
    ServiceAccountAdmission.awaitPoliciesSoFar(cluster, client, cluster.newNamespace("race-probe"));
    return policy;
  }

  /**
   * Applies a namespace the policy selects and a Deployment of the private image in one {@code
   * kubectl apply}, {@link #NAMESPACES} times in a row, and returns every Pod once all exist.
   */
  private static Round race(
      TestCluster cluster,
      KubernetesClient client,
      TestNode node,
      RegistryPolicy policy,
      String prefix) {
    List<String> namespaces = new ArrayList<>();
    for (int i = 0; i < NAMESPACES; i++) {
      String ns = cluster.uniqueName(prefix);
      namespaces.add(ns);
      String manifest =
          """
          apiVersion: v1
          kind: Namespace
          metadata:
            name: %s
            labels: {%s: %s, %s: %s}
          ---
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: hello, namespace: %s}
          spec:
            replicas: %d
            selector: {matchLabels: {app: hello}}
            template:
              metadata: {labels: {app: hello}}
              spec:
                terminationGracePeriodSeconds: 2
                containers: [{name: app, image: "%s"}]
          """
              .formatted(
                  ns,
                  NodeFixtures.SELECTED_BY,
                  policy.name(),
                  TestCluster.TEST_RUN_LABEL,
                  cluster.runId(),
                  ns,
                  REPLICAS,
                  node.helloImage());
      CommandResult applied =
          cluster.kubectl(
              "apply", "-f", cluster.writeFile(prefix + "-" + i + ".yaml", manifest).toString());
      assertThat(applied.exitCode()).as(applied.describe()).isZero();
    }
    List<Pod> pods =
        await()
            .atMost(Workloads.POD_TIMEOUT)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    namespaces.stream()
                        .flatMap(ns -> Workloads.podsOf(client, ns, "hello").stream())
                        .toList(),
                l -> l.size() == NAMESPACES * REPLICAS);
    List<Pod> withoutEntry =
        pods.stream()
            .filter(
                p ->
                    p.getSpec().getImagePullSecrets() == null
                        || p.getSpec().getImagePullSecrets().stream()
                            .map(LocalObjectReference::getName)
                            .noneMatch(policy.name()::equals))
            .toList();
    return new Round(pods, withoutEntry, namespaces);
  }

  private static void awaitEvery(
      KubernetesClient client, Round round, Predicate<Pod> state, String what) {
    await()
        .atMost(RUN_TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              List<String> notYet = new ArrayList<>();
              for (Pod p : round.pods()) {
                Pod now =
                    client
                        .pods()
                        .inNamespace(p.getMetadata().getNamespace())
                        .withName(p.getMetadata().getName())
                        .get();
                if (now == null || !state.test(now)) {
                  notYet.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
                }
              }
              assertThat(notYet).as("Pods not " + what).isEmpty();
            });
  }

  private static void deleteNamespaces(KubernetesClient client, Round round) {
    round.namespaces().forEach(ns -> client.namespaces().withName(ns).delete());
  }
}
