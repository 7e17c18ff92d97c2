package dev.pullpolicy.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The floor's writes by {@code write-floor} (src/test/cluster/k8s/write-floor: client-go, no
 * client-side rate limit), as a separate process: it sets up (client, the list its writes start
 * from), says "ready", and writes when told; the benchmark times the writes with its own watches
 * from that moment.
 */
final class GoFloor {

  /** What one run of the program reported: its own time for the writes, and what it sent. */
  record Report(double seconds, long requests, long conflicts, long failures, double cpuSeconds) {}

  /** A started pass, ready to write. */
  static final class Pass implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Path log;

    private Pass(Process process, Path log) {
      this.process = process;
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.log = log;
    }

    /** Starts the writes (the caller takes the time just before). */
    void go() throws IOException {
      OutputStream in = process.getOutputStream();
      in.write('\n');
      in.flush();
    }

    /** Waits for the program's report of the writes. */
    Report finish(Duration timeout) throws Exception {
      CompletableFuture<String> line = CompletableFuture.supplyAsync(this::readLine);
      String done = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || done == null) {
        throw new IllegalStateException("write-floor failed: " + tail());
      }
      String[] f = done.trim().split(" ");
      if (f.length != 6 || !f[0].equals("done")) {
        throw new IllegalStateException("write-floor said " + done);
      }
      return new Report(
          Double.parseDouble(f[1]),
          Long.parseLong(f[2]),
          Long.parseLong(f[3]),
          Long.parseLong(f[4]),
          Double.parseDouble(f[5]));
    }

    private String readLine() {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    }

    private String tail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
      } catch (IOException e) {
        return "(no log at " + log + ")";
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private final Path binary;
  private final Path kubeconfig;
  private final Path workDir;

  GoFloor(Path binary, Path kubeconfig, Path workDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.workDir = workDir;
  }

  /**
   * Starts a pass and waits until the program is ready to write.
   *
   * @param plan the writes (see write-floor's main.go for the fields)
   */
  Pass start(String name, Map<String, Object> plan) throws Exception {
    Path planFile = workDir.resolve("write-floor-" + name + ".json");
    Path log = workDir.resolve("write-floor-" + name + ".log");
    Files.writeString(planFile, Bench.JSON.writeValueAsString(plan));
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "-kubeconfig",
                kubeconfig.toString(),
                "-plan",
                planFile.toString())
            .redirectError(log.toFile())
            .start();
    Pass pass = new Pass(p, log);
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(pass::readLine);
    String line;
    try {
      line = ready.get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      pass.close();
      throw new IllegalStateException("write-floor did not get ready: " + pass.tail(), e);
    }
    if (!"ready".equals(line)) {
      pass.close();
      throw new IllegalStateException("write-floor said " + line + ": " + pass.tail());
    }
    return pass;
  }
}
