package dev.pullpolicy.systemtest.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica with leader election stops on SIGTERM by itself, promptly: a Deployment's rollout
 * otherwise waits for terminationGracePeriodSeconds and then kills it.
 */
@SystemTest
class ShutdownIT {

  @Test
  void leaderExitsPromptlyOnSigterm(TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("shutdown");
    OperatorProcess operator =
        OperatorProcess.start(
            cluster,
            "shutdown",
            Map.of(
                "PULLPOLICY_LEADER_ELECTION_ENABLED",
                "true",
                "PULLPOLICY_LEADER_ELECTION_NAMESPACE",
                ns));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Lease lease = client.leases().inNamespace(ns).withName("pullpolicy-operator").get();
              return lease != null && lease.getSpec().getHolderIdentity() != null;
            });

    assertThat(operator.terminate(Duration.ofSeconds(10)))
        .as("the operator exited on SIGTERM within 10 s; its log:%n%s", operator.log())
        .isTrue();
  }
}
