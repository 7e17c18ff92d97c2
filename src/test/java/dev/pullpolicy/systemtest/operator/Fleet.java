package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * For the fault tests: a policy over many namespaces, each with the {@code default} ServiceAccount
 * and a {@code builder} ServiceAccount that already carries another writer's entry ({@code kept});
 * and the checks that the end state is exact: every namespace has the copy, every selected
 * ServiceAccount the entry exactly once, nobody else's entry lost.
 */
final class Fleet {

  static final String OTHER_ENTRY = "kept";
  static final List<String> SERVICE_ACCOUNTS = List.of("default", "builder");

  final String policy;
  final String sourceNamespace;
  final String user;
  final List<String> namespaces;

  private Fleet(String policy, String sourceNamespace, String user, List<String> namespaces) {
    this.policy = policy;
    this.sourceNamespace = sourceNamespace;
    this.user = user;
    this.namespaces = namespaces;
  }

  /** Namespaces labelled for the policy (not yet created: see {@link #createPolicy}). */
  static Fleet create(TestCluster cluster, KubernetesClient client, String prefix, int size) {
    String policy = cluster.uniqueName(prefix);
    String src = cluster.newNamespace("src");
    String user = "user-" + policy;
    source(client, src, "creds", "registry.acme.io", user);
    List<String> namespaces = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String ns = cluster.newNamespace(prefix, Map.of("fleet", policy));
      client
          .serviceAccounts()
          .inNamespace(ns)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("builder")
                  .endMetadata()
                  .withImagePullSecrets(new LocalObjectReference(OTHER_ENTRY))
                  .build())
          .create();
      namespaces.add(ns);
    }
    // The controller manager adds each namespace's default ServiceAccount: wait, so that every
    // run starts from the same state.
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> serviceAccounts(client, namespaces, "default").size() == size);
    return new Fleet(policy, src, user, Collections.unmodifiableList(namespaces));
  }

  void createPolicy(KubernetesClient client, String extraSpec) {
    policy(
        client,
        policy,
        """
          sources: [{namespace: %s, name: creds}]
          namespaces: {selector: {matchLabels: {fleet: %s}}}
          serviceAccounts: {names: [default, builder]}
        """
                .formatted(sourceNamespace, policy)
            + extraSpec);
  }

  /** How many copies of this policy exist (one list request). */
  int copies(KubernetesClient client) {
    return client
        .secrets()
        .inAnyNamespace()
        .withLabel(PullPolicyLabels.POLICY, policy)
        .list()
        .getItems()
        .size();
  }

  /**
   * Polls {@code progress} until {@code when} holds and kills the operator (SIGKILL) at once;
   * returns the progress seen just before the kill.
   */
  static int killWhen(OperatorProcess operator, IntSupplier progress, IntPredicate when) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      int seen = progress.getAsInt();
      if (when.test(seen)) {
        operator.kill();
        return seen;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the awaited progress never came; log: " + operator.logFile());
  }

  /** An operator of its own: no leader election (a restart need not wait for the Lease). */
  static OperatorProcess operator(TestCluster cluster, String name, int writeConcurrency) {
    return OperatorProcess.start(
        cluster,
        cluster.uniqueName(name),
        Map.of(
            "PULLPOLICY_LEADER_ELECTION_ENABLED",
            "false",
            "PULLPOLICY_WRITE_CONCURRENCY",
            Integer.toString(writeConcurrency)));
  }

  /** Waits until the end state is exact (see the class comment) and the policy is Ready. */
  void awaitExact(KubernetesClient client, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertExact(client));
  }

  void assertExact(KubernetesClient client) {
    Map<String, Secret> copies = new HashMap<>();
    client
        .secrets()
        .inAnyNamespace()
        .withLabel(PullPolicyLabels.POLICY, policy)
        .list()
        .getItems()
        .forEach(s -> copies.put(s.getMetadata().getNamespace(), s));
    assertThat(copies.keySet())
        .as("namespaces with a copy")
        .containsExactlyInAnyOrderElementsOf(namespaces);
    copies.values().forEach(s -> assertThat(configOf(s)).contains(user));
    for (String name : SERVICE_ACCOUNTS) {
      Map<String, ServiceAccount> sas = serviceAccounts(client, namespaces, name);
      assertThat(sas).hasSize(namespaces.size());
      sas.values()
          .forEach(
              sa ->
                  assertThat(pullSecretNames(sa))
                      .as("%s/%s", sa.getMetadata().getNamespace(), name)
                      .containsOnlyOnce(policy)
                      .containsAll(name.equals("builder") ? List.of(OTHER_ENTRY) : List.of())
                      .doesNotHaveDuplicates());
    }
    PullCredentialPolicy p = get(client, policy);
    assertThat(condition(p, PullPolicyLabels.CONDITION_READY))
        .as("Ready of %s", policy)
        .isNotNull()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(p.getStatus().getNamespaces().getSynced()).isEqualTo(namespaces.size());
    assertThat(p.getStatus().getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
  }

  /** After the policy's deletion: no copy, no entry of ours, every other entry kept. */
  void assertCleanedUp(KubernetesClient client) {
    assertThat(get(client, policy)).as("policy gone (finalizer removed)").isNull();
    assertThat(copies(client)).as("copies left").isZero();
    for (String name : SERVICE_ACCOUNTS) {
      serviceAccounts(client, namespaces, name)
          .values()
          .forEach(
              sa -> {
                assertThat(pullSecretNames(sa))
                    .as("%s/%s", sa.getMetadata().getNamespace(), name)
                    .isEqualTo(name.equals("builder") ? List.of(OTHER_ENTRY) : List.of());
                assertThat(
                        sa.getMetadata().getAnnotations() == null
                            ? Map.of()
                            : sa.getMetadata().getAnnotations())
                    .doesNotContainKey(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES);
              });
    }
  }

  /** The ServiceAccounts with that name in these namespaces, by namespace (one list request). */
  static Map<String, ServiceAccount> serviceAccounts(
      KubernetesClient client, List<String> namespaces, String name) {
    Set<String> wanted = Set.copyOf(namespaces);
    return client.serviceAccounts().inAnyNamespace().list().getItems().stream()
        .filter(sa -> wanted.contains(sa.getMetadata().getNamespace()))
        .filter(sa -> sa.getMetadata().getName().equals(name))
        .collect(
            Collectors.toMap(
                sa -> sa.getMetadata().getNamespace(), sa -> sa, (a, b) -> a, LinkedHashMap::new));
  }
}
