package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the operator asks of the API server, read from the audit log: never a cluster-wide Secret
 * list or watch, no writes in steady state; terminating namespaces skipped; scale.
 */
@SystemTest
class ApiFootprintIT {

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  /** One completed request, with the User-Agent (which tells the operator apart). */
  record Request(String userAgent, String verb, String uri, String resource, Instant received) {
    boolean isWrite() {
      return Set.of("create", "update", "patch", "delete", "deletecollection").contains(verb);
    }
  }

  /**
   * The completed requests of fabric8 clients (the operator's, and this test's own, which neither
   * list Secrets nor write Secrets, ServiceAccounts or policies in the window checked), read from
   * the audit log. The local control plane's controller manager uses the same user, so the
   * User-Agent tells them apart.
   */
  private static List<Request> operatorRequests(Path auditLog) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Request> out = new ArrayList<>();
    for (String line : Files.readAllLines(auditLog)) {
      JsonNode n;
      try {
        n = json.readTree(line);
      } catch (IOException partial) {
        continue;
      }
      if (!"ResponseComplete".equals(n.path("stage").asText())
          || !n.path("userAgent").asText().contains("fabric8-kubernetes-client")) {
        continue;
      }
      out.add(
          new Request(
              n.path("userAgent").asText(),
              n.path("verb").asText(),
              n.path("requestURI").asText(),
              n.path("objectRef").path("resource").asText(""),
              Instant.parse(n.path("requestReceivedTimestamp").asText())));
    }
    return out;
  }

  private static final Set<String> WATCHED_WRITES =
      Set.of("secrets", "serviceaccounts", "pullcredentialpolicies", "events");

  /** When the last write to what the operator writes was received, or null. */
  private static Instant lastWrite(List<Request> requests) {
    return requests.stream()
        .filter(r -> r.isWrite() && WATCHED_WRITES.contains(r.resource()))
        .map(Request::received)
        .max(Instant::compareTo)
        .orElse(null);
  }

  /** The operator's reconciles of a policy so far, from its Prometheus metrics. */
  private static long reconciles(OperatorProcess operator, String policy) throws Exception {
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operator.port() + "/q/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return metrics
        .body()
        .lines()
        .filter(l -> l.startsWith("pullpolicy_reconciles_total{"))
        .filter(l -> l.contains("policy=\"" + policy + "\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void neverListsOrWatchesAllSecretsAndMakesNoWritesInSteadyState(
      TestCluster cluster, KubernetesClient client) throws Exception {
    Assumptions.assumeTrue(
        cluster.auditLog().isPresent(), "needs the local control plane's audit log");
    Path auditLog = cluster.auditLog().get();
    String prefix = cluster.uniqueName("quiet");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "judy");
    String ns = cluster.newNamespace(prefix);
    cluster.newNamespace(prefix);
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    awaitReady(client, prefix, 2);
    awaitServiceAccount(client, ns, "default", sa -> pullSecretNames(sa).contains(prefix));
    // the fan-out is over when the audit log shows no write for a while
    Instant quietFrom =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  Instant last = lastWrite(operatorRequests(auditLog));
                  Instant now = Instant.now();
                  return last == null || last.isBefore(now.minusSeconds(2)) ? now : null;
                },
                Objects::nonNull);
    long reconcilesBefore = reconciles(OperatorProcess.shared(cluster), prefix);

    // events that make the policy reconcile, with nothing to change (the unrelated namespace
    // concerns no policy at all)
    cluster.newNamespace("unrelated");
    client
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("touched", "yes");
              return n;
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> reconciles(OperatorProcess.shared(cluster), prefix) > reconcilesBefore);
    // everything the operator did in that reconcile is in the audit log once a request made
    // after it is
    Instant marker = Instant.now();
    client.namespaces().withName(ns).get();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                operatorRequests(auditLog).stream()
                    .anyMatch(
                        r ->
                            r.verb().equals("get")
                                && r.uri().equals("/api/v1/namespaces/" + ns)
                                && !r.received().isBefore(marker.minusSeconds(1))));

    List<Request> requests = operatorRequests(auditLog);
    assertThat(requests).as("the operator's requests are in the audit log").isNotEmpty();
    assertThat(
            requests.stream()
                .filter(r -> r.isWrite() && r.received().isAfter(quietFrom))
                // the leader's Lease renewals are expected; the test itself edits namespaces
                .filter(r -> WATCHED_WRITES.contains(r.resource())))
        .as("writes in steady state")
        .isEmpty();
    assertThat(
            requests.stream()
                .filter(r -> r.uri().startsWith("/api/v1/secrets"))
                .filter(r -> !r.uri().contains("labelSelector")))
        .as("cluster-wide Secret requests without a label selector")
        .isEmpty();
    assertThat(
            requests.stream()
                .filter(r -> r.uri().startsWith("/api/v1/namespaces/" + src + "/secrets?"))
                .filter(r -> r.verb().equals("list") || r.verb().equals("watch")))
        .as("source reads are by name")
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.uri()).contains("fieldSelector=metadata.name"));
  }

  @Test
  void terminatingNamespaceIsSkippedQuietly(TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("term");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "kim");
    String live = cluster.newNamespace(prefix);
    String dying = cluster.newNamespace(prefix);
    client
        .configMaps()
        .inNamespace(dying)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("hold")
                .withFinalizers("pullpolicy.dev/test-hold")
                .endMetadata()
                .build())
        .create();
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    awaitReady(client, prefix, 2);
    client.namespaces().withName(dying).delete();
    try {
      PullCredentialPolicy p = awaitReady(client, prefix, 1);
      assertThat(p.getStatus().getNamespaces().getSelected()).isEqualTo(1);
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                PullCredentialPolicy x = get(client, prefix);
                return x.getStatus().getFailures().isEmpty()
                    && x.getStatus().getNamespaces().getSelected() == 1;
              });
      assertThat(secret(client, live, prefix)).isNotNull();
    } finally {
      client
          .configMaps()
          .inNamespace(dying)
          .withName("hold")
          .edit(
              c -> {
                c.getMetadata().setFinalizers(List.of());
                return c;
              });
    }
  }

  @Test
  void reachesReadyOverOneHundredNamespaces(TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("scale");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "leo");
    for (int i = 0; i < 100; i++) {
      cluster.newNamespace(prefix, Map.of("scale", prefix));
    }
    // the default ServiceAccounts appear on their own; wait so the measure is the operator's
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                client.serviceAccounts().inAnyNamespace().withLabel("none-such").list() != null
                    && client.namespaces().withLabel("scale", prefix).list().getItems().stream()
                        .allMatch(
                            n ->
                                client
                                        .serviceAccounts()
                                        .inNamespace(n.getMetadata().getName())
                                        .withName("default")
                                        .get()
                                    != null));
    long start = System.nanoTime();
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {selector: {matchLabels: {scale: %s}}}\n"
            .formatted(src, prefix));
    PullCredentialPolicy p =
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> get(client, prefix),
                x ->
                    x.getStatus() != null
                        && x.getStatus().getNamespaces().getSynced() == 100
                        && x.getStatus().getServiceAccounts().getPatched() == 100);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "policy Ready over 100 namespaces (100 copies, 100 ServiceAccounts) in %d ms%n", millis);
    assertThat(millis).isLessThan(60_000);
    deletePolicy(client, prefix);
  }
}
