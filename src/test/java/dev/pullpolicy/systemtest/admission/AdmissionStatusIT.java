package dev.pullpolicy.systemtest.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.conditions.AdmissionActiveReason;
import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.ServiceAccountAdmission;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policy's status says whether the API server adds the entry to ServiceAccounts as they are
 * created (condition AdmissionActive), and follows when pullpolicy's MutatingAdmissionPolicy is
 * installed or its binding removed; Ready never depends on it; {@code kubectl pullpolicy status}
 * shows it in one line. The operator here looks every second (the run's shared operator, which
 * looks once a minute, is stopped meanwhile).
 */
@SystemTest
class AdmissionStatusIT {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The operator's environment for these tests: no leader election, a check every second. */
  static final Map<String, String> FAST_CHECK =
      Map.of(
          "PULLPOLICY_LEADER_ELECTION_ENABLED",
          "false",
          "PULLPOLICY_ADMISSION_CHECK_INTERVAL",
          "1s");

  private static OperatorProcess operator;

  @BeforeAll
  static void operatorWithoutAdmission(TestCluster cluster, KubernetesClient client) {
    OperatorProcess.stopShared(cluster);
    ServiceAccountAdmission.uninstall(client);
    operator = OperatorProcess.start(cluster, "admission-status", FAST_CHECK);
  }

  @AfterAll
  static void stopIt(KubernetesClient client) {
    operator.close();
    ServiceAccountAdmission.uninstall(client);
  }

  @Test
  void conditionFollowsTheAdmissionPolicyAndReadyDoesNot(
      TestCluster cluster, KubernetesClient client) {
    String src = cluster.newNamespace("adm-status-src");
    Workloads.dockerConfigSecret(
        client, src, "creds", "{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
    String ns = cluster.newNamespace("adm-status");
    String policy = cluster.uniqueName("adm-status");
    Policies.create(
        client,
        policy,
        """
          sources: [{namespace: %s, name: creds}]
          namespaces: {include: [%s]}
        """
            .formatted(src, ns));

    Condition off = awaitAdmission(client, policy, AdmissionActiveReason.NotInstalled);
    assertThat(off.getStatus()).isEqualTo("False");
    assertThat(off.getMessage())
        .startsWith(
            "MutatingAdmissionPolicy and MutatingAdmissionPolicyBinding "
                + ServiceAccountAdmission.NAME
                + " not installed");
    assertThat(ready(client, policy)).isEqualTo("True");
    assertThat(statusLine(cluster, policy))
        .isEqualTo("Admission:   False (NotInstalled): " + off.getMessage());

    ServiceAccountAdmission.install(cluster);
    Condition on = awaitAdmission(client, policy, AdmissionActiveReason.Installed);
    assertThat(on.getStatus()).isEqualTo("True");
    assertThat(ready(client, policy)).isEqualTo("True");
    assertThat(statusLine(cluster, policy))
        .isEqualTo(
            "Admission:   True (Installed): the API server adds the entry to ServiceAccounts as"
                + " they are created (MutatingAdmissionPolicy "
                + ServiceAccountAdmission.NAME
                + ")");

    ServiceAccountAdmission.removeBinding(client);
    Condition unbound = awaitAdmission(client, policy, AdmissionActiveReason.NotInstalled);
    assertThat(unbound.getMessage())
        .startsWith("MutatingAdmissionPolicyBinding " + ServiceAccountAdmission.NAME);
    assertThat(ready(client, policy)).isEqualTo("True");
  }

  /** Waits until the policy's AdmissionActive condition has this reason, and returns it. */
  static Condition awaitAdmission(
      KubernetesClient client, String policy, AdmissionActiveReason reason) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              PullCredentialPolicy p =
                  client.resources(PullCredentialPolicy.class).withName(policy).get();
              return p == null || p.getStatus() == null
                  ? null
                  : p.getStatus().condition(ConditionType.AdmissionActive);
            },
            c -> c != null && reason.name().equals(c.getReason()));
  }

  static String ready(KubernetesClient client, String policy) {
    Condition c =
        client
            .resources(PullCredentialPolicy.class)
            .withName(policy)
            .get()
            .getStatus()
            .condition(ConditionType.Ready);
    return c == null ? null : c.getStatus();
  }

  /** The line of {@code kubectl pullpolicy status POLICY} that starts with "Admission:". */
  static String statusLine(TestCluster cluster, String policy) {
    CommandResult r = cluster.kubectl("pullpolicy", "status", policy, "--no-color");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    return r.stdout()
        .lines()
        .filter(l -> l.startsWith("Admission:"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Admission line in\n" + r.stdout()));
  }
}
