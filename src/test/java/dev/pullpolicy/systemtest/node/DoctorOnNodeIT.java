package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitDefaultServiceAccount;
import static dev.pullpolicy.systemtest.node.NodeFixtures.record;
import static dev.pullpolicy.systemtest.node.NodeFixtures.usePullSecret;
import static dev.pullpolicy.systemtest.support.Workloads.awaitPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.NeedsNode;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.TestNode;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl pullpolicy doctor} through the real kubectl, against Pods whose pulls the real
 * kubelet failed, one namespace per cause.
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

    assertThat(doctor(cluster, ns, pod)).isEqualTo("NoPullSecret");
  }

  @Test
  void aWrongPasswordIsDiagnosedAsAMatchingCredentialTheRegistryRejects(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-401");
    usePullSecret(client, ns, "registry", node.dockerConfigJson(node.username(), WRONG_PASSWORD));
    Pod pod = failedPull(client, ns, node.helloImage(), "wrong password");
    assertThat(message(pod)).endsWith("/v2/pullpolicy/hello/manifests/1: 401 Unauthorized");

    assertThat(doctor(cluster, ns, pod)).isEqualTo("CredentialMatches");
  }

  @Test
  void aTagThatDoesNotExistIsDiagnosedAsAMatchingCredential(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-tag");
    usePullSecret(client, ns, "registry", node.dockerConfigJson());
    String image = node.image("hello:no-such-tag");
    Pod pod = failedPull(client, ns, image, "tag that does not exist");
    assertThat(message(pod))
        .startsWith("rpc error: code = NotFound desc = failed to pull and unpack image")
        .endsWith("failed to resolve image: " + image + ": not found");

    assertThat(doctor(cluster, ns, pod)).isEqualTo("CredentialMatches");
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

    assertThat(doctor(cluster, ns, pod)).isEqualTo("NoMatchingCredential");
    assertThat(cluster.kubectl("pullpolicy", "doctor", "-n", ns).stdout())
        .contains("they cover registry.other.example");
  }

  @Test
  @Disabled(
      "issue 13: the kubelet does not report an unparsable pull Secret as ErrImagePull; the"
          + " container waits with reason and message 'illegal base64 data at input byte 0'"
          + " and one Event 'Error: illegal base64 data at input byte 0', no pull, so doctor"
          + " does not see the Pod")
  void anUnparsableSecretIsDiagnosedAsSecretUnparsable(
      TestCluster cluster, KubernetesClient client, TestNode node) throws Exception {
    String ns = cluster.newNamespace("doctor-unparsable");
    // Valid JSON (the API server checks that much) whose "auth" is not base64.
    usePullSecret(
        client, ns, "registry", "{\"auths\":{\"" + node.registry() + "\":{\"auth\":\"%%%\"}}}");
    Pod pod = unparsableSecretPod(client, ns, node.helloImage());

    assertThat(doctor(cluster, ns, pod)).isEqualTo("SecretUnparsable");
  }

  /** What the kubelet does with an unparsable pull Secret today (see issue 13). */
  @Test
  void theKubeletFailsAPodWithAnUnparsablePullSecretWithTheRawKeyringError(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    String ns = cluster.newNamespace("doctor-raw");
    usePullSecret(
        client, ns, "registry", "{\"auths\":{\"" + node.registry() + "\":{\"auth\":\"%%%\"}}}");
    Pod pod = unparsableSecretPod(client, ns, node.helloImage());
    String error = "illegal base64 data at input byte 0";
    assertThat(Workloads.waiting(pod).orElseThrow().getReason()).isEqualTo(error);
    assertThat(message(pod)).isEqualTo(error);
    assertThat(Workloads.events(client, ns, "app"))
        .contains("Warning Failed: Error: " + error)
        .noneMatch(e -> e.contains("Pulling"));
  }

  private static Pod unparsableSecretPod(KubernetesClient client, String ns, String image) {
    Workloads.pod(client, ns, "app", image);
    Pod pod =
        awaitPod(
            client,
            ns,
            "app",
            p ->
                Workloads.waiting(p).map(w -> w.getReason() != null).orElse(false)
                    && !"ContainerCreating".equals(Workloads.waiting(p).get().getReason()));
    record("unparsable pull Secret", client, pod);
    return pod;
  }

  /** Creates Pod {@code app} of {@code image} and waits until the kubelet failed its pull. */
  private static Pod failedPull(KubernetesClient client, String ns, String image, String what) {
    awaitDefaultServiceAccount(client, ns);
    Workloads.pod(client, ns, "app", image);
    Pod pod = awaitPod(client, ns, "app", Workloads::pullFailed);
    record(what, client, pod);
    assertThat(message(pod)).contains("failed to pull and unpack image \"" + image + "\": ");
    return pod;
  }

  private static String message(Pod pod) {
    return Workloads.waiting(pod).orElseThrow().getMessage();
  }

  /** Runs doctor for the namespace (JSON) and returns the cause it gives for the Pod. */
  private static String doctor(TestCluster cluster, String ns, Pod pod) throws Exception {
    CommandResult r = cluster.kubectl("pullpolicy", "doctor", "-n", ns, "-o", "json");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    JsonNode pods = new ObjectMapper().readTree(r.stdout()).get("pods");
    assertThat(pods).as(r.stdout()).hasSize(1);
    assertThat(pods.get(0).get("pod").asText()).isEqualTo(pod.getMetadata().getName());
    System.err.println(
        "[doctor] "
            + ns
            + ": "
            + pods.get(0).get("cause").asText()
            + " - "
            + pods.get(0).get("detail").asText());
    return pods.get(0).get("cause").asText();
  }
}
