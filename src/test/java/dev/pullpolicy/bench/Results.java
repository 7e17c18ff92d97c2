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

  /** One figure: its key in the JSON, what it is, and its goal (issue 14) if it has one. */
  private record Figure(String key, String label, String target) {}

  /** The figures, in the order they are printed; a figure not measured is null. */
  private static final List<Figure> FIGURES =
      List.of(
          new Figure("fanout_s", "fan-out, operator (s)", ""),
          new Figure("fanout_go_floor_s", "fan-out, floor: client-go (s)", ""),
          new Figure("fanout_go_ratio", "fan-out / client-go floor", "<= 1.5"),
          new Figure("fanout_floor_s", "fan-out, floor: Java client (s)", ""),
          new Figure("fanout_ratio", "fan-out / Java floor", "<= 1.5"),
          new Figure("fanout_cpu_s", "fan-out, operator CPU (s)", "<= 3 at N=1000"),
          new Figure("rotation_s", "rotation, operator (s)", ""),
          new Figure("rotation_go_floor_s", "rotation, floor: client-go (s)", ""),
          new Figure("rotation_go_ratio", "rotation / client-go floor", "<= 1.5"),
          new Figure("rotation_floor_s", "rotation, floor: Java client (s)", ""),
          new Figure("rotation_ratio", "rotation / Java floor", "<= 1.5"),
          new Figure("rotation_cpu_s", "rotation, operator CPU (s)", "no worse than before"),
          new Figure("newns_p50_ms", "new namespace p50 (ms)", "<= 20"),
          new Figure("newns_p99_ms", "new namespace p99 (ms)", "<= 100"),
          new Figure("newns_cpu_ms", "CPU per new namespace (ms)", "flat in N"),
          new Figure("steady_writes", "steady-state writes", "0"),
          new Figure("steady_cpu_s", "steady state, operator CPU (s)", "no worse than before"),
          new Figure("first_write_s", "process start -> first write (s)", "<= 1"),
          new Figure("rss_mb", "operator RSS, 10 x N unrelated Secrets (MiB)", "<= 100 at N=1000"),
          new Figure("rss_mb_no_noise", "operator RSS without them (MiB)", "= rss_mb, flat in N"),
          new Figure("plugin_ms", "kubectl pullpolicy list, median (ms)", "<= 300"),
          new Figure("plugin_status_ms", "kubectl pullpolicy status, median (ms)", "<= 300"),
          new Figure("kubectl_ms", "kubectl get pcp, median (ms)", ""),
          new Figure("plugin_ratio", "plugin list / kubectl get", "<= 4"),
          new Figure("plugin_status_ratio", "plugin status / kubectl get", "<= 4"));

  /** The figures' keys, in order. */
  static final List<String> KEYS = FIGURES.stream().map(Figure::key).toList();

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
    out.println(String.format("%-46s %10s   %s", "FIGURE", "VALUE", "TARGET"));
    for (Figure f : FIGURES) {
      Object v = figures.get(f.key());
      out.println(
          String.format("%-46s %10s   %s", f.label(), v == null ? "-" : format(v), f.target()));
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
