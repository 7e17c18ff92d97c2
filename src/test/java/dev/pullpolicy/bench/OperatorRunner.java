package dev.pullpolicy.bench;

import dev.pullpolicy.systemtest.support.OperatorHealth;
import dev.pullpolicy.systemtest.support.ProcessMemory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built operator as a separate JVM, the way its Deployment runs it ({@code java <opts> -jar
 * quarkus-run.jar}), with its own kubeconfig (its own identity) and the JVM options given.
 */
final class OperatorRunner implements AutoCloseable {

  /** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ; 100 on Linux/x86). */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Process process;
  private final Path logFile;
  private final int port;
  private final List<String> command;
  private final long startedNanos;
  private final long readyNanos;

  private OperatorRunner(
      Process process,
      Path logFile,
      int port,
      List<String> command,
      long startedNanos,
      long readyNanos) {
    this.process = process;
    this.logFile = logFile;
    this.port = port;
    this.command = command;
    this.startedNanos = startedNanos;
    this.readyNanos = readyNanos;
  }

  /**
   * Starts the operator and waits until it is ready.
   *
   * @param javaHome the JDK or runtime that runs it
   */
  static OperatorRunner start(
      Path javaHome,
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
    command.add(javaHome.resolve("bin").resolve("java").toString());
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
    long started = System.nanoTime();
    Process process = pb.start();
    OperatorHealth.awaitReady(process, port, Duration.ofMinutes(3), () -> "see " + logFile);
    return new OperatorRunner(process, logFile, port, command, started, System.nanoTime());
  }

  /** System.nanoTime just before the process was started. */
  long startedNanos() {
    return startedNanos;
  }

  /** Seconds from the start of the process until its readiness endpoint answered. */
  double secondsToReady() {
    return (readyNanos - startedNanos) / 1e9;
  }

  /** CPU time (user + system) the process has used so far, in seconds, from /proc/<pid>/stat. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
    // the command name (field 2) is in parentheses and may hold spaces: count after its end
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // fields 14 (utime) and 15 (stime) of stat are the 12th and 13th after the name
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }

  /**
   * CPU ticks (user + system) used so far by each live thread of the process, by thread id, with
   * the thread's name, from /proc/<pid>/task/<tid>/stat and comm. A thread that ended between two
   * readings is missing from the later one; its time is then in neither group of {@link
   * #cpuByThreadGroup}.
   */
  Map<Long, ThreadTicks> threadTicks() throws IOException {
    Map<Long, ThreadTicks> all = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc/" + pid() + "/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
          String name = Files.readString(task.resolve("comm")).trim();
          all.put(
              Long.parseLong(task.getFileName().toString()),
              new ThreadTicks(name, Long.parseLong(f[11]) + Long.parseLong(f[12])));
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    }
    return all;
  }

  record ThreadTicks(String name, long ticks) {}

  /**
   * Seconds of CPU per group of threads between two {@link #threadTicks} readings ({@code before}
   * empty: since the start), largest first. A group is a thread name without its trailing number
   * (the kernel keeps the first 15 characters of a name: "vert.x-eventloo", "C1 CompilerThre").
   */
  static Map<String, Double> cpuByThreadGroup(
      Map<Long, ThreadTicks> before, Map<Long, ThreadTicks> after) {
    Map<String, Long> ticks = new HashMap<>();
    after.forEach(
        (tid, t) -> {
          ThreadTicks b = before.get(tid);
          long d = t.ticks() - (b == null ? 0 : b.ticks());
          if (d > 0) {
            ticks.merge(t.name().replaceAll("[-0-9 ]+$", ""), d, Long::sum);
          }
        });
    Map<String, Double> seconds = new LinkedHashMap<>();
    ticks.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                seconds.put(e.getKey(), Math.round(e.getValue() / TICKS_PER_SECOND * 100) / 100.0));
    return seconds;
  }

  /** The number of threads of the process, from /proc/<pid>/status. */
  long threads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("Threads:")) {
        return Long.parseLong(line.substring("Threads:".length()).trim());
      }
    }
    throw new IOException("no thread count for pid " + pid());
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
    return ProcessMemory.jcmd(jcmd(), pid(), args);
  }

  /** The jcmd of the JDK that runs the operator, else the benchmark's own. */
  private Path jcmd() {
    Path own = Path.of(command.get(0)).resolveSibling("jcmd");
    return Files.isExecutable(own) ? own : Path.of(System.getProperty("java.home"), "bin", "jcmd");
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
