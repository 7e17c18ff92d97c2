package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Unusable sources: reported on status and as an Event, copies untouched, recovery when fixed. */
@SystemTest
class BadSourceIT {

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  private static PullCredentialPolicy awaitInvalid(
      KubernetesClient client, String name, String reason) {
    return awaitPolicy(
        client,
        name,
        p -> {
          Condition c = condition(p, PullPolicyLabels.CONDITION_SOURCE_VALID);
          return c != null && "False".equals(c.getStatus()) && reason.equals(c.getReason());
        });
  }

  @Test
  void badSourcesAreReportedLeaveCopiesUntouchedAndRecover(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("bad");
    String src = cluster.newNamespace("src");
    String ns = cluster.newNamespace(prefix);
    String secretPassword = "s3cr3t-never-shown";
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));

    // missing, then created: recovery
    awaitInvalid(client, prefix, "SourceNotFound");
    source(client, src, "creds", "registry.acme.io", "ivan");
    awaitReady(client, prefix, 1);
    String goodRv = secret(client, ns, prefix).getMetadata().getResourceVersion();

    // each kind of bad input the API server lets through (it rejects non-JSON itself): reported,
    // copy untouched
    record Bad(String type, String key, String value, String reason) {}
    List<Bad> bads =
        List.of(
            // not a pull Secret: told exactly as a missing one (nothing about it is revealed)
            new Bad("Opaque", "whatever", "x", "SourceNotFound"),
            new Bad(
                "kubernetes.io/dockerconfigjson", ".dockerconfigjson", "{\"auths\":{}}", "NoAuths"),
            new Bad(
                "kubernetes.io/dockerconfigjson",
                ".dockerconfigjson",
                "{\"auths\":{\"registry.acme.io\":{\"auth\":\"%%%not-base64%%%\",\"password\":\""
                    + secretPassword
                    + "\"}}}",
                "BadAuth"),
            // the kubelet reads this without error but as one registry named "auths"
            new Bad(
                "kubernetes.io/dockercfg",
                ".dockercfg",
                "{\"auths\":{\"registry.acme.io\":{\"password\":\"" + secretPassword + "\"}}}",
                "WrongLayout"));
    for (Bad bad : bads) {
      raw(client, src, "creds", bad.type(), bad.key(), bad.value());
      PullCredentialPolicy p = awaitInvalid(client, prefix, bad.reason());
      assertThat(condition(p, PullPolicyLabels.CONDITION_READY).getStatus()).isEqualTo("False");
      assertThat(condition(p, PullPolicyLabels.CONDITION_SOURCE_VALID).getMessage())
          .contains(src + "/creds")
          .doesNotContain(secretPassword);
      assertThat(secret(client, ns, prefix).getMetadata().getResourceVersion()).isEqualTo(goodRv);
    }
    // a Warning Event on the policy, without the data
    List<Event> events =
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    client.v1().events().inNamespace("default").list().getItems().stream()
                        .filter(e -> prefix.equals(e.getInvolvedObject().getName()))
                        .toList(),
                l -> l.stream().anyMatch(e -> "BadAuth".equals(e.getReason())));
    assertThat(events).allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));
    assertThat(events).allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(secretPassword));

    // fixed: recovers and updates the copy
    source(client, src, "creds", "registry.acme.io", "ivan-fixed");
    awaitReady(client, prefix, 1);
    awaitSecret(client, ns, prefix, s -> configOf(s).contains("ivan-fixed"));
    String log = OperatorProcess.shared(cluster).log();
    assertThat(log).doesNotContain(secretPassword).doesNotContain("pw-ivan");
  }
}
