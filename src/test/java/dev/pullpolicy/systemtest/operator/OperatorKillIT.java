package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of the operator (a crash, an OOM kill, a lost node) in the middle of its writes: the next
 * operator finishes the job exactly. The killed operators write one at a time ({@code
 * PULLPOLICY_WRITE_CONCURRENCY=1}) so that the kill lands mid-way, seen from the cluster; the
 * restarted one runs with the defaults.
 *
 * <p>The run's shared operator is stopped while this class runs (every write here is made by the
 * operators it starts); the next test that asks for it starts it again.
 */
@SystemTest
class OperatorKillIT {

  private static final int NAMESPACES = 60;
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  @BeforeAll
  static void stopTheSharedOperator(TestCluster cluster) {
    OperatorProcess.shared(cluster).close();
  }

  @Test
  void sigkillDuringFanOutEndsExactAfterARestart(TestCluster cluster, KubernetesClient client) {
    Fleet fleet = Fleet.create(cluster, client, "kill-fan", NAMESPACES);
    OperatorProcess first = Fleet.operator(cluster, "kill-fan-1", 1);
    fleet.createPolicy(client, "");

    int atKill =
        Fleet.killWhen(
            first, () -> fleet.copies(client), n -> n >= NAMESPACES / 4 && n < NAMESPACES);
    System.out.printf("fan-out over %d namespaces: SIGKILL at %d copies%n", NAMESPACES, atKill);

    OperatorProcess next = Fleet.operator(cluster, "kill-fan-2", 16);
    try {
      fleet.awaitExact(client, CONVERGE);
      deletePolicy(client, fleet.policy); // while an operator runs to clean up after it
    } finally {
      next.close();
    }
  }

  @Test
  void sigkillDuringCleanupIsFinishedByTheNextOperatorAndTheFinalizerGoes(
      TestCluster cluster, KubernetesClient client) {
    Fleet fleet = Fleet.create(cluster, client, "kill-clean", NAMESPACES);
    OperatorProcess first = Fleet.operator(cluster, "kill-clean-1", 1);
    fleet.createPolicy(client, "  onDelete: Delete\n");
    fleet.awaitExact(client, CONVERGE);

    client.resources(PullCredentialPolicy.class).withName(fleet.policy).delete();
    int left =
        Fleet.killWhen(first, () -> fleet.copies(client), n -> n <= NAMESPACES * 3 / 4 && n > 0);
    System.out.printf("cleanup of %d namespaces: SIGKILL with %d copies left%n", NAMESPACES, left);
    PullCredentialPolicy waiting = get(client, fleet.policy);
    assertThat(waiting).as("the policy waits for its cleanup").isNotNull();
    assertThat(waiting.getMetadata().getFinalizers()).contains(PullPolicyLabels.FINALIZER);

    OperatorProcess next = Fleet.operator(cluster, "kill-clean-2", 16);
    try {
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> fleet.assertCleanedUp(client));
    } finally {
      next.close();
    }
  }
}
