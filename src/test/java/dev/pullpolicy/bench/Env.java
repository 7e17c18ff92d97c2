package dev.pullpolicy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What the run script passes in the environment: the cluster, the built artifacts, the output. */
record Env(
    Path kubeconfig,
    Path auditLog,
    Path kubectlDir,
    Path operatorApp,
    Path pluginDir,
    Path outDir,
    List<String> operatorJavaOpts,
    boolean clusterIsDisposable) {

  /**
   * The operator's JVM options when BENCH_OPERATOR_JAVA_OPTS is unset: those of the deploy/
   * Deployment (JAVA_TOOL_OPTIONS) in a container with a 256 MiB limit.
   */
  static final String DEFAULT_JAVA_OPTS =
      "-XX:MaxRAM=256m -XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:MinHeapFreeRatio=10"
          + " -XX:MaxHeapFreeRatio=30 -XX:+ExitOnOutOfMemoryError";

  static Env fromEnvironment() {
    Path plugin = path("BENCH_PLUGIN_DIR");
    String opts = System.getenv().getOrDefault("BENCH_OPERATOR_JAVA_OPTS", DEFAULT_JAVA_OPTS);
    return new Env(
        path("BENCH_KUBECONFIG"),
        path("BENCH_AUDIT_LOG"),
        path("BENCH_KUBECTL_DIR"),
        path("BENCH_OPERATOR_APP"),
        plugin != null && Files.isDirectory(plugin) ? plugin : null,
        path("BENCH_OUT"),
        Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
        "true".equals(System.getenv("BENCH_CLUSTER_DISPOSABLE")));
  }

  private static Path path(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      if (name.equals("BENCH_PLUGIN_DIR")) {
        return null;
      }
      throw new IllegalStateException(
          name + " is not set: run the benchmark with src/test/bench/run");
    }
    return Path.of(v).toAbsolutePath().normalize();
  }
}
