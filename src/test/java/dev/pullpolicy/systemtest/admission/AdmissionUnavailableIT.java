package dev.pullpolicy.systemtest.admission;

import static dev.pullpolicy.systemtest.admission.AdmissionStatusIT.awaitAdmission;
import static dev.pullpolicy.systemtest.admission.AdmissionStatusIT.statusLine;
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
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An API server without MutatingAdmissionPolicies, as before Kubernetes 1.36: a control plane of
 * its own, started with the API and its admission plugin turned off. Installing deploy/'s admission
 * policy fails there (with kubectl's message), the operator says so on every policy
 * (AdmissionActive False, ApiUnavailable) and in {@code kubectl pullpolicy status}, and everything
 * else works as before: the copy, the ServiceAccount entry, Ready.
 */
@SystemTest
class AdmissionUnavailableIT {

  /** What turns the API off: its resources, and the admission plugin that would list them. */
  static final String WITHOUT_MUTATING_POLICIES =
      "--runtime-config=admissionregistration.k8s.io/v1/mutatingadmissionpolicies=false,"
          + "admissionregistration.k8s.io/v1/mutatingadmissionpolicybindings=false"
          + " --disable-admission-plugins=MutatingAdmissionPolicy";

  private static TestCluster old;

  @BeforeAll
  static void controlPlaneWithoutTheApi(TestCluster shared) {
    Assumptions.assumeTrue(
        shared.isLocal(), "needs the local control plane: it starts a second one, configured");
    old = TestCluster.startSeparate("no-mutating-policies", WITHOUT_MUTATING_POLICIES);
  }

  @AfterAll
  static void stopIt() {
    if (old != null) {
      old.close();
    }
  }

  @Test
  void withoutTheApiTheStatusSaysSoAndEverythingElseWorks() {
    KubernetesClient client = old.client();
    CommandResult install =
        old.kubectl(
            "apply",
            "-f",
            old.repoRoot().resolve("deploy").resolve(ServiceAccountAdmission.FILE).toString());
    assertThat(install.exitCode()).as(install.describe()).isNotZero();
    assertThat(install.stderr())
        .contains(
            "no matches for kind \"MutatingAdmissionPolicy\" in version"
                + " \"admissionregistration.k8s.io/v1\"");

    Map<String, String> env = new LinkedHashMap<>(AdmissionStatusIT.FAST_CHECK);
    env.put("KUBECONFIG", old.kubeconfig().toString());
    OperatorProcess.start(old, "admission-unavailable", env);
    String src = old.newNamespace("src");
    Workloads.dockerConfigSecret(
        client, src, "creds", "{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
    String policy = old.uniqueName("no-admission");
    Policies.create(
        client,
        policy,
        """
          sources: [{namespace: %s, name: creds}]
          namespaces: {include: ["team-*"]}
        """
            .formatted(src));
    String ns = old.newNamespace("team");

    Condition c = awaitAdmission(client, policy, AdmissionActiveReason.ApiUnavailable);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getMessage())
        .startsWith(
            "the API server does not serve admissionregistration.k8s.io/v1"
                + " MutatingAdmissionPolicies");
    // as today: the operator copies and patches, and the policy becomes Ready
    PullCredentialPolicy ready =
        await()
            .atMost(AdmissionStatusIT.TIMEOUT)
            .until(
                () -> client.resources(PullCredentialPolicy.class).withName(policy).get(),
                p ->
                    p.getStatus() != null
                        && "True".equals(p.getStatus().condition(ConditionType.Ready).getStatus())
                        && p.getStatus().getNamespaces().getSynced() == 1);
    assertThat(ready.getStatus().condition(ConditionType.AdmissionActive).getReason())
        .isEqualTo(AdmissionActiveReason.ApiUnavailable.name());
    assertThat(client.secrets().inNamespace(ns).withName(policy).get()).isNotNull();
    ServiceAccount def = client.serviceAccounts().inNamespace(ns).withName("default").get();
    assertThat(ServiceAccountAdmission.pullSecrets(def)).isEqualTo(List.of(policy));
    assertThat(statusLine(old, policy))
        .isEqualTo("Admission:   False (ApiUnavailable): " + c.getMessage());
  }
}
