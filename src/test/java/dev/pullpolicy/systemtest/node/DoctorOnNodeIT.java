package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.SELECTED_BY;
import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitDefaultServiceAccount;
import static dev.pullpolicy.systemtest.node.NodeFixtures.record;
import static dev.pullpolicy.systemtest.node.NodeFixtures.usePullSecret;
import static dev.pullpolicy.systemtest.support.Workloads.awaitPod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.NeedsNode;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.TestNode;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl pullpolicy doctor} through the real kubectl, against Pods whose start the real
 * kubelet failed, one namespace per cause: each test asserts what the kubelet wrote (the waiting
 * reason and message, the Events) and what doctor makes of it. The output of each run records those
 * texts ({@code [kubelet]} lines) and doctor's words ({@code [doctor]} lines).
 */
@SystemTest
@NeedsNode
class DoctorOnNodeIT {

  private static final String WRONG_PASSWORD = "not-the-registry-password";

  @Test
  void aPodWithoutPullSecretIsDiagnosedAsNoPullSecret(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-none");
    Pod pod = failedPull(client, ns, node.helloImage(), "no pull Secret");
    assertThat(message(pod)).endsWith("authorization failed: no basic auth credentials");

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("NoPullSecret");
    assertThat(d.get("detail").asText())
        .contains("the node's own credentials or a credential-provider plugin may still apply")
        .doesNotContain("anonymous");
  }

  @Test
  void aWrongPasswordIsDiagnosedAsACredentialTheRegistryRejected(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-401");
    usePullSecret(client, ns, "registry", node.dockerConfigJson(node.username(), WRONG_PASSWORD));
    Pod pod = failedPull(client, ns, node.helloImage(), "wrong password");
    assertThat(message(pod)).endsWith("/v2/pullpolicy/hello/manifests/1: 401 Unauthorized");
    assertThat(Workloads.events(client, ns, "app"))
        .contains(
            "Warning Failed: Failed to pull image \"" + node.helloImage() + "\": " + message(pod));

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("CredentialRejected");
    assertThat(d.get("detail").asText())
        .isEqualTo(
            "registry "
                + node.registry()
                + " rejected the credential of Secret registry for "
                + node.registry()
                + " (it was sent and refused)");
    assertThat(d.toString()).doesNotContain(WRONG_PASSWORD);
  }

  @Test
  void aTagThatDoesNotExistIsDiagnosedAsImageNotFound(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-tag");
    usePullSecret(client, ns, "registry", node.dockerConfigJson());
    String image = node.image("hello:no-such-tag");
    Pod pod = failedPull(client, ns, image, "tag that does not exist");
    assertThat(message(pod))
        .startsWith("rpc error: code = NotFound desc = failed to pull and unpack image")
        .endsWith("failed to resolve image: " + image + ": not found");

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("ImageNotFound");
    assertThat(d.get("detail").asText())
        .startsWith("registry " + node.registry() + " answered that " + image + " does not exist");
  }

  @Test
  void aCredentialForAnotherRegistryIsDiagnosedAsNoMatchingCredential(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-other");
    usePullSecret(
        client,
        ns,
        "registry",
        TestNode.dockerConfigJson("registry.other.example", node.username(), node.password()));
    Pod pod = failedPull(client, ns, node.helloImage(), "credential for another registry");
    assertThat(message(pod)).endsWith("authorization failed: no basic auth credentials");

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("NoMatchingCredential");
    assertThat(d.get("detail").asText()).contains("they cover registry.other.example");
  }

  @Test
  void anUnparsableSecretIsDiagnosedAsSecretUnparsableFromTheKubeletsRawError(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-unparsable");
    // Valid JSON (the API server checks that much) whose "auth" is not base64.
    usePullSecret(
        client, ns, "registry", "{\"auths\":{\"" + node.registry() + "\":{\"auth\":\"%%%\"}}}");
    Pod pod = startFailed(client, ns, node.helloImage(), "unparsable pull Secret");
    String error = "illegal base64 data at input byte 0";
    assertThat(Workloads.waiting(pod).orElseThrow().getReason()).isEqualTo(error);
    assertThat(message(pod)).isEqualTo(error);
    assertThat(Workloads.awaitEvent(client, ns, "app", "Error: " + error))
        .contains("Warning Failed: Error: " + error)
        .noneMatch(e -> e.contains("Pulling"));

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("waiting").asText()).isEqualTo(error);
    assertThat(d.get("cause").asText()).isEqualTo("SecretUnparsable");
    assertThat(d.get("detail").asText())
        .isEqualTo(
            "Secret registry .dockerconfigjson: registry "
                + node.registry()
                + ": \"auth\" is not valid base64; the kubelet cannot build its keyring from the"
                + " Pod's Secrets (it says: "
                + error
                + "), so it pulls no image of this Pod and asks no registry");
  }

  @Test
  void anImageNameTheKubeletRefusesIsDiagnosedAsInvalidImage(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-invalid");
    awaitDefaultServiceAccount(client, ns);
    String image = node.registry() + "/PullPolicy/Hello:1"; // the API server takes it
    Pod pod =
        startFailed(
            client, ns, image, "image name the kubelet refuses", "InvalidImageName"::equals);
    assertThat(message(pod))
        .isEqualTo(
            "Failed to apply default image tag \""
                + image
                + "\": couldn't parse image name \""
                + image
                + "\": invalid reference format: repository name (PullPolicy/Hello) must be"
                + " lowercase");

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("InvalidImage");
    assertThat(d.get("message").asText()).isEqualTo(message(pod));
  }

  @Test
  void aNeverPulledImageNotOnTheNodeIsDiagnosedAsImageNeverPulled(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-never");
    awaitDefaultServiceAccount(client, ns);
    String image = node.image("hello:never-on-the-node");
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("app")
                .endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(2L)
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .withImagePullPolicy("Never")
                .endContainer()
                .endSpec()
                .build())
        .create();
    Pod pod = awaitWaiting(client, ns, "ErrImageNeverPull"::equals);
    record("imagePullPolicy Never, image not on the node", client, pod);
    assertThat(message(pod))
        .isEqualTo("Container image \"" + image + "\" is not present with pull policy of Never");

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("ImageNeverPulled");
    assertThat(d.get("detail").asText()).contains("on node " + node.nodeName());
  }

  @Test
  void aPortWhereNothingListensIsDiagnosedAsAnUnreachableRegistry(
      TestCluster cluster, KubernetesClient client) throws Exception {
    String ns = cluster.newNamespace("doctor-refused");
    String image = "localhost:1/pullpolicy/hello:1";
    Pod pod = failedPull(client, ns, image, "registry port where nothing listens");
    assertThat(message(pod)).contains("connection refused");

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("RegistryUnreachable");
    assertThat(d.get("detail").asText())
        .isEqualTo(
            "nothing accepts the node's connections at registry localhost:1; no registry"
                + " answered, so credentials played no part yet");
  }

  @Test
  void aRegistryWhoseCertificateTheNodeDoesNotTrustIsDiagnosedAsUnreachable(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-tls");
    usePullSecret(client, ns, "registry", node.dockerConfigJson());
    // The same registry under the node's host name: containerd has its CA for localhost:PORT only
    // (the node script names the node after the host when that name resolves to loopback).
    assumeThat(node.nodeName())
        .as("the host's name resolves to loopback, so the node is not named localhost")
        .isNotEqualTo("localhost");
    String registry = node.nodeName() + node.registry().substring("localhost".length());
    String image = registry + "/pullpolicy/hello:1";
    Pod pod = failedPull(client, ns, image, "registry with a certificate the node does not trust");
    assertThat(message(pod)).contains("x509: certificate");

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("RegistryUnreachable");
    assertThat(d.get("detail").asText()).startsWith("TLS with registry " + registry + " failed");
  }

  @Test
  void aPodCreatedBeforeItsServiceAccountGotTheSecretIsDiagnosedAsPredatingIt(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-early");
    Pod pod =
        failedPull(client, ns, node.helloImage(), "Pod created before its ServiceAccount's entry");
    usePullSecret(client, ns, "registry", node.dockerConfigJson());

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("PodPredatesServiceAccount");
    assertThat(d.get("fix").asText())
        .isEqualTo(
            "recreate the Pod (it has no controller): kubectl get pod -n "
                + ns
                + " app -o yaml | kubectl replace --force -f -");
  }

  @Test
  void aNamespaceOptedOutOfThePolicyThatSelectsItIsSaidSo(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String policy = cluster.uniqueName("doctor-optout");
    String src = cluster.newNamespace("doctor-src");
    Workloads.dockerConfigSecret(client, src, "registry-creds", node.dockerConfigJson());
    Policies.create(
        client,
        policy,
        """
          sources: [{namespace: %s, name: registry-creds}]
          namespaces: {selector: {matchLabels: {%s: %s}}}
        """
            .formatted(src, SELECTED_BY, policy));
    String ns =
        cluster.newNamespace(
            "doctor-optout", Map.of(SELECTED_BY, policy), Map.of(PullPolicyLabels.IGNORE, "true"));
    Pod pod = failedPull(client, ns, node.helloImage(), "opted-out namespace");
    assertThat(message(pod)).endsWith("authorization failed: no basic auth credentials");

    JsonNode d = doctor(cluster, ns, pod);
    assertThat(d.get("cause").asText()).isEqualTo("NamespaceOptedOut");
    assertThat(d.get("detail").asText())
        .contains(
            "namespace "
                + ns
                + " opts out (annotation pullpolicy.dev/ignore: \"true\") of PullCredentialPolicy "
                + policy
                + ", which would select it otherwise");
    assertThat(d.get("fix").asText())
        .contains("kubectl annotate namespace " + ns + " pullpolicy.dev/ignore-")
        .doesNotContain("create a PullCredentialPolicy");
  }

  /** Creates Pod {@code app} of {@code image} and waits until the kubelet failed its pull. */
  private static Pod failedPull(KubernetesClient client, String ns, String image, String what) {
    awaitDefaultServiceAccount(client, ns);
    Workloads.pod(client, ns, "app", image);
    Pod pod = awaitPod(client, ns, "app", Workloads::pullFailed);
    record(what, client, pod);
    assertThat(message(pod)).contains("failed to pull and unpack image \"" + image + "\": ");
    assertThat(Workloads.awaitEvent(client, ns, "app", "Failed to pull image"))
        .contains("Normal Pulling: Pulling image \"" + image + "\"");
    return pod;
  }

  /** Creates Pod {@code app} and waits until it waits with a reason other than creating. */
  private static Pod startFailed(KubernetesClient client, String ns, String image, String what) {
    return startFailed(client, ns, image, what, r -> !"ContainerCreating".equals(r));
  }

  private static Pod startFailed(
      KubernetesClient client, String ns, String image, String what, Predicate<String> reason) {
    Workloads.pod(client, ns, "app", image);
    Pod pod = awaitWaiting(client, ns, reason);
    record(what, client, pod);
    return pod;
  }

  private static Pod awaitWaiting(KubernetesClient client, String ns, Predicate<String> reason) {
    return awaitPod(
        client,
        ns,
        "app",
        p ->
            Workloads.waiting(p)
                .map(w -> w.getReason() != null && reason.test(w.getReason()))
                .orElse(false));
  }

  private static String message(Pod pod) {
    return Workloads.waiting(pod).orElseThrow().getMessage();
  }

  /** Runs doctor for the namespace (JSON), expects exit 1 and the one Pod; returns its entry. */
  static JsonNode doctor(TestCluster cluster, String ns, Pod pod) throws Exception {
    CommandResult r = cluster.kubectl("pullpolicy", "doctor", "-n", ns, "-o", "json");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    JsonNode pods = new ObjectMapper().readTree(r.stdout()).get("pods");
    assertThat(pods).as(r.stdout()).hasSize(1);
    JsonNode p = pods.get(0);
    assertThat(p.get("pod").asText()).isEqualTo(pod.getMetadata().getName());
    System.err.println(
        "[doctor] "
            + ns
            + ": "
            + p.get("cause").asText()
            + "\n  why: "
            + p.get("detail").asText()
            + "\n  fix: "
            + p.get("fix").asText());
    return p;
  }
}
