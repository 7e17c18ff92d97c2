package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.DeployedJvm;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.ProcessMemory;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The case (issue 11, defect 2): one source of about 1 MiB (thousands of registries) fanned
 * out to a few hundred namespaces, by an operator in the JVM the Deployment gives it (its memory
 * limit as {@code -XX:MaxRAM}, its {@code JAVA_TOOL_OPTIONS}: see {@link DeployedJvm}). An operator
 * that kept every copy's data would need more heap than that (300 copies of 1.4 MB of base64 each)
 * and, with {@code -XX:+ExitOnOutOfMemoryError}, exit; this one converges, stays alive and ready,
 * and after a restart (a fresh list of every copy) finds every copy in sync from their hashes
 * alone, writing nothing. The memory figures are printed, never asserted.
 *
 * <p>The run's shared operator is stopped while this class runs.
 */
@SystemTest
class LargeSourceIT {

  private static final int NAMESPACES = 300;
  private static final Duration CONVERGE = Duration.ofMinutes(5);

  @BeforeAll
  static void stopTheSharedOperator(TestCluster cluster) {
    OperatorProcess.shared(cluster).close();
  }

  @Test
  void aOneMebibyteSourceReachesThreeHundredNamespacesWithinTheDeploymentsMemoryLimit(
      TestCluster cluster, KubernetesClient client) throws Exception {
    String policy = cluster.uniqueName("large");
    String src = cluster.newNamespace("src");
    String big = TrustIT.maximal();
    TrustIT.pullSecret(client, src, "creds", big);
    List<String> namespaces = namespaces(cluster, policy);
    DeployedJvm jvm = DeployedJvm.of(cluster.repoRoot());

    OperatorProcess operator = Fleet.operator(cluster, "large", 16);
    try {
      long start = System.nanoTime();
      policy(
          client,
          policy,
          """
            sources: [{namespace: %s, name: creds}]
            namespaces: {selector: {matchLabels: {large: %s}}}
          """
              .formatted(src, policy));
      PullCredentialPolicy ready = awaitConverged(client, operator, policy);
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      report("fan-out", operator, jvm, seconds);
      assertThat(ready.getStatus().getNamespaces().getFailed()).isZero();
      Secret sample = secret(client, namespaces.get(NAMESPACES / 2), policy);
      assertThat(configOf(sample)).hasSize(big.length());

      // a restart lists every copy again (in pages) and must find them in sync by hash alone
      operator.close();
      operator = Fleet.operator(cluster, "large-again", 16);
      OperatorProcess restarted = operator;
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> reconciles(restarted) >= 1);
      assertThat(operator.isAlive()).isTrue();
      assertThat(operator.isReady()).isTrue();
      assertThat(secret(client, sample.getMetadata().getNamespace(), policy))
          .as("a restart writes nothing: the copies are in sync")
          .satisfies(
              s ->
                  assertThat(s.getMetadata().getResourceVersion())
                      .isEqualTo(sample.getMetadata().getResourceVersion()));
      assertThat(condition(get(client, policy), PullPolicyLabels.CONDITION_READY).getStatus())
          .isEqualTo("True");
      report("restart", operator, jvm, -1);

      deletePolicy(client, policy);
      assertThat(operator.isAlive()).isTrue();
      // the next tests should not share the control plane with 300 MB of namespaces going away
      namespaces.forEach(ns -> client.namespaces().withName(ns).delete());
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> client.namespaces().withLabel("large", policy).list().getItems().isEmpty());
    } finally {
      // whatever happened, leave no large copies for the next operator: the namespaces take them
      client.resources(PullCredentialPolicy.class).withName(policy).delete();
      namespaces.forEach(ns -> client.namespaces().withName(ns).delete());
      operator.close();
    }
  }

  /** NAMESPACES namespaces labelled for the policy, made 8 at a time. */
  private static List<String> namespaces(TestCluster cluster, String policy) {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      return IntStream.range(0, NAMESPACES)
          .mapToObj(
              i ->
                  CompletableFuture.supplyAsync(
                      () -> cluster.newNamespace(policy, Map.of("large", policy)), pool))
          .toList()
          .stream()
          .map(CompletableFuture::join)
          .collect(Collectors.toList());
    } finally {
      pool.shutdown();
    }
  }

  /** Waits until every namespace has its copy and the policy is Ready, the operator alive. */
  private static PullCredentialPolicy awaitConverged(
      KubernetesClient client, OperatorProcess operator, String policy) {
    return await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofSeconds(1))
        .failFast(
            "the operator exited (log: " + operator.logFile() + ")", () -> !operator.isAlive())
        .until(
            () -> get(client, policy),
            p ->
                p != null
                    && p.getStatus() != null
                    && p.getStatus().getNamespaces().getSynced() == NAMESPACES
                    && condition(p, PullPolicyLabels.CONDITION_READY) != null
                    && "True".equals(condition(p, PullPolicyLabels.CONDITION_READY).getStatus()));
  }

  private static void report(String stage, OperatorProcess operator, DeployedJvm jvm, long seconds)
      throws Exception {
    double rss = operator.rssMb();
    double peak = operator.peakRssMb();
    double heap = operator.heapUsedAfterGcMb();
    System.out.printf(
        "large source, %d namespaces, %s%s: heap in use after GC %.1f MiB of %s MiB max;"
            + " RSS %.1f MiB, peak %.1f MiB, of the Deployment's %d MiB limit; alive %s, ready %s%n",
        NAMESPACES,
        stage,
        seconds >= 0 ? " in " + seconds + " s" : "",
        heap,
        maxHeapMb(operator),
        rss,
        peak,
        jvm.memoryLimitBytes() / (1024 * 1024),
        operator.isAlive(),
        operator.isReady());
    assertThat(operator.isAlive()).as("alive after the %s", stage).isTrue();
    assertThat(operator.isReady()).as("ready after the %s", stage).isTrue();
  }

  private static String maxHeapMb(OperatorProcess operator) throws InterruptedException {
    Matcher m =
        Pattern.compile("MaxHeapSize=(\\d+)")
            .matcher(ProcessMemory.jcmd(operator.pid(), "VM.flags"));
    return m.find() ? Long.toString(Long.parseLong(m.group(1)) / (1024 * 1024)) : "?";
  }

  /** The operator's reconciles so far (pullpolicy_reconciles_total on /q/metrics). */
  private static double reconciles(OperatorProcess operator) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.port() + "/q/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      String body =
          HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      for (String line : body.split("\n")) {
        if (line.startsWith("pullpolicy_reconciles_total{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (Exception e) {
      return 0;
    }
  }
}
