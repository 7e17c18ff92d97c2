package dev.pullpolicy.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures (fixed keys), the run's parameters and notes, the machine; table and JSON. */
final class Results {

  /** The figures, in the order of the issue; a figure not measured is null. */
  static final List<String> KEYS =
      List.of(
          "fanout_s",
          "fanout_floor_s",
          "fanout_ratio",
          "newns_p50_ms",
          "newns_p99_ms",
          "rotation_s",
          "rotation_floor_s",
          "rotation_ratio",
          "steady_writes",
          "rss_mb",
          "rss_mb_no_noise",
          "plugin_ms",
          "plugin_status_ms",
          "kubectl_ms",
          "plugin_ratio",
          "plugin_status_ratio");

  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("fanout_s", "fan-out, operator (s)"),
          Map.entry("fanout_floor_s", "fan-out, floor (s)"),
          Map.entry("fanout_ratio", "fan-out ratio (goal <= 1.5 at N=1000)"),
          Map.entry("newns_p50_ms", "new namespace p50 (ms)"),
          Map.entry("newns_p99_ms", "new namespace p99 (ms, goal <= 500)"),
          Map.entry("rotation_s", "rotation, operator (s)"),
          Map.entry("rotation_floor_s", "rotation, floor (s)"),
          Map.entry("rotation_ratio", "rotation ratio (goal <= 1.5)"),
          Map.entry("steady_writes", "steady-state writes (goal 0)"),
          Map.entry("rss_mb", "operator RSS with noise (MiB, goal <= 256 at N=3000)"),
          Map.entry("rss_mb_no_noise", "operator RSS without noise (MiB)"),
          Map.entry("plugin_ms", "kubectl pullpolicy list, median (ms, goal <= 300)"),
          Map.entry("plugin_status_ms", "kubectl pullpolicy status, median (ms, goal <= 300)"),
          Map.entry("kubectl_ms", "kubectl get pcp, median (ms)"),
          Map.entry("plugin_ratio", "plugin ratio, list / kubectl get (goal <= 4)"),
          Map.entry("plugin_status_ratio", "plugin ratio, status / kubectl get (goal <= 4)"));

  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final Map<String, Object> params = new LinkedHashMap<>();
  private final Map<String, Object> notes = new LinkedHashMap<>();
  private final Map<String, Object> machine = new LinkedHashMap<>();

  Results() {
    KEYS.forEach(k -> figures.put(k, null));
  }

  void figure(String key, double value) {
    if (!KEYS.contains(key)) {
      throw new IllegalArgumentException(key);
    }
    figures.put(key, Double.isNaN(value) ? null : round(value));
  }

  /** Counts stay integers. */
  void figure(String key, long value) {
    if (!KEYS.contains(key)) {
      throw new IllegalArgumentException(key);
    }
    figures.put(key, value);
  }

  private static double round(double v) {
    return Math.abs(v) >= 100 ? Math.round(v * 10) / 10.0 : Math.round(v * 100) / 100.0;
  }

  Double get(String key) {
    Object v = figures.get(key);
    return v == null ? null : ((Number) v).doubleValue();
  }

  void ratio(String key, String numerator, String denominator) {
    Double n = get(numerator);
    Double d = get(denominator);
    if (n != null && d != null && d > 0) {
      figure(key, Math.round(n / d * 100) / 100.0);
    }
  }

  void param(String key, Object value) {
    params.put(key, value instanceof Double d ? (Double.isNaN(d) ? null : round(d)) : value);
  }

  void note(String key, Object value) {
    notes.put(key, value);
  }

  void machine(Env env) {
    machine.put("nproc", Runtime.getRuntime().availableProcessors());
    machine.put("memory_mb", memTotalMb());
    machine.put(
        "load_avg_1m",
        Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
            / 100.0);
    machine.put(
        "jdk",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
  }

  private static Long memTotalMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return null;
  }

  void printTable(PrintStream out) {
    out.println();
    out.println(String.format("%-52s %12s", "FIGURE", "VALUE"));
    for (String k : KEYS) {
      Object v = figures.get(k);
      out.println(String.format("%-52s %12s", LABELS.get(k), v == null ? "-" : format(v)));
    }
    out.println();
    params.forEach((k, v) -> out.println(String.format("  %-26s %s", k, v)));
    notes.forEach((k, v) -> out.println(String.format("  note %-21s %s", k, v)));
    machine.forEach((k, v) -> out.println(String.format("  machine %-18s %s", k, v)));
    out.println();
  }

  private static String format(Object v) {
    if (v instanceof Double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e9
          ? Long.toString(d.longValue())
          : String.format("%.2f", d);
    }
    return String.valueOf(v);
  }

  /** All of it (pretty) for results.json, or only the figures on one line. */
  String toJson(boolean everything) throws JsonProcessingException {
    if (!everything) {
      return new ObjectMapper().writeValueAsString(figures);
    }
    Map<String, Object> all = new LinkedHashMap<>(figures);
    all.put("params", params);
    all.put("notes", notes);
    all.put("machine", machine);
    return Bench.JSON.writeValueAsString(all);
  }
}
