package dev.pullpolicy.systemtest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built operator ({@code operator/target/quarkus-app/quarkus-run.jar}) running as a separate
 * process against the test cluster, exactly as users run it.
 */
public final class OperatorProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Map<TestCluster, OperatorProcess> SHARED = new HashMap<>();

  private final String name;
  private final Process process;
  private final Path logFile;
  private final int port;

  private OperatorProcess(String name, Process process, Path logFile, int port) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.port = port;
  }

  /**
   * One operator per cluster for the whole test run, started on first use and stopped when the run
   * ends.
   */
  public static synchronized OperatorProcess shared(TestCluster cluster) {
    OperatorProcess shared = SHARED.get(cluster);
    if (shared == null || !shared.isAlive()) {
      shared = start(cluster, cluster.isNodeCluster() ? "shared-node" : "shared", Map.of());
      SHARED.put(cluster, shared);
    }
    return shared;
  }

  /**
   * Stops the run's shared operator of this cluster if it runs (the next test that asks for it
   * starts it again), so that a test's own operator is the only one.
   */
  public static synchronized void stopShared(TestCluster cluster) {
    OperatorProcess shared = SHARED.remove(cluster);
    if (shared != null) {
      shared.close();
    }
  }

  /**
   * Starts an operator with the admin kubeconfig (override {@code KUBECONFIG} in {@code env} to run
   * it as another identity) and waits until its readiness endpoint answers. It is stopped at the
   * end of the run at the latest.
   */
  public static OperatorProcess start(TestCluster cluster, String name, Map<String, String> env) {
    Path jar = cluster.repoRoot().resolve("operator/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build the operator first (mvn -pl operator -am package)");
    }
    try {
      Path logDir =
          Files.createDirectories(cluster.repoRoot().resolve("src/test/target/operator-logs"));
      Path logFile = logDir.resolve(name + ".log");
      int port = freePort();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-jar");
      command.add(jar.toString());
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(cluster.repoRoot().toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      Map<String, String> all = new LinkedHashMap<>();
      all.put("KUBECONFIG", cluster.kubeconfig().toString());
      all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      all.putAll(env);
      pb.environment().putAll(all);
      OperatorProcess operator = new OperatorProcess(name, pb.start(), logFile, port);
      cluster.closeAtEnd(operator);
      operator.awaitReady();
      return operator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() {
    OperatorHealth.awaitReady(
        process, port, READY_TIMEOUT, () -> "operator " + name + ":\n" + tail());
  }

  /** Everything the operator logged so far. */
  public String log() {
    try {
      return Files.readString(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The log file. */
  public Path logFile() {
    return logFile;
  }

  /** The HTTP port (health, metrics). */
  public int port() {
    return port;
  }

  /** The operating-system process id. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Sends SIGTERM and waits; true when the process exited by itself within {@code timeout} (it is
   * killed otherwise).
   */
  public boolean terminate(Duration timeout) {
    return OperatorHealth.stop(process, timeout);
  }

  /**
   * SIGKILL, as in a crash or an OOM kill: no shutdown hook runs, nothing is released (the Lease
   * stays held until it expires). Returns when the process is gone.
   */
  public void kill() {
    try {
      process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops it (SIGTERM, then SIGKILL after 15 s). */
  @Override
  public void close() {
    OperatorHealth.stop(process, Duration.ofSeconds(15));
  }

  private String tail() {
    String all = log();
    return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "operator " + name + " (pid " + process.pid() + ")";
  }
}
