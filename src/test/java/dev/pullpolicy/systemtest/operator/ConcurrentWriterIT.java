package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.deletePolicy;
import static dev.pullpolicy.systemtest.operator.Fixtures.pullSecretNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.systemtest.support.AuditLog;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Another writer edits the same ServiceAccounts while the operator fans out, and the operator is
 * killed (SIGKILL) half-way: no entry of the other writer is lost, ours is there exactly once. The
 * other writer uses both ways other tools write: read-modify-write with the resourceVersion
 * (retried on a conflict) and a JSON patch that appends without reading.
 *
 * <p>The run's shared operator is stopped while this class runs.
 */
@SystemTest
class ConcurrentWriterIT {

  private static final int NAMESPACES = 30;
  private static final int MIN_ROUNDS = 4;
  private static final int MAX_ROUNDS = 40;

  @BeforeAll
  static void stopTheSharedOperator(TestCluster cluster) {
    OperatorProcess.shared(cluster).close();
  }

  @Test
  void anotherWritersEntriesSurviveAFanOutAndACrash(TestCluster cluster, KubernetesClient client)
      throws Exception {
    Fleet fleet = Fleet.create(cluster, client, "writer", NAMESPACES);
    OperatorProcess first = Fleet.operator(cluster, "writer-1", 1);
    AtomicBoolean operatorDone = new AtomicBoolean();
    AtomicInteger conflicts = new AtomicInteger();
    // The other writer goes round until the operator is done, so the two overlap throughout.
    CompletableFuture<Integer> writer =
        CompletableFuture.supplyAsync(
            () -> write(client, fleet.namespaces, operatorDone, conflicts));
    fleet.createPolicy(client, "");

    int atKill =
        Fleet.killWhen(
            first, () -> fleet.copies(client), n -> n >= NAMESPACES / 3 && n < NAMESPACES);
    OperatorProcess next = Fleet.operator(cluster, "writer-2", 16);
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  Fleet.serviceAccounts(client, fleet.namespaces, "builder").values().stream()
                      .allMatch(sa -> pullSecretNames(sa).contains(fleet.policy)));
      operatorDone.set(true);
      int rounds = writer.get(120, TimeUnit.SECONDS);
      Set<String> fleetNamespaces = Set.copyOf(fleet.namespaces);
      long allConflicts =
          cluster
              .auditLog()
              .map(
                  f ->
                      new AuditLog(f)
                          .events(
                              e ->
                                  e.code() == 409
                                      && "serviceaccounts".equals(e.resource())
                                      && fleetNamespaces.contains(e.namespace()))
                          .size())
              .orElse(-1);
      System.out.printf(
          "other writer: %d rounds over %d ServiceAccounts, %d of its writes refused as"
              + " conflicts; the operator's: %d (audit log); operator SIGKILLed at %d copies%n",
          rounds, NAMESPACES, conflicts.get(), allConflicts - conflicts.get(), atKill);
      fleet.awaitExact(client, Duration.ofSeconds(90));
      List<String> expected = new ArrayList<>(List.of(Fleet.OTHER_ENTRY));
      for (int r = 0; r < rounds; r++) {
        expected.add("other-" + r);
      }
      Fleet.serviceAccounts(client, fleet.namespaces, "builder")
          .values()
          .forEach(
              sa ->
                  assertThat(pullSecretNames(sa))
                      .as(sa.getMetadata().getNamespace() + "/builder")
                      .containsAll(expected)
                      .containsOnlyOnce(fleet.policy)
                      .doesNotHaveDuplicates()
                      .hasSize(expected.size() + 1));
      deletePolicy(client, fleet.policy); // while an operator runs to clean up after it
    } finally {
      next.close();
    }
  }

  /**
   * Adds other-0, other-1, ... to every builder ServiceAccount, a round at a time, alternating both
   * styles, until the operator is done (at least {@value #MIN_ROUNDS} rounds); returns the rounds.
   */
  private static int write(
      KubernetesClient client,
      List<String> namespaces,
      AtomicBoolean operatorDone,
      AtomicInteger conflicts) {
    int r = 0;
    for (; r < MIN_ROUNDS || (!operatorDone.get() && r < MAX_ROUNDS); r++) {
      String entry = "other-" + r;
      for (String ns : namespaces) {
        var sa = client.serviceAccounts().inNamespace(ns).withName("builder");
        if (r % 2 == 0) {
          while (true) {
            ServiceAccount current = sa.get();
            List<LocalObjectReference> refs = new ArrayList<>(current.getImagePullSecrets());
            refs.add(new LocalObjectReference(entry));
            current.setImagePullSecrets(refs);
            try {
              client.serviceAccounts().inNamespace(ns).resource(current).update();
              break;
            } catch (KubernetesClientException e) {
              if (e.getCode() != 409) {
                throw e;
              }
              conflicts.incrementAndGet();
            }
          }
        } else {
          sa.patch(
              PatchContext.of(PatchType.JSON),
              "[{\"op\":\"add\",\"path\":\"/imagePullSecrets/-\",\"value\":{\"name\":\""
                  + entry
                  + "\"}}]");
        }
      }
    }
    return r;
  }
}
