package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.Target;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API server crashes and comes back (SIGKILL, 3 s down, same etcd): the operator, a leader with
 * leader election as deployed, keeps running and its watches resume, so changes made after the
 * restart are reconciled within seconds, not at the next resync (10 minutes).
 *
 * <p>The run's shared operator is stopped while this class runs.
 */
@SystemTest
class ApiServerRestartIT {

  /** What "within seconds" means here: watch reconnection with the client's backoff. */
  private static final Duration WITHIN = Duration.ofSeconds(20);

  @BeforeAll
  static void stopTheSharedOperator(TestCluster cluster) {
    Assumptions.assumeTrue(cluster.isLocal(), "restarts the local control plane's API server");
    OperatorProcess.shared(cluster).close();
  }

  @Test
  void watchesResumeAfterAnApiServerRestart(TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("restart");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "before");
    String existing = cluster.newNamespace(prefix);
    String lease = cluster.newNamespace("restart-lease");
    OperatorProcess operator =
        OperatorProcess.start(
            cluster,
            cluster.uniqueName("apiserver-restart"),
            Map.of("PULLPOLICY_LEADER_ELECTION_NAMESPACE", lease, "HOSTNAME", "restart-leader"));
    try {
      policy(
          client,
          prefix,
          "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
              .formatted(src, prefix));
      awaitReady(client, prefix, 1);

      cluster.restartApiServer(Duration.ofSeconds(3));

      long start = System.nanoTime();
      String created = cluster.newNamespace(prefix);
      await().atMost(WITHIN).until(() -> secret(client, created, prefix) != null);
      awaitServiceAccount(client, created, "default", sa -> pullSecretNames(sa).contains(prefix));
      long newNamespace = millisSince(start);

      start = System.nanoTime();
      client
          .resources(PullCredentialPolicy.class)
          .withName(prefix)
          .edit(
              p -> {
                p.getSpec().setTarget(new Target());
                p.getSpec().getTarget().setLabels(Map.of("after-restart", "yes"));
                return p;
              });
      await()
          .atMost(WITHIN)
          .until(
              () ->
                  "yes"
                      .equals(
                          secret(client, existing, prefix)
                              .getMetadata()
                              .getLabels()
                              .get("after-restart")));
      long policyEdit = millisSince(start);

      start = System.nanoTime();
      source(client, src, "creds", "registry.acme.io", "after");
      await()
          .atMost(WITHIN)
          .until(() -> configOf(secret(client, existing, prefix)).contains("after"));
      long rotation = millisSince(start);

      start = System.nanoTime();
      client.secrets().inNamespace(existing).withName(prefix).delete();
      await()
          .atMost(WITHIN)
          .until(
              () -> {
                var s = secret(client, existing, prefix);
                return s != null && s.getMetadata().getDeletionTimestamp() == null;
              });
      long restore = millisSince(start);

      System.out.printf(
          "after an API server restart (3 s down): new namespace %d ms, policy edit %d ms,"
              + " rotation %d ms, copy restored %d ms%n",
          newNamespace, policyEdit, rotation, restore);
      assertThat(operator.isAlive())
          .as("the operator kept running; log: %s", operator.logFile())
          .isTrue();
      awaitReady(client, prefix, 2);
      deletePolicy(client, prefix);
    } finally {
      operator.close();
    }
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
