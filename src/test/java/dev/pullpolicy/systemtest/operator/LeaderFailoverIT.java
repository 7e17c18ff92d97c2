package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas with leader election, as deployed: the leader is killed (SIGKILL, so it cannot hand
 * the Lease over) and the standby takes over when the Lease expires (15 s), then reconciles what
 * changed meanwhile. The graceful hand-over (SIGTERM) is in {@code DeployRbacIT}.
 *
 * <p>The run's shared operator is stopped while this class runs.
 */
@SystemTest
class LeaderFailoverIT {

  @BeforeAll
  static void stopTheSharedOperator(TestCluster cluster) {
    OperatorProcess.shared(cluster).close();
  }

  @Test
  void standbyTakesOverWhenTheLeaderIsKilled(TestCluster cluster, KubernetesClient client) {
    String leaseNamespace = cluster.newNamespace("failover-lease");
    Resource<Lease> lease =
        client.leases().inNamespace(leaseNamespace).withName("pullpolicy-operator");
    String prefix = cluster.uniqueName("failover");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "olga");
    cluster.newNamespace(prefix);

    OperatorProcess leader = replica(cluster, leaseNamespace, "replica-a");
    await().atMost(Duration.ofSeconds(60)).until(() -> "replica-a".equals(holder(lease)));
    OperatorProcess standby = replica(cluster, leaseNamespace, "replica-b");
    try {
      policy(
          client,
          prefix,
          "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
              .formatted(src, prefix));
      awaitReady(client, prefix, 1);
      assertThat(holder(lease)).isEqualTo("replica-a");

      long killed = System.nanoTime();
      leader.kill();
      String meanwhile = cluster.newNamespace(prefix);

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> secret(client, meanwhile, prefix) != null);
      long takeover = (System.nanoTime() - killed) / 1_000_000;
      System.out.printf("leader SIGKILLed: the standby reconciled after %d ms%n", takeover);
      assertThat(holder(lease)).isEqualTo("replica-b");
      awaitReady(client, prefix, 2);
      assertThat(standby.isAlive()).isTrue();
      deletePolicy(client, prefix);
    } finally {
      standby.close();
    }
  }

  private static OperatorProcess replica(TestCluster cluster, String leaseNamespace, String id) {
    // HOSTNAME is the replica's identity in the Lease, as in a Pod
    return OperatorProcess.start(
        cluster,
        cluster.uniqueName(id),
        Map.of("PULLPOLICY_LEADER_ELECTION_NAMESPACE", leaseNamespace, "HOSTNAME", id));
  }

  private static String holder(Resource<Lease> lease) {
    Lease l = lease.get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }
}
