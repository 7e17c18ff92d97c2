package dev.pullpolicy.operator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;

/**
 * Benchmark (not a test): what it costs to read one object as the informers receive it, with {@link
 * ClientSerialization}'s mapper and with a plain one, in CPU time and bytes allocated per object,
 * on the running JVM's options. Run by {@code src/test/bench/parse-cost} (docs/benchmarks.md). The
 * two mappers alternate in rounds, the first two rounds are warm-up, so that a busy moment falls on
 * both.
 */
public final class ParseCost {
  private ParseCost() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ObjectMapper[] mappers = {
      new ObjectMapper(), ClientSerialization.withoutManagedFields(new ObjectMapper())
    };
    System.out.printf(
        "%-16s %6s %12s %12s %12s %12s%n",
        "OBJECT", "BYTES", "US_BEFORE", "US_AFTER", "ALLOC_BEFORE", "ALLOC_AFTER");
    for (String name : new String[] {"copy", "serviceaccount"}) {
      byte[] json = resource("/parse-cost/" + name + ".json");
      Class<?> type = name.equals("copy") ? Secret.class : ServiceAccount.class;
      double[] micros = new double[2];
      long[] bytes = new long[2];
      int rounds = 6;
      for (int round = 0; round < rounds; round++) {
        for (int m = 0; m < 2; m++) {
          long cpu0 = threads.getCurrentThreadCpuTime();
          long alloc0 = threads.getCurrentThreadAllocatedBytes();
          for (int i = 0; i < n; i++) {
            mappers[m].readValue(json, type);
          }
          if (round >= 2) {
            micros[m] += (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
            bytes[m] += (threads.getCurrentThreadAllocatedBytes() - alloc0) / n;
          }
        }
      }
      int measured = rounds - 2;
      System.out.printf(
          "%-16s %6d %12.1f %12.1f %12d %12d%n",
          name,
          json.length,
          micros[0] / measured,
          micros[1] / measured,
          bytes[0] / measured,
          bytes[1] / measured);
    }
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = ParseCost.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("no resource " + path);
      }
      return in.readAllBytes();
    }
  }
}
