package dev.pullpolicy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command and measures its wall time, output captured through files. */
final class CommandTimer {
  private CommandTimer() {}

  record Result(int exitCode, double millis, String stderr) {}

  static Result run(Path executable, Map<String, String> env, List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(args);
    Path out = Files.createTempFile("bench", ".out");
    Path err = Files.createTempFile("bench", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      long t0 = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      return new Result(p.exitValue(), Math.round(ms * 10) / 10.0, Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
