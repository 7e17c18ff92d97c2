package dev.pullpolicy.systemtest.plugin;

import static dev.pullpolicy.systemtest.plugin.PluginFixtures.PASSWORD;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.awaitServiceAccount;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.copyAsTheOperatorWould;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.dockerConfigJson;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.pullSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.api.v1alpha1.Failure;
import dev.pullpolicy.api.v1alpha1.NamespaceCounts;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.api.v1alpha1.ServiceAccountCounts;
import dev.pullpolicy.api.v1alpha1.Target;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl pullpolicy list}, {@code status} and {@code create} through the real kubectl,
 * against the real API server.
 *
 * <p>With the operator built ({@code operator/target/quarkus-app/quarkus-run.jar}) the test runs it
 * and checks what it did; without it, the test makes the copies, the ServiceAccount entries and the
 * status the operator would have made, so that the plugin is still tested against a real server
 * (marked "simulated" in the assertion messages).
 */
@SystemTest
class PluginStatusIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static boolean operatorBuilt(TestCluster cluster) {
    return Files.exists(cluster.repoRoot().resolve("operator/target/quarkus-app/quarkus-run.jar"));
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
      boolean real = operatorBuilt(cluster);
      if (real) {
        OperatorProcess.shared(cluster);
      } else {
        copyAsTheOperatorWould(client, name, synced, "acme-pull", json);
        writeStatusAsTheOperatorWould(client, name, synced, conflict);
      }
      String mode = real ? "with the operator" : "simulated operator";

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                CommandResult status = cluster.kubectl("pullpolicy", "status", name);
                assertThat(status.stdout())
                    .as(mode + "\n" + status.describe())
                    .containsPattern("(?m)^" + synced + " +Synced +1/1\\s*$")
                    .containsPattern("(?m)^" + conflict + " +Conflict +0/1 ")
                    .containsPattern("(?m)^" + ignored + " +Ignored +-\\s*$");
              });
      CommandResult status = cluster.kubectl("pullpolicy", "status", name);
      assertThat(status.exitCode())
          .as(mode + ": a conflict is not Ready\n" + status.describe())
          .isEqualTo(1);
      assertThat(status.stdout())
          .as(status.describe())
          .startsWith("Policy:      " + name + "\nReady:       False")
          .contains("Sources:     " + src + "/creds\n")
          .contains("Secret:      acme-pull\n")
          .containsPattern("(?m)^NAMESPACE +COPY +SERVICEACCOUNTS +ERROR$")
          .doesNotContain(PASSWORD);
      assertThat(status.stderr()).isEmpty();

      CommandResult list = cluster.kubectl("pullpolicy", "list");
      assertThat(list.exitCode()).as(list.describe()).isZero();
      assertThat(list.stdout())
          .as(mode + "\n" + list.describe())
          .containsPattern("(?m)^NAME +READY +SOURCES +NAMESPACES +SERVICEACCOUNTS +AGE$")
          .containsPattern("(?m)^" + name + " +False +" + src + "/creds +1/2 +\\d+/\\d+ +\\d+s$");

      CommandResult asJson = cluster.kubectl("pullpolicy", "status", name, "-o", "json");
      JsonNode tree = new ObjectMapper().readTree(asJson.stdout());
      assertThat(tree.get("policy").asText()).isEqualTo(name);
      assertThat(tree.get("namespaces").get(0).get("copy").asText()).isEqualTo("Synced");

      CommandResult noHeaders = cluster.kubectl("pullpolicy", "list", "--no-headers", "-o", "wide");
      assertThat(noHeaders.stdout()).doesNotContain("NAME ").contains("acme-pull");

      if (!real) {
        // A copy whose data no longer matches the source is Stale.
        client
            .secrets()
            .inNamespace(synced)
            .withName("acme-pull")
            .edit(
                s -> {
                  s.setData(
                      Map.of(
                          ".dockerconfigjson",
                          PluginFixtures.base64(dockerConfigJson("old.acme.io"))));
                  return s;
                });
        CommandResult stale = cluster.kubectl("pullpolicy", "status", name);
        assertThat(stale.stdout()).containsPattern("(?m)^" + synced + " +Stale +1/1\\s*$");

        // doctor lists the ServiceAccount that lacks the policy's entry.
        CommandResult doctor = cluster.kubectl("pullpolicy", "doctor", "-n", conflict);
        assertThat(doctor.exitCode()).as(doctor.describe()).isEqualTo(1);
        assertThat(doctor.stdout())
            .containsPattern("(?m)^" + conflict + " +default +" + name + " +acme-pull$");
      }
    } finally {
      client.resources(PullCredentialPolicy.class).withName(name).delete();
    }
  }

  private static void writeStatusAsTheOperatorWould(
      KubernetesClient client, String name, String synced, String conflict) {
    PullCredentialPolicy p = client.resources(PullCredentialPolicy.class).withName(name).get();
    PullCredentialPolicyStatus st = new PullCredentialPolicyStatus();
    st.setObservedGeneration(p.getMetadata().getGeneration());
    st.setConditions(
        List.of(
            new ConditionBuilder()
                .withType(PullPolicyLabels.CONDITION_READY)
                .withStatus("False")
                .withReason("Conflicts")
                .withMessage("1 namespace has a Secret acme-pull that pullpolicy does not manage")
                .withObservedGeneration(p.getMetadata().getGeneration())
                .withLastTransitionTime(Instant.now().toString())
                .build()));
    st.setRegistries(List.of("registry.acme.io"));
    st.setNamespaces(new NamespaceCounts(2, 1, 0, 1, 1));
    ServiceAccountCounts sas = new ServiceAccountCounts();
    sas.setSelected(2);
    sas.setPatched(1);
    st.setServiceAccounts(sas);
    st.setFailures(
        List.of(
            new Failure(
                conflict, "Conflict", "Secret acme-pull exists and is not managed by pullpolicy")));
    p.setStatus(st);
    client.resources(PullCredentialPolicy.class).resource(p).updateStatus();
  }

  @Test
  void statusOfAnUnknownPolicyIsAnErrorOnStderr(TestCluster cluster) {
    CommandResult r = cluster.kubectl("pullpolicy", "status", "no-such-policy-here");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
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
      assertThat(again.exitCode()).isEqualTo(1);
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
