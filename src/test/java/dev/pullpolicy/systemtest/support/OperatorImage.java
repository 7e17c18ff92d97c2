package dev.pullpolicy.systemtest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator's container image in the real node's registry, built by {@code
 * src/test/cluster/operator-image build}: the project's Maven build of the operator with Quarkus's
 * container-image-jib, on a base image assembled there (a jlinked Java 25 runtime and the C
 * libraries it needs from Debian). Built once per test run, on first use.
 *
 * @param reference the image, pinned by digest: {@code
 *     localhost:PORT/pullpolicy/pullpolicy-operator@sha256:…}
 * @param baseReference the base image, pinned by digest
 * @param aotCache the path of the operator's AOT cache in the image, empty when it has none (a
 *     runtime older than Java 25)
 * @param buildTime how long the build took (base image and AOT cache included)
 */
public record OperatorImage(
    String reference, String baseReference, String aotCache, Duration buildTime) {

  /** A new machine's Maven may have to fetch what the image build needs first. */
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

  private static OperatorImage built;

  /** The image for this node's registry, built on first use. */
  public static synchronized OperatorImage of(TestNode node) {
    if (built == null || !built.reference.startsWith(node.registry() + "/")) {
      built = build(node);
    }
    return built;
  }

  private static OperatorImage build(TestNode node) {
    Path root = TestCluster.findRepoRoot();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PULLPOLICY_CLUSTER_DIR", node.clusterDir().toString());
    // The same JDK and Maven as the build that runs the tests.
    env.put("JAVA_HOME", System.getProperty("java.home"));
    String mavenHome = System.getProperty("maven.home");
    if (mavenHome != null && !mavenHome.isBlank()) {
      env.put("PULLPOLICY_MVN", Path.of(mavenHome, "bin", "mvn").toString());
    }
    TestCluster.log("building the operator image for the real node's registry");
    long t0 = System.nanoTime();
    String out = run(root, env, "src/test/cluster/operator-image", "build");
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    String image = value(out, "PULLPOLICY_OPERATOR_IMAGE");
    String base = value(out, "PULLPOLICY_OPERATOR_BASE_IMAGE");
    String aot = value(out, "PULLPOLICY_OPERATOR_AOT_CACHE");
    TestCluster.log(
        "operator image "
            + image
            + (aot.isEmpty() ? " (no AOT cache)" : " with its AOT cache at " + aot)
            + " built and pushed in "
            + took.toSeconds()
            + " s");
    return new OperatorImage(image, base, aot, took);
  }

  /** The reference without its digest: {@code localhost:PORT/pullpolicy/pullpolicy-operator}. */
  public String name() {
    return reference.substring(0, reference.indexOf('@'));
  }

  /** The digest: {@code sha256:…}. */
  public String digest() {
    return reference.substring(reference.indexOf('@') + 1);
  }

  private static String value(String out, String key) {
    return out.lines()
        .filter(l -> l.startsWith(key + "="))
        .map(l -> l.substring(key.length() + 1).strip())
        .reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("operator-image printed no " + key));
  }

  /** Runs a command whose progress (stderr) goes to the console; returns its stdout. */
  private static String run(Path dir, Map<String, String> env, String... command) {
    try {
      Path out = Files.createTempFile("operator-image", ".out");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out after " + BUILD_TIMEOUT + ": operator-image");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              "operator-image build failed (exit " + p.exitValue() + "); its messages are above");
        }
        return Files.readString(out);
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
