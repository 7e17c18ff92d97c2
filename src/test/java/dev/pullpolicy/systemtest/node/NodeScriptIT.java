package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.usePullSecret;
import static dev.pullpolicy.systemtest.support.Workloads.awaitPodOf;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code src/test/cluster/node} itself: a node whose daemons crashed comes back in place, and
 * {@code down} leaves nothing on the machine (processes, mounts, the bridge, cgroups, kube-proxy's
 * nftables tables). The node is up again when the test ends.
 */
@SystemTest
@NeedsNode
class NodeScriptIT {

  private static final List<String> DAEMONS =
      List.of("registry", "containerd", "kubelet", "kube-scheduler", "kube-proxy");

  @Test
  void aCrashedNodeComesBackInPlaceAndDownLeavesNothingBehind(
      TestCluster cluster, KubernetesClient client, TestNode node) throws IOException {
    String ns = cluster.newNamespace("node-crash");
    usePullSecret(client, ns, "registry", node.dockerConfigJson());
    Workloads.deployment(client, ns, "hello", node.helloImage(), null);
    Pod before = awaitPodOf(client, ns, "hello", Workloads::running);
    try {
      List<ProcessHandle> daemons = daemons();
      daemons.forEach(ProcessHandle::destroyForcibly);
      await().atMost(Duration.ofSeconds(10)).until(() -> daemons.stream().noneMatch(running()));

      CommandResult up = node.script("up");
      assertThat(up.exitCode()).as(up.describe()).isZero();
      assertThat(up.stderr()).contains("not healthy; starting it again");
      assertThat(up.stdout()).contains("PULLPOLICY_NODE_REGISTRY=" + node.registry() + "\n");
      Pod after =
          awaitPodOf(
              client, ns, "hello", p -> Workloads.running(p) && restarts(p) > restarts(before));
      assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());

      List<ProcessHandle> restarted = daemons();
      assertThat(nftTables()).contains("table ip kube-proxy");
      CommandResult down = node.script("down");
      assertThat(down.exitCode()).as(down.describe()).isZero();
      assertThat(down.stderr()).contains("nothing left behind");
      await().atMost(Duration.ofSeconds(10)).until(() -> restarted.stream().noneMatch(running()));
      assertThat(Path.of("/run/ppnode")).doesNotExist();
      assertThat(Path.of("/var/lib/ppnode")).doesNotExist();
      assertThat(Path.of("/sys/class/net/ppnode0")).doesNotExist();
      try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
        assertThat(hierarchies.map(h -> h.resolve("ppnode"))).noneMatch(Files::exists);
      }
      assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")))
          .noneMatch(l -> l.contains(" /run/ppnode") || l.contains(" /var/lib/ppnode"));
      // kube-proxy's rules: its nftables tables (it leaves them behind when it stops).
      assertThat(nftTables()).noneMatch(t -> t.endsWith(" kube-proxy"));
      assertThat(node.script("status").exitCode()).isEqualTo(3);
    } finally {
      CommandResult again = node.script("up");
      assertThat(again.exitCode()).as(again.describe()).isZero();
      assertThat(again.stdout()).contains("PULLPOLICY_NODE_REGISTRY=" + node.registry() + "\n");
    }
  }

  private static List<ProcessHandle> daemons() throws IOException {
    List<ProcessHandle> all = new ArrayList<>();
    for (String d : DAEMONS) {
      long pid =
          Long.parseLong(Files.readString(Path.of("/run/ppnode/pids/" + d + ".pid")).strip());
      all.add(ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(d + " is not running")));
    }
    return all;
  }

  /** Alive and not a zombie (this machine's init reaps orphans late). */
  private static java.util.function.Predicate<ProcessHandle> running() {
    return p -> {
      try {
        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        return p.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
      } catch (IOException gone) {
        return false;
      }
    };
  }

  /** The machine's nftables tables, as {@code nft list tables} prints them. */
  private static List<String> nftTables() throws IOException {
    Process p = new ProcessBuilder("nft", "list", "tables").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      assertThat(p.waitFor()).as(out).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out.lines().map(String::strip).toList();
  }

  private static int restarts(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getRestartCount();
  }
}
