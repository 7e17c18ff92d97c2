package dev.pullpolicy.systemtest.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin as kubectl finds and runs it. */
@SystemTest
class PluginPackagingIT {

  @Test
  void kubectlFindsThePluginOnPath(TestCluster cluster) {
    CommandResult r = cluster.kubectl("plugin", "list", "--name-only");
    assertThat(r.stdout()).as(r.describe()).containsPattern("(?m)^kubectl-pullpolicy$");
    assertThat(r.stderr())
        .as("nothing beside the launcher looks like a plugin")
        .doesNotContain("pullpolicy-plugin.jar");
  }

  @Test
  void versionAndCompletionNeedNoCluster(TestCluster cluster) {
    CommandResult version = cluster.kubectl("pullpolicy", "version");
    assertThat(version.exitCode()).as(version.describe()).isZero();
    assertThat(version.stdout()).startsWith("kubectl-pullpolicy version: v");

    CommandResult completion = cluster.kubectl("pullpolicy", "completion", "bash");
    assertThat(completion.exitCode()).as(completion.describe()).isZero();
    assertThat(completion.stdout()).contains("complete -F");
  }

  @Test
  void usageErrorsExitTwoAndACommandThatCannotRunThree(TestCluster cluster) {
    CommandResult none = cluster.kubectl("pullpolicy");
    assertThat(none.exitCode()).as(none.describe()).isEqualTo(2);
    assertThat(none.stderr()).startsWith("error: a command is required");

    CommandResult badFlag = cluster.kubectl("pullpolicy", "list", "--frobnicate");
    assertThat(badFlag.exitCode()).as(badFlag.describe()).isEqualTo(2);

    CommandResult noServer =
        cluster.kubectl(
            java.util.Map.of(), "pullpolicy", "list", "--kubeconfig", "/nonexistent/config");
    assertThat(noServer.exitCode()).as(noServer.describe()).isEqualTo(3);
    assertThat(noServer.stderr())
        .isEqualTo("error: kubeconfig file /nonexistent/config does not exist\n");
  }

  @Test
  void theFirstCommandThatReadsTheClusterRecordsTheStartUpCache(
      TestCluster cluster, @TempDir Path cacheDir) {
    Map<String, String> env = Map.of("PULLPOLICY_CACHE_DIR", cacheDir.toString());
    CommandResult version = cluster.kubectl(env, "pullpolicy", "version");
    assertThat(version.exitCode()).as(version.describe()).isZero();
    assertThat(cacheDir.resolve("kubectl-plugin"))
        .as("a command that does not read the cluster records nothing")
        .doesNotExist();

    CommandResult first = cluster.kubectl(env, "pullpolicy", "list");
    assertThat(first.exitCode()).as(first.describe()).isZero();
    // the same command line runs again in the background, recording; its output goes nowhere
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(() -> assertThat(caches(cacheDir)).hasSize(1));
    CommandResult second = cluster.kubectl(env, "pullpolicy", "list");
    assertThat(withoutAge(second.stdout()))
        .as(second.describe())
        .isEqualTo(withoutAge(first.stdout()));
    assertThat(second.stderr()).isEqualTo(first.stderr());
  }

  @Test
  void aBrokenStartUpCacheIsIgnoredSilently(TestCluster cluster, @TempDir Path cacheDir)
      throws Exception {
    Map<String, String> env =
        Map.of("PULLPOLICY_CACHE_DIR", cacheDir.toString(), "PULLPOLICY_CACHE", "sync");
    CommandResult first = cluster.kubectl(env, "pullpolicy", "list");
    assertThat(first.exitCode()).as(first.describe()).isZero();
    List<Path> caches = caches(cacheDir);
    assertThat(caches).as("the first run made a start-up cache").hasSize(1);
    Files.writeString(caches.get(0), "not a cache");

    CommandResult r = cluster.kubectl(env, "pullpolicy", "list");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(withoutAge(r.stdout())).as(r.describe()).isEqualTo(withoutAge(first.stdout()));
    assertThat(r.stderr()).as(r.describe()).isEqualTo(first.stderr());
  }

  /**
   * The table without its last column, AGE: other tests' policies share the cluster, and their age
   * may tick between two runs of the same command.
   */
  private static String withoutAge(String table) {
    return table
        .lines()
        .map(l -> l.replaceFirst("\\s+\\S+$", ""))
        .reduce("", (a, l) -> a + l + "\n");
  }

  private static List<Path> caches(Path cacheDir) throws IOException {
    Path dir = cacheDir.resolve("kubectl-plugin");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.toString().matches(".*\\.(aot|jsa)$")).toList();
    }
  }

  @Test
  void listHonoursNoColorAndOutputFormats(TestCluster cluster) {
    CommandResult yaml =
        cluster.kubectl(java.util.Map.of("NO_COLOR", "1"), "pullpolicy", "list", "-o", "yaml");
    assertThat(yaml.exitCode()).as(yaml.describe()).isZero();
    assertThat(yaml.stdout()).startsWith("apiVersion: v1\nkind: List\n").doesNotContain("\u001b[");
  }
}
