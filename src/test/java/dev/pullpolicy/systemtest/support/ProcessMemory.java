package dev.pullpolicy.systemtest.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory figures of a JVM process on this machine: resident set size from {@code /proc}, the heap
 * from {@code jcmd}. Shared by the system tests' {@link OperatorProcess} and the benchmark.
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Resident set size from /proc/<pid>/status, in MiB. */
  public static double rssMb(long pid) throws IOException {
    return procStatusKb(pid, "VmRSS") / 1024.0;
  }

  /** Peak resident set size since start, in MiB. */
  public static double peakRssMb(long pid) throws IOException {
    return procStatusKb(pid, "VmHWM") / 1024.0;
  }

  private static long procStatusKb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException(field + " not found for pid " + pid);
  }

  /** Runs {@code jcmd <pid> <command...>} and returns its output ("" when jcmd fails). */
  public static String jcmd(long pid, String... args) throws InterruptedException {
    return jcmd(Path.of(System.getProperty("java.home"), "bin", "jcmd"), pid, args);
  }

  /** As {@link #jcmd(long, String...)}, with the jcmd of another JDK (the target's own). */
  public static String jcmd(Path jcmd, long pid, String... args) throws InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(jcmd.toString());
    cmd.add(Long.toString(pid));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      return p.exitValue() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Heap in use after the last GC, in MiB, from {@code jcmd GC.heap_info}; -1 if unknown. */
  public static double heapUsedMb(long pid) throws InterruptedException {
    String info = jcmd(pid, "GC.heap_info");
    // G1: "garbage-first heap total ..K, used ..K"; Serial/Parallel: one line per generation.
    Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
    long kb = 0;
    boolean found = false;
    while (m.find()) {
      kb += Long.parseLong(m.group(1));
      found = true;
    }
    return found ? kb / 1024.0 : -1;
  }
}
