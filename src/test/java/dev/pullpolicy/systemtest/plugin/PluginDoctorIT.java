package dev.pullpolicy.systemtest.plugin;

import static dev.pullpolicy.systemtest.plugin.PluginFixtures.PASSWORD;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.addPullSecretToServiceAccount;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.dockerConfigJson;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.failingPod;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.pullSecret;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.setWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl pullpolicy doctor} and {@code explain} through the real kubectl, against the real
 * API server. No kubelet runs there: the tests set the Pods' container statuses to ErrImagePull /
 * ImagePullBackOff through the status subresource, as a kubelet would.
 */
@SystemTest
class PluginDoctorIT {

  @Test
  void doctorTellsWhyEachPodCannotPullAndWhatToDo(TestCluster cluster, KubernetesClient client)
      throws Exception {
    String ns = cluster.newNamespace("pp-doctor");
    pullSecret(client, ns, "acme", dockerConfigJson("registry.acme.io", "*.acme.dev"), null);
    // Valid JSON (the API server checks that much) whose "auth" is not base64: the kubelet then
    // fails to build its keyring, and every pull of a Pod that names it fails.
    pullSecret(client, ns, "broken", "{\"auths\":{\"eu.acme.dev\":{\"auth\":\"%%%\"}}}", null);
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("opaque")
                .endMetadata()
                .withType("Opaque")
                .addToStringData("password", PASSWORD)
                .build())
        .create();
    // Created while the ServiceAccount has no pull secret: admission gives it none.
    failingPod(client, ns, "early", "registry.acme.io/app:1", "ImagePullBackOff");
    addPullSecretToServiceAccount(client, ns, "default", "acme");
    // Created after: admission copies the ServiceAccount's pull secret into them.
    failingPod(client, ns, "other-registry", "ghcr.io/org/app:1", "ErrImagePull");
    failingPod(client, ns, "wrong-tag", "registry.acme.io/app:no-such-tag", "ErrImagePull");
    failingPod(client, ns, "gone", "registry.acme.io/app:1", "ImagePullBackOff", "gone");
    failingPod(client, ns, "wrong-type", "registry.acme.io/app:1", "ImagePullBackOff", "opaque");
    failingPod(client, ns, "unparsable", "eu.acme.dev/app:1", "ImagePullBackOff", "broken");
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("pending-but-fine")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("registry.acme.io/app:1")
                .endContainer()
                .endSpec()
                .build())
        .create();

    CommandResult r = cluster.kubectl("pullpolicy", "doctor", "-n", ns);

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stderr()).as(r.describe()).isEmpty();
    assertThat(r.stdout())
        .contains(
            "Pod " + ns + "/early, container app (ImagePullBackOff): PodPredatesServiceAccount\n")
        .contains(
            "  fix:     recreate the Pod (it has no controller): kubectl get pod -n "
                + ns
                + " early -o yaml | kubectl replace --force -f -\n")
        .contains(
            "Pod " + ns + "/other-registry, container app (ErrImagePull): NoMatchingCredential\n")
        .contains("they cover registry.acme.io, *.acme.dev")
        .contains("Pod " + ns + "/wrong-tag, container app (ErrImagePull): CredentialMatches\n")
        .contains("Pod " + ns + "/gone, container app (ImagePullBackOff): SecretMissing\n")
        .contains("Pod " + ns + "/wrong-type, container app (ImagePullBackOff): SecretWrongType\n")
        .contains("Pod " + ns + "/unparsable, container app (ImagePullBackOff): SecretUnparsable\n")
        .doesNotContain("pending-but-fine")
        .doesNotContain(PASSWORD)
        .endsWith("6 containers cannot pull, 0 ServiceAccounts without its entry.\n");

    CommandResult json = cluster.kubectl("pullpolicy", "doctor", "-n", ns, "-o", "json");
    assertThat(json.exitCode()).as(json.describe()).isEqualTo(1);
    JsonNode tree = new ObjectMapper().readTree(json.stdout());
    Map<String, String> causes = new HashMap<>();
    tree.get("pods").forEach(p -> causes.put(p.get("pod").asText(), p.get("cause").asText()));
    assertThat(causes)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "early", "PodPredatesServiceAccount",
                "other-registry", "NoMatchingCredential",
                "wrong-tag", "CredentialMatches",
                "gone", "SecretMissing",
                "wrong-type", "SecretWrongType",
                "unparsable", "SecretUnparsable"));
    assertThat(json.stdout()).doesNotContain(PASSWORD);
  }

  @Test
  void doctorSaysSoWhenTheNamespaceDoesNotExist(TestCluster cluster) {
    String typo = cluster.uniqueName("no-such-namespace");

    CommandResult r = cluster.kubectl("pullpolicy", "doctor", "-n", typo);

    assertThat(r.exitCode()).as("could not run, not a problem found: " + r.describe()).isEqualTo(3);
    assertThat(r.stdout()).as(r.describe()).isEmpty();
    assertThat(r.stderr())
        .as(r.describe())
        .isEqualTo("error: namespaces \"" + typo + "\" not found\n");
  }

  @Test
  void doctorIsHealthyWhenNoPodWaitsOnAPull(TestCluster cluster) {
    String ns = cluster.newNamespace("pp-healthy");
    CommandResult r = cluster.kubectl("pullpolicy", "doctor", "-n", ns);
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout())
        .startsWith("No problem found: no Pod in namespace " + ns + " waits on an image pull");
  }

  @Test
  void doctorAndExplainCarryOnWithoutPermissionToReadSecrets(
      TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("pp-noread");
    pullSecret(client, ns, "acme", dockerConfigJson("registry.acme.io"), null);
    failingPod(client, ns, "web", "registry.acme.io/app:1", "ImagePullBackOff", "acme");
    addPullSecretToServiceAccount(client, ns, "default", "acme");
    String user = cluster.uniqueName("pp-viewer");
    client
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(user)
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("pods", "serviceaccounts", "namespaces")
                .withVerbs("get", "list")
                .endRule()
                .addNewRule()
                .withApiGroups("pullpolicy.dev")
                .withResources("pullcredentialpolicies")
                .withVerbs("get", "list")
                .endRule()
                .build())
        .create();
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(user)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", user)
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName(user)
                .endSubject()
                .build())
        .create();
    try {
      Path kubeconfig = cluster.kubeconfigAs(user);
      CommandResult denied =
          cluster.kubectl(Map.of("KUBECONFIG", kubeconfig.toString()), "get", "secrets", "-n", ns);
      assertThat(denied.exitCode()).as("the user really may not read Secrets").isNotZero();

      CommandResult r =
          cluster.kubectl(
              Map.of("KUBECONFIG", kubeconfig.toString()), "pullpolicy", "doctor", "-n", ns);
      assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
      assertThat(r.stdout())
          .as(r.describe())
          .contains("Pod " + ns + "/web, container app (ImagePullBackOff): SecretsUnreadable")
          .contains(
              "Note: Secrets in namespace "
                  + ns
                  + " may not be read with these credentials: their type and registries were"
                  + " not checked");

      CommandResult explain =
          cluster.kubectl(
              Map.of("KUBECONFIG", kubeconfig.toString()),
              "pullpolicy",
              "explain",
              "registry.acme.io/app:1",
              "-n",
              ns);
      assertThat(explain.exitCode()).as(explain.describe()).isZero();
      assertThat(explain.stdout()).contains("acme     unreadable   could not be read (forbidden)");
    } finally {
      client.rbac().clusterRoleBindings().withName(user).delete();
      client.rbac().clusterRoles().withName(user).delete();
    }
  }

  @Test
  void explainShowsWhichCredentialTheKubeletWouldTry(TestCluster cluster, KubernetesClient client)
      throws Exception {
    String ns = cluster.newNamespace("pp-explain");
    pullSecret(client, ns, "team", dockerConfigJson("registry.acme.io:5000/team"), null);
    pullSecret(client, ns, "all", dockerConfigJson("https://registry.acme.io:5000"), null);
    pullSecret(client, ns, "hub", dockerConfigJson("https://index.docker.io/v1/"), null);
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("builder")
                .endMetadata()
                .addNewImagePullSecret("all")
                .addNewImagePullSecret("team")
                .addNewImagePullSecret("hub")
                .build())
        .create();

    CommandResult r =
        cluster.kubectl(
            "pullpolicy",
            "explain",
            "registry.acme.io:5000/team/app:1.0",
            "-n",
            ns,
            "--service-account",
            "builder");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout())
        .contains("Registry:        registry.acme.io:5000\n")
        .contains("Repository:      team/app\n")
        .contains("Pull policy:     IfNotPresent (default: tag 1.0)\n")
        .contains(
            """
              #   SECRET   KEY                          MATCHED
              1   team     registry.acme.io:5000/team   host, port and path
              2   all      registry.acme.io:5000        host, port and path
            """)
        .doesNotContain(PASSWORD);

    CommandResult hub =
        cluster.kubectl(
            "pullpolicy",
            "explain",
            "nginx",
            "-n",
            ns,
            "--service-account",
            "builder",
            "-o",
            "json");
    assertThat(hub.exitCode()).as(hub.describe()).isZero();
    JsonNode tree = new ObjectMapper().readTree(hub.stdout());
    assertThat(tree.get("name").asText()).isEqualTo("docker.io/library/nginx");
    assertThat(tree.get("defaultPullPolicy").asText()).isEqualTo("Always");
    assertThat(tree.get("credentials").get(0).get("secret").asText()).isEqualTo("hub");
    assertThat(tree.get("credentials").get(0).get("dockerHubFallback").asBoolean()).isTrue();

    CommandResult invalid = cluster.kubectl("pullpolicy", "explain", "Registry/App");
    assertThat(invalid.exitCode()).as(invalid.describe()).isEqualTo(2);
    assertThat(invalid.stderr()).startsWith("error: invalid image reference");
  }

  @Test
  void fixDeletesStuckPodsOfAControllerAndSaysOneLinePerPodWhereItMayNot(
      TestCluster cluster, KubernetesClient client) throws Exception {
    String ns = cluster.newNamespace("pp-fix");
    pullSecret(client, ns, "acme", dockerConfigJson("registry.acme.io"), null);
    PluginFixtures.awaitServiceAccount(client, ns, "default");
    String image = "registry.acme.io/app:1";
    // Its Pods are made while the ServiceAccount has no pull secret (nothing runs them here).
    client
        .apps()
        .replicaSets()
        .inNamespace(ns)
        .resource(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    List<String> stuck =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
                        .map(p -> p.getMetadata().getName())
                        .sorted()
                        .toList(),
                l -> l.size() == 2);
    stuck.forEach(p -> setWaiting(client, ns, p, image, "ImagePullBackOff"));
    addPullSecretToServiceAccount(client, ns, "default", "acme");

    String user = cluster.uniqueName("pp-no-delete");
    readOnlyUser(client, user);
    try {
      Map<String, String> asUser = Map.of("KUBECONFIG", cluster.kubeconfigAs(user).toString());
      CommandResult denied = cluster.kubectl(asUser, "pullpolicy", "doctor", "-n", ns, "--fix");
      assertThat(denied.exitCode()).as(denied.describe()).isEqualTo(1);
      assertThat(denied.stderr())
          .as(denied.describe())
          .isEqualTo(
              stuck.stream()
                  .map(
                      p ->
                          "error: cannot delete Pod "
                              + ns
                              + "/"
                              + p
                              + ": pods \""
                              + p
                              + "\" is forbidden: User \""
                              + user
                              + "\" cannot delete resource \"pods\" in API group \"\" in the"
                              + " namespace \""
                              + ns
                              + "\"\n")
                  .collect(Collectors.joining()));
      assertThat(denied.stdout()).endsWith("Deleted 0 Pods, 2 left.\n");
    } finally {
      client.rbac().clusterRoleBindings().withName(user).delete();
      client.rbac().clusterRoles().withName(user).delete();
    }

    CommandResult server =
        cluster.kubectl(
            "pullpolicy", "doctor", "-n", ns, "--fix", "--dry-run=server", "-o", "json");
    assertThat(server.exitCode()).as(server.describe()).isEqualTo(1);
    JsonNode fixes = new ObjectMapper().readTree(server.stdout()).get("fixes");
    assertThat(fixes).hasSize(2);
    fixes.forEach(f -> assertThat(f.get("outcome").asText()).isEqualTo("WOULD_DELETE"));

    CommandResult fix = cluster.kubectl("pullpolicy", "doctor", "-n", ns, "--fix");
    assertThat(fix.exitCode())
        .as("every problem found was a Pod its ReplicaSet makes again: " + fix.describe())
        .isZero();
    assertThat(fix.stdout()).endsWith("Deleted 2 Pods, 0 left.\n");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> client.pods().inNamespace(ns).withLabel("app", "web").list().getItems(),
            l ->
                l.size() == 2
                    && l.stream().noneMatch(p -> stuck.contains(p.getMetadata().getName()))
                    && l.stream().allMatch(p -> p.getSpec().getImagePullSecrets().size() == 1));
  }

  /** A user who may read all doctor reads, but not delete Pods. */
  private static void readOnlyUser(KubernetesClient client, String user) {
    client
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(user)
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("pods", "serviceaccounts", "namespaces", "secrets", "events")
                .withVerbs("get", "list")
                .endRule()
                .addNewRule()
                .withApiGroups("apps")
                .withResources("replicasets")
                .withVerbs("get")
                .endRule()
                .addNewRule()
                .withApiGroups("pullpolicy.dev")
                .withResources("pullcredentialpolicies")
                .withVerbs("get", "list")
                .endRule()
                .build())
        .create();
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(user)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", user)
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName(user)
                .endSubject()
                .build())
        .create();
  }
}
