package dev.pullpolicy.systemtest.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's own code as a program: {@code src/test/cluster/k8s/kubelet-oracle}, built from the
 * same Kubernetes module (and with the same build flags, so the Go build cache of the control
 * plane's compile serves it) as the kubelet the system tests run. Built into {@code target/} on
 * first use; Go rebuilds only when its source changed.
 */
final class KubeletOracle {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Path target;
  private Duration buildTime = Duration.ZERO;

  KubeletOracle(Path root, Path target) {
    this.root = root;
    this.target = target;
  }

  Duration buildTime() {
    return buildTime;
  }

  /** Builds the oracle (a no-op when up to date) and returns its path. */
  Path build() {
    Path binary = target.resolve("kubelet-oracle");
    Path module = root.resolve("src/test/cluster/k8s");
    long start = System.nanoTime();
    ProcessBuilder pb =
        new ProcessBuilder(
                "go",
                "build",
                "-trimpath",
                "-tags",
                "selinux,notest",
                "-o",
                binary.toString(),
                "./kubelet-oracle")
            .directory(module.toFile())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("GOTOOLCHAIN", "local");
    env.put("GOWORK", "off");
    env.put("CGO_ENABLED", "0");
    env.put("GOFLAGS", "-mod=readonly");
    run(pb, Duration.ofMinutes(20), null, target.resolve("kubelet-oracle-build.log"));
    buildTime = Duration.ofNanos(System.nanoTime() - start);
    return binary;
  }

  /** Writes the corpus, runs the oracle over it and returns its answers by case id. */
  Map<String, JsonNode> answer(Path binary, List<KubeletCorpus.Case> cases) {
    Path in = target.resolve("kubelet-corpus.jsonl");
    Path out = target.resolve("kubelet-answers.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.UTF_8)) {
      for (KubeletCorpus.Case c : cases) {
        w.write(JSON.writeValueAsString(toJson(c)));
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(
        new ProcessBuilder(binary.toString()).redirectInput(in.toFile()),
        Duration.ofMinutes(10),
        out,
        target.resolve("kubelet-oracle.log"));
    Map<String, JsonNode> answers = new java.util.LinkedHashMap<>();
    try (BufferedReader r = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode a = JSON.readTree(line);
        answers.put(a.get("id").asText(), a);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return answers;
  }

  private static ObjectNode toJson(KubeletCorpus.Case c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", c.id());
    o.put("image", c.image());
    ArrayNode secrets = o.putArray("secrets");
    for (KubeletCorpus.Secret s : c.secrets()) {
      ObjectNode so = secrets.addObject();
      so.put("name", s.name());
      so.put("type", s.type());
      ObjectNode data = so.putObject("data");
      s.data().forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v)));
    }
    return o;
  }

  private static void run(ProcessBuilder pb, Duration timeout, Path stdout, Path log) {
    if (stdout != null) {
      pb.redirectOutput(stdout.toFile()).redirectError(log.toFile());
    } else {
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
    }
    try {
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(pb.command() + " timed out; see " + log);
      }
      if (p.exitValue() != 0) {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        throw new IllegalStateException(
            pb.command()
                + " failed ("
                + p.exitValue()
                + "): "
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
