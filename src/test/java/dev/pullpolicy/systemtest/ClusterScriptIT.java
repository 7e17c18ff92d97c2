package dev.pullpolicy.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry point scripts and people rely on: {@code src/test/cluster/cluster up | status | down}
 * on a state folder of its own, beside the cluster the other tests use.
 */
@SystemTest
class ClusterScriptIT {

  @Test
  void upReusesARunningClusterAndDownLeavesNoProcessBehind(TestCluster cluster, @TempDir Path state)
      throws Exception {
    Map<String, String> env = Map.of("PULLPOLICY_CLUSTER_DIR", state.toString());
    try {
      CommandResult up = script(cluster, env, "up");
      assertThat(up.exitCode()).as(up.describe()).isZero();
      assertThat(up.lastLine()).isEqualTo(state.resolve("admin.kubeconfig").toString());
      assertThat(state.resolve("audit.log")).exists();

      CommandResult again = script(cluster, env, "up");
      assertThat(again.exitCode()).as(again.describe()).isZero();
      assertThat(again.stderr()).contains("already running");
      assertThat(again.lastLine()).isEqualTo(up.lastLine());

      CommandResult status = script(cluster, env, "status");
      assertThat(status.exitCode()).as(status.describe()).isZero();
      List<Long> pids = pids(state);
      assertThat(pids).hasSize(3).allMatch(ClusterScriptIT::alive);

      CommandResult down = script(cluster, env, "down");
      assertThat(down.exitCode()).as(down.describe()).isZero();
      assertThat(pids).noneMatch(ClusterScriptIT::alive);
      assertThat(script(cluster, env, "status").exitCode()).isEqualTo(3);
    } finally {
      script(cluster, env, "down");
    }
  }

  private static CommandResult script(TestCluster cluster, Map<String, String> env, String arg)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("cluster", ".out");
    Path err = Files.createTempFile("cluster", ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cluster.repoRoot().resolve("src/test/cluster/cluster").toString(), arg)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("cluster " + arg + " finished").isTrue();
    CommandResult result =
        new CommandResult(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return result;
  }

  private static List<Long> pids(Path state) throws IOException {
    List<Long> pids = new ArrayList<>();
    for (String c : List.of("etcd", "kube-apiserver", "kube-controller-manager")) {
      pids.add(Long.parseLong(Files.readString(state.resolve(c + ".pid")).strip()));
    }
    return pids;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
