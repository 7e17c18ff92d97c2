package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A reconcile that an event about one namespace triggers plans that namespace only (a partial
 * pass); the status still covers every namespace and says what a full pass says; and a full pass
 * still comes once per resync interval while events keep arriving, so that a missed event is caught
 * up. The passes are counted by the operator's metrics ({@code pullpolicy_passes_total}, {@code
 * pullpolicy_pass_namespaces_total}, by policy and kind).
 *
 * <p>Runs an operator of its own (the run's shared one is stopped), with a short resync interval.
 */
@SystemTest
class PartialPassIT {

  /** The operator's resync interval here: a full pass at least this often. */
  static final Duration RESYNC = Duration.ofSeconds(4);

  private static OperatorProcess operator(TestCluster cluster) {
    OperatorProcess.stopShared(cluster);
    return OperatorProcess.start(
        cluster,
        cluster.uniqueName("partial"),
        Map.of(
            "PULLPOLICY_LEADER_ELECTION_ENABLED",
            "false",
            "QUARKUS_OPERATOR_SDK_CONTROLLERS_PULLCREDENTIALPOLICY_MAX_RECONCILIATION_INTERVAL",
            RESYNC.toSeconds() + "S"));
  }

  @Test
  void anEventAboutOneNamespacePlansThatNamespaceAloneAndTheStatusStillCoversAll(
      TestCluster cluster, KubernetesClient client) throws Exception {
    try (OperatorProcess operator = operator(cluster)) {
      String prefix = cluster.uniqueName("part");
      String src = cluster.newNamespace("src");
      source(client, src, "creds", "registry.acme.io", "kim");
      List<String> namespaces = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        namespaces.add(cluster.newNamespace(prefix));
      }
      policy(
          client,
          prefix,
          "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
              .formatted(src, prefix));
      awaitReady(client, prefix, 12);

      // One new namespace at a time, each right after the last one's entry: the passes its
      // events trigger plan about one namespace each, not all of them (a full pass may come
      // meanwhile, once per resync interval: it is counted apart)
      Passes before = Passes.of(operator, prefix);
      int added = 4;
      for (int i = 0; i < added; i++) {
        String ns = cluster.newNamespace(prefix);
        awaitServiceAccount(client, ns, "default", sa -> pullSecretNames(sa).contains(prefix));
      }
      Passes after = Passes.of(operator, prefix);
      long partial = after.partial() - before.partial();
      double plannedPerPass = (after.partialPlanned() - before.partialPlanned()) / (double) partial;
      System.out.printf(
          "%d new namespaces: %d partial passes planning %.2f namespaces each, %d full passes"
              + " (of %d namespaces)%n",
          added, partial, plannedPerPass, after.full() - before.full(), 12 + added);
      assertThat(partial).as("partial passes").isGreaterThanOrEqualTo(added);
      assertThat(plannedPerPass).as("namespaces planned per partial pass").isLessThan(3);

      // the status counts every namespace, exactly as a full pass does
      PullCredentialPolicy ready = awaitReady(client, prefix, 12 + added);
      assertThat(ready.getStatus().getServiceAccounts().getPatched()).isEqualTo(12 + added);
    }
  }

  @Test
  void partialPassesReportWhatAFullPassReportsAndAFullPassComesWhileEventsKeepComing(
      TestCluster cluster, KubernetesClient client) throws Exception {
    try (OperatorProcess operator = operator(cluster)) {
      String prefix = cluster.uniqueName("agree");
      String src = cluster.newNamespace("src");
      source(client, src, "creds", "registry.acme.io", "lee");
      List<String> ns = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ns.add(cluster.newNamespace(prefix, Map.of("team", "a")));
      }
      policy(
          client,
          prefix,
          """
            sources: [{namespace: %s, name: creds}]
            namespaces: {include: ["%s-*"], selector: {matchLabels: {team: a}}}
          """
              .formatted(src, prefix));
      awaitReady(client, prefix, 6);

      // changes, each reaching the operator as an event about one namespace
      client.namespaces().withName(ns.get(0)).edit(n -> withIgnore(n)); // opts out
      client.namespaces().withName(ns.get(1)).edit(n -> withoutTeam(n)); // stops matching
      client.namespaces().withName(ns.get(2)).delete(); // goes
      String added = cluster.newNamespace(prefix, Map.of("team", "a")); // comes
      String taken = cluster.newNamespace(prefix); // not selected yet
      client
          .secrets()
          .inNamespace(taken)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(prefix)
                  .endMetadata()
                  .withType("kubernetes.io/dockerconfigjson")
                  .addToData(".dockerconfigjson", b64(dockerConfig("other.io", "u", "p")))
                  .build())
          .create(); // the target name taken by a Secret that is not ours
      client.namespaces().withName(taken).edit(n -> withTeam(n)); // selected now: a conflict

      PullCredentialPolicy settled =
          awaitPolicy(
              client,
              prefix,
              p ->
                  p.getStatus().getNamespaces().getSelected() == 5
                      && p.getStatus().getNamespaces().getSynced() == 4
                      && p.getStatus().getNamespaces().getIgnored() == 1
                      && p.getStatus().getNamespaces().getConflicts() == 1);
      awaitSecret(client, added, prefix, s -> true);
      assertThat(secret(client, ns.get(0), prefix)).as("opted out: copy removed").isNull();
      assertThat(secret(client, ns.get(1), prefix)).as("no longer selected: removed").isNull();
      assertThat(settled.getStatus().getFailures())
          .singleElement()
          .satisfies(f -> assertThat(f.getNamespace()).isEqualTo(taken));

      // events keep coming (a label of a selected namespace changes every half second, each
      // change triggering a reconcile, so that JOSDK's own resync timer never fires): full passes
      // still come once per resync interval, and agree with the partial passes' status
      Passes before = Passes.of(operator, prefix);
      long start = System.nanoTime();
      int tick = 0;
      while (System.nanoTime() - start < RESYNC.multipliedBy(3).toNanos()) {
        String value = Integer.toString(++tick);
        client
            .namespaces()
            .withName(ns.get(3))
            .edit(
                n -> {
                  n.getMetadata().getLabels().put("tick", value);
                  return n;
                });
        Thread.sleep(500);
      }
      Passes after = Passes.of(operator, prefix);
      System.out.printf(
          "events for %d s: %d full passes, %d partial ones%n",
          RESYNC.multipliedBy(3).toSeconds(),
          after.full() - before.full(),
          after.partial() - before.partial());
      assertThat(after.full() - before.full()).as("full passes").isGreaterThanOrEqualTo(2);
      PullCredentialPolicyStatus now = get(client, prefix).getStatus();
      assertThat(now.getNamespaces()).isEqualTo(settled.getStatus().getNamespaces());
      assertThat(now.getServiceAccounts()).isEqualTo(settled.getStatus().getServiceAccounts());
      assertThat(now.getFailures()).isEqualTo(settled.getStatus().getFailures());
    }
  }

  private static io.fabric8.kubernetes.api.model.Namespace withIgnore(
      io.fabric8.kubernetes.api.model.Namespace n) {
    n.getMetadata()
        .setAnnotations(
            new java.util.HashMap<>(
                n.getMetadata().getAnnotations() == null
                    ? Map.of()
                    : n.getMetadata().getAnnotations()));
    n.getMetadata().getAnnotations().put(PullPolicyLabels.IGNORE, "true");
    return n;
  }

  private static io.fabric8.kubernetes.api.model.Namespace withTeam(
      io.fabric8.kubernetes.api.model.Namespace n) {
    n.getMetadata().getLabels().put("team", "a");
    return n;
  }

  private static io.fabric8.kubernetes.api.model.Namespace withoutTeam(
      io.fabric8.kubernetes.api.model.Namespace n) {
    n.getMetadata().getLabels().remove("team");
    return n;
  }

  /** The operator's pass counters for one policy, from its Prometheus endpoint. */
  record Passes(long full, long partial, long partialPlanned) {
    static Passes of(OperatorProcess operator, String policy) throws Exception {
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + operator.port() + "/q/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return new Passes(
          sum(body, "pullpolicy_passes_total", policy, "full"),
          sum(body, "pullpolicy_passes_total", policy, "partial"),
          sum(body, "pullpolicy_pass_namespaces_total", policy, "partial"));
    }

    private static long sum(String body, String metric, String policy, String kind) {
      return body.lines()
          .filter(l -> l.startsWith(metric + "{"))
          .filter(
              l -> l.contains("policy=\"" + policy + "\"") && l.contains("kind=\"" + kind + "\""))
          .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    }
  }
}
