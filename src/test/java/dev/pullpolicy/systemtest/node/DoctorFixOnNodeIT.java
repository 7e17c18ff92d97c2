package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitDefaultServiceAccount;
import static dev.pullpolicy.systemtest.node.NodeFixtures.record;
import static dev.pullpolicy.systemtest.node.NodeFixtures.usePullSecret;
import static dev.pullpolicy.systemtest.support.Workloads.awaitPod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.NeedsNode;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.TestNode;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl pullpolicy doctor --fix} on the real node: Pods created before their
 * ServiceAccount got its imagePullSecrets are stuck for good (the ServiceAccount admission plugin
 * copies the entries only at creation); --fix deletes those a controller makes again, and the new
 * ones pull and run; a bare Pod is listed with the command that recreates it and left alone.
 */
@SystemTest
@NeedsNode
class DoctorFixOnNodeIT {

  @Test
  void fixRecreatesADeploymentsStuckPodsAndListsABarePodWithItsCommand(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    String ns = cluster.newNamespace("doctor-fix");
    awaitDefaultServiceAccount(client, ns);
    // Created while the ServiceAccount has no pull secret: neither Pod gets one.
    Workloads.deployment(client, ns, "web", node.helloImage(), null);
    client.apps().deployments().inNamespace(ns).withName("web").scale(2);
    Workloads.pod(client, ns, "bare", node.helloImage());
    List<Pod> stuck =
        await()
            .atMost(Workloads.POD_TIMEOUT)
            .until(
                () -> Workloads.podsOf(client, ns, "web"),
                l -> l.size() == 2 && l.stream().allMatch(Workloads::pullFailed));
    awaitPod(client, ns, "bare", Workloads::pullFailed);
    record("Deployment's Pod created before its ServiceAccount's entry", client, stuck.get(0));
    usePullSecret(client, ns, "registry", credentialOfItsOwn(node));
    Set<String> stuckUids =
        stuck.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    String bareUid = uid(client, ns, "bare");
    String replicaSet = stuck.get(0).getMetadata().getOwnerReferences().get(0).getName();

    CommandResult dry = cluster.kubectl("pullpolicy", "doctor", "-n", ns, "--fix", "--dry-run");
    assertThat(dry.exitCode()).as(dry.describe()).isEqualTo(1);
    for (Pod p : stuck) {
      assertThat(dry.stdout())
          .as(dry.describe())
          .contains(
              "  would delete Pod "
                  + ns
                  + "/"
                  + p.getMetadata().getName()
                  + "; ReplicaSet "
                  + replicaSet
                  + " would make a new one\n");
    }
    assertThat(dry.stdout()).endsWith("--dry-run: would delete 2 Pods, 1 left.\n");
    assertThat(uids(client, ns))
        .as("--dry-run deletes nothing")
        .containsAll(stuckUids)
        .contains(bareUid)
        .hasSize(3);

    CommandResult fix = cluster.kubectl("pullpolicy", "doctor", "-n", ns, "--fix");
    assertThat(fix.exitCode()).as("the bare Pod remains: " + fix.describe()).isEqualTo(1);
    assertThat(fix.stderr()).as(fix.describe()).isEmpty();
    String command = "kubectl get pod -n " + ns + " bare -o yaml | kubectl replace --force -f -";
    for (Pod p : stuck) {
      assertThat(fix.stdout())
          .contains(
              "  deleted Pod "
                  + ns
                  + "/"
                  + p.getMetadata().getName()
                  + "; ReplicaSet "
                  + replicaSet
                  + " makes a new one\n");
    }
    assertThat(fix.stdout())
        .contains(
            "  not deleted: Pod " + ns + "/bare has no controller; recreate it: " + command + "\n")
        .endsWith("Deleted 2 Pods, 1 left.\n");
    System.err.println("[doctor --fix] " + ns + "\n" + fix.stdout());

    List<Pod> replacements =
        await()
            .atMost(Workloads.POD_TIMEOUT)
            .until(
                () -> Workloads.podsOf(client, ns, "web"),
                l -> l.size() == 2 && l.stream().allMatch(Workloads::running));
    for (Pod p : replacements) {
      assertThat(stuckUids).doesNotContain(p.getMetadata().getUid());
      assertThat(NodeFixtures.names(p.getSpec().getImagePullSecrets())).containsExactly("registry");
    }
    assertThat(uid(client, ns, "bare")).as("the bare Pod is left alone").isEqualTo(bareUid);

    // The command doctor printed recreates the bare Pod, which then gets the entry and runs.
    CommandResult recreate = cluster.shell(command);
    assertThat(recreate.exitCode()).as(recreate.describe()).isZero();
    Pod bare = awaitPod(client, ns, "bare", Workloads::running);
    assertThat(bare.getMetadata().getUid()).isNotEqualTo(bareUid);

    await()
        .atMost(Workloads.POD_TIMEOUT)
        .until(
            () -> cluster.kubectl("pullpolicy", "doctor", "-n", ns),
            r -> r.exitCode() == 0 && r.stdout().startsWith("No problem found"));
  }

  /**
   * The registry's credentials with an e-mail field, so that they hash differently from every other
   * test's: the kubelet remembers which credential pulled an image and lets later Pods with the
   * same credential use it without a pull, which other tests that assert a pull would notice.
   */
  private static String credentialOfItsOwn(TestNode node) {
    String json = node.dockerConfigJson();
    return json.replace("\"username\":", "\"email\":\"doctor-fix@example.invalid\",\"username\":");
  }

  private static String uid(KubernetesClient client, String ns, String pod) {
    return client.pods().inNamespace(ns).withName(pod).get().getMetadata().getUid();
  }

  private static Set<String> uids(KubernetesClient client, String ns) {
    List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
    return pods.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
  }
}
