package dev.pullpolicy.systemtest.plugin;

import static dev.pullpolicy.systemtest.plugin.PluginFixtures.PASSWORD;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.awaitServiceAccount;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.dockerConfigJson;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.pullSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.api.v1alpha1.Target;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl pullpolicy list}, {@code status} and {@code create} through the real kubectl,
 * against the real API server, reporting what the real operator did.
 */
@SystemTest
class PluginStatusIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  @Test
  void listAndStatusShowWhatThePolicyDidPerNamespace(TestCluster cluster, KubernetesClient client)
      throws Exception {
    String prefix = cluster.uniqueName("pp-status");
    String src = cluster.newNamespace(prefix + "-src");
    String synced = cluster.newNamespace(prefix + "-a");
    String conflict = cluster.newNamespace(prefix + "-b");
    String ignored = cluster.newNamespace(prefix + "-c");
    client
        .namespaces()
        .withName(ignored)
        .edit(
            n -> {
              n.getMetadata().setAnnotations(Map.of(PullPolicyLabels.IGNORE, "true"));
              return n;
            });
    String json = dockerConfigJson("registry.acme.io");
    pullSecret(client, src, "creds", json, null);
    pullSecret(client, conflict, "acme-pull", dockerConfigJson("someone.else.io"), null);
    awaitServiceAccount(client, conflict, "default");
    String name = cluster.uniqueName("pp-acme");

    PullCredentialPolicy policy = new PullCredentialPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    spec.setSources(List.of(new SecretReference(src, "creds")));
    Target target = new Target();
    target.setSecretName("acme-pull");
    spec.setTarget(target);
    NamespaceSelection namespaces = new NamespaceSelection();
    namespaces.setInclude(List.of(prefix + "-a-*", prefix + "-b-*", prefix + "-c-*"));
    spec.setNamespaces(namespaces);
    policy.setSpec(spec);
    policy.setStatus(null);
    client.resources(PullCredentialPolicy.class).resource(policy).create();
    try {
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                CommandResult status = cluster.kubectl("pullpolicy", "status", name);
                assertThat(status.stdout())
                    .as(status.describe())
                    .containsPattern("(?m)^" + synced + " +Synced +1/1\\s*$")
                    .containsPattern("(?m)^" + conflict + " +Conflict +0/1 ")
                    .containsPattern("(?m)^" + ignored + " +Ignored +-\\s*$");
              });
      CommandResult status = cluster.kubectl("pullpolicy", "status", name);
      assertThat(status.exitCode())
          .as("a conflict is not Ready: a problem found\n" + status.describe())
          .isEqualTo(1);
      assertThat(status.stdout())
          .as(status.describe())
          .startsWith("Policy:      " + name + "\nReady:       False (NotAllSynced)")
          .contains("Sources:     " + src + "/creds\n")
          .contains("Secret:      acme-pull\n")
          .containsPattern("(?m)^NAMESPACE +COPY +SERVICEACCOUNTS +ERROR$")
          .doesNotContain(PASSWORD);
      assertThat(status.stderr()).isEmpty();

      CommandResult list = cluster.kubectl("pullpolicy", "list");
      assertThat(list.exitCode()).as(list.describe()).isZero();
      assertThat(list.stdout())
          .as(list.describe())
          .containsPattern("(?m)^NAME +READY +SOURCES +NAMESPACES +SERVICEACCOUNTS +AGE$")
          .containsPattern("(?m)^" + name + " +False +" + src + "/creds +1/2 +\\d+/\\d+ +\\d+s$");

      CommandResult asJson = cluster.kubectl("pullpolicy", "status", name, "-o", "json");
      JsonNode tree = new ObjectMapper().readTree(asJson.stdout());
      assertThat(tree.get("policy").asText()).isEqualTo(name);
      assertThat(tree.get("namespaces").get(0).get("copy").asText()).isEqualTo("Synced");

      CommandResult noHeaders = cluster.kubectl("pullpolicy", "list", "--no-headers", "-o", "wide");
      assertThat(noHeaders.stdout())
          .doesNotContain("NAME ")
          .containsPattern("(?m)^" + name + " .* acme-pull +registry.acme.io +NotAllSynced$");

      // doctor lists the ServiceAccount that lacks the policy's entry where the operator may not
      // write the copy
      CommandResult doctor = cluster.kubectl("pullpolicy", "doctor", "-n", conflict);
      assertThat(doctor.exitCode()).as(doctor.describe()).isEqualTo(1);
      assertThat(doctor.stdout())
          .containsPattern("(?m)^" + conflict + " +default +" + name + " +acme-pull$");
    } finally {
      client.resources(PullCredentialPolicy.class).withName(name).delete();
    }
  }

  @Test
  void statusOfAnUnknownPolicyCannotRunAndSaysWhyOnStderr(TestCluster cluster) {
    CommandResult r = cluster.kubectl("pullpolicy", "status", "no-such-policy-here");
    assertThat(r.exitCode()).as("could not run: exit 3\n" + r.describe()).isEqualTo(3);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr())
        .isEqualTo(
            "error: pullcredentialpolicies.pullpolicy.dev \"no-such-policy-here\" not found\n");
  }

  @Test
  void createMakesAPolicyTheServerAccepts(TestCluster cluster, KubernetesClient client) {
    String name = cluster.uniqueName("pp-create");
    String never = cluster.uniqueName("pp-nothing") + "-*";
    CommandResult serverDryRun =
        cluster.kubectl(
            "pullpolicy",
            "create",
            name,
            "--from-secret",
            "pullpolicy-system/creds",
            "--include",
            never,
            "--dry-run=server");
    assertThat(serverDryRun.exitCode()).as(serverDryRun.describe()).isZero();
    assertThat(client.resources(PullCredentialPolicy.class).withName(name).get()).isNull();

    CommandResult r =
        cluster.kubectl(
            "pullpolicy",
            "create",
            name,
            "--from-secret",
            "pullpolicy-system/creds",
            "--include",
            never,
            "--service-accounts",
            "default,builder");
    try {
      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(r.stdout())
          .isEqualTo("pullcredentialpolicy.pullpolicy.dev/" + name + " created\n");
      PullCredentialPolicy created =
          client.resources(PullCredentialPolicy.class).withName(name).get();
      assertThat(created.getSpec().getNamespaces().getInclude()).containsExactly(never);
      assertThat(created.getSpec().getServiceAccounts().getNames())
          .containsExactly("default", "builder");

      CommandResult again =
          cluster.kubectl("pullpolicy", "create", name, "--from-secret", "pullpolicy-system/creds");
      assertThat(again.exitCode()).as(again.describe()).isEqualTo(3);
      assertThat(again.stderr())
          .isEqualTo(
              "error: pullcredentialpolicies.pullpolicy.dev \"" + name + "\" already exists\n");
    } finally {
      client.resources(PullCredentialPolicy.class).withName(name).delete();
    }
  }

  @Test
  void createDryRunNeedsNoCluster(TestCluster cluster) {
    CommandResult r =
        cluster.kubectl(
            Map.of("KUBECONFIG", "/nonexistent/kubeconfig"),
            "pullpolicy",
            "create",
            "acme",
            "--from-secret",
            "pullpolicy-system/acme-creds",
            "--dry-run=client",
            "-o",
            "yaml");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout())
        .isEqualTo(
            """
            apiVersion: pullpolicy.dev/v1alpha1
            kind: PullCredentialPolicy
            metadata:
              name: acme
            spec:
              sources:
              - namespace: pullpolicy-system
                name: acme-creds
              onConflict: Skip
              onDelete: Delete
            """);
  }
}
