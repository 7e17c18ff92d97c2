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
    Path operatorJavaHome,
    Path writeFloor,
    Path pluginDir,
    Path outDir,
    List<String> operatorJavaOpts,
    boolean clusterIsDisposable) {

  /**
   * The operator's JVM options when BENCH_OPERATOR_JAVA_OPTS is unset (src/test/bench/run always
   * sets it, from deploy/40-deployment.yaml): those of the Deployment (JAVA_TOOL_OPTIONS) in a
   * container with a 256 MiB limit.
   */
  static final String DEFAULT_JAVA_OPTS =
      "-XX:MaxRAM=256m -XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:MinHeapFreeRatio=10"
          + " -XX:MaxHeapFreeRatio=30 -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError";

  /** The JDK the operator's image is linked from (operator-image), used when present. */
  static final Path IMAGE_JDK = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

  static Env fromEnvironment() {
    Path plugin = optionalPath("BENCH_PLUGIN_DIR");
    Path javaHome = optionalPath("BENCH_OPERATOR_JAVA_HOME");
    if (javaHome == null) {
      javaHome =
          Files.isExecutable(IMAGE_JDK.resolve("bin/java"))
              ? IMAGE_JDK
              : Path.of(System.getProperty("java.home"));
    }
    Path floor = optionalPath("BENCH_WRITE_FLOOR");
    String opts = System.getenv().getOrDefault("BENCH_OPERATOR_JAVA_OPTS", DEFAULT_JAVA_OPTS);
    Path aot = optionalPath("BENCH_OPERATOR_AOT_CACHE");
    if (aot != null && Files.isRegularFile(aot)) {
      opts = opts + " -XX:AOTCache=" + aot;
    }
    return new Env(
        path("BENCH_KUBECONFIG"),
        path("BENCH_AUDIT_LOG"),
        path("BENCH_KUBECTL_DIR"),
        path("BENCH_OPERATOR_APP"),
        javaHome,
        floor != null && Files.isExecutable(floor) ? floor : null,
        plugin != null && Files.isDirectory(plugin) ? plugin : null,
        path("BENCH_OUT"),
        Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
        "true".equals(System.getenv("BENCH_CLUSTER_DISPOSABLE")));
  }

  private static Path path(String name) {
    Path p = optionalPath(name);
    if (p == null) {
      throw new IllegalStateException(
          name + " is not set: run the benchmark with src/test/bench/run");
    }
    return p;
  }

  private static Path optionalPath(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : Path.of(v).toAbsolutePath().normalize();
  }
}
