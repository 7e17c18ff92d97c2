package dev.pullpolicy.bench;

import dev.pullpolicy.systemtest.support.OperatorHealth;
import dev.pullpolicy.systemtest.support.ProcessMemory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built operator as a separate JVM, the way its Deployment runs it ({@code java <opts> -jar
 * quarkus-run.jar}), with its own kubeconfig (its own identity) and the JVM options given.
 */
final class OperatorRunner implements AutoCloseable {

  private final Process process;
  private final Path logFile;
  private final int port;
  private final List<String> command;

  private OperatorRunner(Process process, Path logFile, int port, List<String> command) {
    this.process = process;
    this.logFile = logFile;
    this.port = port;
    this.command = command;
  }

  static OperatorRunner start(
      Path appDir,
      Path kubeconfig,
      List<String> jvmOptions,
      List<String> systemProperties,
      Map<String, String> env,
      Path logFile)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(systemProperties);
    command.add("-jar");
    command.add(appDir.resolve("quarkus-run.jar").toString());
    Files.createDirectories(logFile.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    pb.environment().putAll(env);
    OperatorRunner runner = new OperatorRunner(pb.start(), logFile, port, command);
    runner.awaitReady(Duration.ofMinutes(3));
    return runner;
  }

  private void awaitReady(Duration timeout) {
    OperatorHealth.awaitReady(process, port, timeout, () -> "see " + logFile);
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  List<String> command() {
    return command;
  }

  Path logFile() {
    return logFile;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Resident set size from /proc/<pid>/status, in MiB. */
  double rssMb() throws IOException {
    return ProcessMemory.rssMb(pid());
  }

  /** Peak resident set size since start, in MiB. */
  double peakRssMb() throws IOException {
    return ProcessMemory.peakRssMb(pid());
  }

  /** Runs {@code jcmd <pid> <command...>} and returns its output ("" when jcmd fails). */
  String jcmd(String... args) throws InterruptedException {
    return ProcessMemory.jcmd(pid(), args);
  }

  /** Heap in use after the last GC, in MiB, from {@code jcmd GC.heap_info}; -1 if unknown. */
  double heapUsedMb() throws InterruptedException {
    return ProcessMemory.heapUsedMb(pid());
  }

  /**
   * The sum of the samples of one metric on the operator's Prometheus endpoint (all label sets), or
   * NaN when it is not there.
   */
  double metricSum(String name) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      String body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      boolean found = false;
      for (String line : body.split("\n")) {
        if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? sum : Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    OperatorHealth.stop(process, Duration.ofSeconds(20));
  }
}
