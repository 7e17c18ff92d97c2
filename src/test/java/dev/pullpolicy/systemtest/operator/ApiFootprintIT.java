package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.systemtest.support.AuditLog;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  private static final Set<String> OUR_RESOURCES =
      Set.of("secrets", "serviceaccounts", "pullcredentialpolicies", "events");

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  /** The user the admin kubeconfig (and so the shared operator) authenticates as. */
  private static String adminUser(AuditLog audit, String ns) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () ->
                audit
                    .events(
                        e ->
                            e.verb().equals("create")
                                && e.resource().equals("namespaces")
                                && e.name().equals(ns))
                    .stream()
                    .map(AuditLog.Event::user)
                    .findFirst()
                    .orElse(null),
            u -> u != null);
  }

  @Test
  void neverListsOrWatchesAllSecretsAndMakesNoWritesInSteadyState(
      TestCluster cluster, KubernetesClient client) throws Exception {
    Assumptions.assumeTrue(
        cluster.auditLog().isPresent(), "needs the local control plane's audit log");
    AuditLog audit = new AuditLog(cluster.auditLog().get());
    String prefix = cluster.uniqueName("quiet");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "judy");
    String ns = cluster.newNamespace(prefix);
    cluster.newNamespace(prefix);
    String user = adminUser(audit, ns);
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    awaitReady(client, prefix, 2);
    awaitServiceAccount(client, ns, "default", sa -> pullSecretNames(sa).contains(prefix));
    Thread.sleep(3000);
    Instant quietFrom = Instant.now();

    // events that make every policy reconcile, with nothing to change
    client
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("touched", "yes");
              return n;
            });
    cluster.newNamespace("unrelated");
    Thread.sleep(6000);

    List<AuditLog.Event> writes =
        audit.events(
            e ->
                e.user().equals(user)
                    && e.isWrite()
                    && OUR_RESOURCES.contains(e.resource())
                    && Instant.parse(e.requestReceived()).isAfter(quietFrom));
    assertThat(writes).as("writes in steady state").isEmpty();

    List<AuditLog.Event> clusterWideSecrets =
        audit.events(
            e ->
                e.user().equals(user)
                    && e.requestUri().startsWith("/api/v1/secrets")
                    && !e.requestUri().contains("labelSelector"));
    assertThat(clusterWideSecrets)
        .as("cluster-wide Secret requests without a label selector")
        .isEmpty();
    List<AuditLog.Event> sourceReads =
        audit.events(
            e ->
                e.user().equals(user)
                    && e.requestUri().startsWith("/api/v1/namespaces/" + src + "/secrets"));
    assertThat(sourceReads)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.requestUri()).contains("fieldSelector=metadata.name"));
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
