package dev.pullpolicy.systemtest.admission;

import static dev.pullpolicy.systemtest.support.ServiceAccountAdmission.awaitEntry;
import static dev.pullpolicy.systemtest.support.ServiceAccountAdmission.probeAccount;
import static dev.pullpolicy.systemtest.support.ServiceAccountAdmission.pullSecrets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.ServiceAccountAdmission;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the admission policy of {@code deploy/} does to a ServiceAccount as it is created, with the
 * operator running beside it: it adds exactly the entry the reconciler would add, keeps every other
 * entry, adds nothing outside the selection, and the reconciler stays the source of truth (it reads
 * admission's record, repairs what admission missed and removes what it added when the policy
 * goes). Each ServiceAccount is looked at as the API server stored it at creation (the create's
 * answer), before the operator could touch it.
 */
@SystemTest
class ServiceAccountAdmissionIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static String source;

  @BeforeAll
  static void installAdmissionAndRunTheOperator(TestCluster cluster, KubernetesClient client) {
    ServiceAccountAdmission.install(cluster);
    OperatorProcess.shared(cluster);
    source = cluster.newNamespace("adm-src");
    Workloads.dockerConfigSecret(
        client,
        source,
        "creds",
        "{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
  }

  @AfterAll
  static void removeAdmission(KubernetesClient client) {
    ServiceAccountAdmission.uninstall(client);
  }

  @Test
  void newServiceAccountIsBornWithTheEntryAndTheRecordTheReconcilerReads(
      TestCluster cluster, KubernetesClient client) {
    String probeNs = cluster.newNamespace("adm-probe");
    String ns = cluster.uniqueName("adm-born");
    String policy = policy(cluster, client, "namespaces: {include: [" + ns + ", " + probeNs + "]}");
    ServiceAccountAdmission.awaitPoliciesSoFar(cluster, client, probeNs);

    ServiceAccount def = bornDefault(cluster, client, ns);
    assertThat(pullSecrets(def)).containsExactly(policy);
    assertThat(ServiceAccountEntries.recorded(def)).containsExactly(Map.entry(policy, policy));
    // names unset: only "default" is selected
    assertThat(pullSecrets(create(client, ns, "builder", List.of(), Map.of()))).isEmpty();

    // the reconciler reads admission's record as its own: deleting the policy removes the entry
    deletePolicy(client, policy);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> client.serviceAccounts().inNamespace(ns).withName("default").get(),
            sa -> pullSecrets(sa).isEmpty() && ServiceAccountEntries.recorded(sa).isEmpty());
  }

  @Test
  void serviceAccountsOutsideTheSelectionAreNeverTouched(
      TestCluster cluster, KubernetesClient client) {
    Map<String, String> label = Map.of("adm-test", "yes");
    String selected = cluster.newNamespace("adm-in", label);
    String other = cluster.newNamespace("adm-out", label);
    String optedOut =
        cluster.newNamespace("adm-optout", label, Map.of(PullPolicyLabels.IGNORE, "TRUE"));
    String unlabelled = cluster.newNamespace("adm-unlabelled");
    String policy =
        policy(
            cluster,
            client,
            """
            namespaces: {include: [%s, %s, %s], selector: {matchLabels: {adm-test: "yes"}}}
              serviceAccounts: {names: [builder], selector: {matchLabels: {pull: "yes"}}}
            """
                .formatted(selected, optedOut, unlabelled));
    ServiceAccountAdmission.awaitPoliciesSoFar(cluster, client, selected);

    assertThat(pullSecrets(create(client, selected, "builder", List.of(), Map.of())))
        .contains(policy);
    assertThat(pullSecrets(create(client, selected, "ci", List.of(), Map.of("pull", "yes"))))
        .contains(policy);
    ServiceAccount notNamed = create(client, selected, "web", List.of(), Map.of("pull", "no"));
    assertThat(pullSecrets(notNamed)).doesNotContain(policy);
    for (String ns : List.of(other, optedOut, unlabelled)) {
      ServiceAccount untouched = create(client, ns, "builder", List.of(), Map.of());
      assertThat(untouched.getImagePullSecrets()).as(ns).isEmpty();
      assertThat(untouched.getMetadata().getAnnotations()).as(ns).isNullOrEmpty();
    }
  }

  @Test
  void creatorsOwnEntriesAreKeptAndNoEntryIsEverDuplicated(
      TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("adm-keep");
    String policy =
        policy(
            cluster,
            client,
            "namespaces: {include: [" + ns + "]}\n  serviceAccounts: {names: [\"*\"]}");
    awaitEntry(client, ns, policy);

    ServiceAccount withOwn = create(client, ns, "own", List.of("mine", "theirs"), Map.of());
    assertThat(pullSecrets(withOwn)).containsExactly("mine", "theirs", policy);
    assertThat(ServiceAccountEntries.recorded(withOwn)).containsExactly(Map.entry(policy, policy));

    // the creator lists the policy's Secret already: it stays the creator's (unrecorded), once
    ServiceAccount listed = create(client, ns, "listed", List.of(policy, "mine"), Map.of());
    assertThat(pullSecrets(listed)).containsExactly(policy, "mine");
    assertThat(listed.getMetadata().getAnnotations()).isNullOrEmpty();

    // the reconciler agrees: it neither adds a second entry nor records the creator's
    awaitPolicyReady(client, policy);
    ServiceAccount later = client.serviceAccounts().inNamespace(ns).withName("listed").get();
    assertThat(pullSecrets(later)).containsExactly(policy, "mine");
    assertThat(ServiceAccountEntries.recorded(later)).isEmpty();
  }

  @Test
  void twoPoliciesMatchingOneServiceAccountBothAddTheirEntriesAndRecords(
      TestCluster cluster, KubernetesClient client) {
    String probeNs = cluster.newNamespace("adm-probe");
    String ns = cluster.uniqueName("adm-two");
    String include = "namespaces: {include: [" + ns + ", " + probeNs + "]}";
    String first = policy(cluster, client, include);
    String second = policy(cluster, client, include + "\n  target: {secretName: second-pull}");
    ServiceAccountAdmission.awaitPoliciesSoFar(cluster, client, probeNs);

    ServiceAccount def = bornDefault(cluster, client, ns);
    assertThat(pullSecrets(def)).containsExactlyInAnyOrder(first, "second-pull");
    assertThat(ServiceAccountEntries.recorded(def))
        .containsOnly(Map.entry(first, first), Map.entry("second-pull", second));

    // deleting one policy removes only its entry: the merged record is read entry by entry
    deletePolicy(client, second);
    ServiceAccount after =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> client.serviceAccounts().inNamespace(ns).withName("default").get(),
                sa -> !pullSecrets(sa).contains("second-pull"));
    assertThat(pullSecrets(after)).containsExactly(first);
    assertThat(ServiceAccountEntries.recorded(after)).containsExactly(Map.entry(first, first));
  }

  @Test
  void aRecordInAnotherFormIsLeftToTheReconcilerWhichAddsTheEntry(
      TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("adm-record");
    String policy =
        policy(
            cluster,
            client,
            "namespaces: {include: [" + ns + "]}\n  serviceAccounts: {names: [\"*\"]}");
    awaitEntry(client, ns, policy);

    // pullpolicy's own form is merged into
    ServiceAccount plain =
        create(
            client,
            ns,
            "plain",
            List.of("old"),
            Map.of(),
            Map.of(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, "{\"old\":\"gone-policy\"}"));
    assertThat(pullSecrets(plain)).containsExactly("old", policy);
    assertThat(ServiceAccountEntries.recorded(plain))
        .containsOnly(Map.entry("old", "gone-policy"), Map.entry(policy, policy));

    // valid JSON in another form (spaces) is not rewritten by CEL: admission adds nothing, and
    // the reconciler adds the entry and records it
    ServiceAccount spaced =
        create(
            client,
            ns,
            "spaced",
            List.of("old"),
            Map.of(),
            Map.of(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, "{ \"old\": \"gone-policy\" }"));
    assertThat(pullSecrets(spaced)).containsExactly("old");
    ServiceAccount repaired =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> client.serviceAccounts().inNamespace(ns).withName("spaced").get(),
                sa -> pullSecrets(sa).contains(policy));
    assertThat(pullSecrets(repaired)).containsExactly("old", policy);
    assertThat(ServiceAccountEntries.recorded(repaired))
        .containsOnly(Map.entry("old", "gone-policy"), Map.entry(policy, policy));
  }

  @Test
  void aPolicyBeingDeletedAddsNothing(TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("adm-deleting");
    String policy =
        policy(
            cluster,
            client,
            "namespaces: {include: [" + ns + "]}\n  serviceAccounts: {names: [\"*\"]}");
    awaitEntry(client, ns, policy);
    var resource = client.resources(PullCredentialPolicy.class).withName(policy);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                resource.get().getMetadata().getFinalizers().contains(PullPolicyLabels.FINALIZER));
    resource.patch(
        PatchContext.of(PatchType.JSON),
        "[{\"op\":\"add\",\"path\":\"/metadata/finalizers/-\",\"value\":\"example.com/hold\"}]");
    try {
      resource.delete();
      ServiceAccountAdmission.awaitNoEntry(client, ns, policy);
      // the probe above shows admission knows the deletion; a real ServiceAccount now
      ServiceAccount created = create(client, ns, "late", List.of(), Map.of());
      assertThat(pullSecrets(created)).isEmpty();
    } finally {
      resource.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
    }
  }

  @Test
  void kubeSystemAndTheOperatorsNamespaceAreNeverTouched(
      TestCluster cluster, KubernetesClient client) {
    if (client.namespaces().withName("pullpolicy-system").get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("pullpolicy-system")
                  .endMetadata()
                  .build())
          .create();
    }
    String probeNs = cluster.newNamespace("adm-everywhere");
    // kube-system and the operator's namespace selected explicitly, every ServiceAccount
    String policy =
        policy(
            cluster,
            client,
            "namespaces: {include: [kube-system, pullpolicy-system, "
                + probeNs
                + "], exclude: []}\n  serviceAccounts: {names: [\"*\"], selector: {}}");
    awaitEntry(client, probeNs, policy);
    for (String ns : List.of("kube-system", "pullpolicy-system")) {
      ServiceAccount sa = ServiceAccountAdmission.dryRun(client, probeAccount(ns, Map.of()));
      assertThat(sa.getImagePullSecrets()).as(ns).isNullOrEmpty();
      assertThat(sa.getMetadata().getAnnotations()).as(ns).isNullOrEmpty();
    }
    // the operator still reconciles there: the reconciler is the source of truth
    await()
        .atMost(TIMEOUT)
        .until(
            () -> client.serviceAccounts().inNamespace("kube-system").withName("default").get(),
            sa -> pullSecrets(sa).contains(policy));
    deletePolicy(client, policy);
  }

  @Test
  void theReconcilerRepairsWhatAdmissionMissedAndWhatWasRemovedByHand(
      TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("adm-repair");
    String policy =
        policy(
            cluster,
            client,
            "namespaces: {include: [" + ns + "]}\n  serviceAccounts: {names: [\"*\"]}");
    awaitEntry(client, ns, policy);

    ServiceAccount born = create(client, ns, "born", List.of("mine"), Map.of());
    assertThat(pullSecrets(born)).containsExactly("mine", policy);
    // removed by hand (with the record, as a careless script would): put back
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName("born")
        .edit(
            sa -> {
              sa.setImagePullSecrets(List.of(new LocalObjectReference("mine")));
              sa.getMetadata().setAnnotations(null);
              return sa;
            });
    awaitServiceAccount(client, ns, "born", sa -> pullSecrets(sa).equals(List.of("mine", policy)));

    // admission missed it (a ServiceAccount created through a path admission did not cover,
    // here: before its namespace was selected): the reconciler adds it once it is selected
    String later = cluster.newNamespace("adm-later");
    ServiceAccount missed = create(client, later, "missed", List.of(), Map.of());
    assertThat(pullSecrets(missed)).isEmpty();
    client
        .resources(PullCredentialPolicy.class)
        .withName(policy)
        .edit(
            p -> {
              p.getSpec().getNamespaces().setInclude(List.of(ns, later));
              return p;
            });
    ServiceAccount repaired =
        awaitServiceAccount(client, later, "missed", sa -> pullSecrets(sa).contains(policy));
    assertThat(ServiceAccountEntries.recorded(repaired)).containsEntry(policy, policy);

    // the namespace stops matching: the reconciler removes what admission added, and only that
    client
        .resources(PullCredentialPolicy.class)
        .withName(policy)
        .edit(
            p -> {
              p.getSpec().getNamespaces().setInclude(List.of(later));
              return p;
            });
    ServiceAccount left =
        awaitServiceAccount(client, ns, "born", sa -> !pullSecrets(sa).contains(policy));
    assertThat(pullSecrets(left)).containsExactly("mine");
  }

  private static String policy(TestCluster cluster, KubernetesClient client, String specLines) {
    String name = cluster.uniqueName("adm");
    Policies.create(
        client,
        name,
        "  sources: [{namespace: " + source + ", name: creds}]\n  " + specLines.strip() + "\n");
    return name;
  }

  /**
   * Creates the namespace and returns its default ServiceAccount exactly as the controller manager
   * created it through admission: the first event of a watch started before the namespace existed,
   * so nothing the operator wrote later can show.
   */
  private static ServiceAccount bornDefault(
      TestCluster cluster, KubernetesClient client, String ns) {
    CompletableFuture<ServiceAccount> born = new CompletableFuture<>();
    try (Watch watch =
        client
            .serviceAccounts()
            .inNamespace(ns)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ServiceAccount sa) {
                    if (action == Action.ADDED && "default".equals(sa.getMetadata().getName())) {
                      born.complete(sa);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    born.completeExceptionally(cause);
                  }
                })) {
      cluster.createNamespace(ns, Map.of(), Map.of());
      return born.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("no default ServiceAccount in " + ns, e);
    }
  }

  private static void deletePolicy(KubernetesClient client, String name) {
    client.resources(PullCredentialPolicy.class).withName(name).delete();
    await()
        .atMost(TIMEOUT)
        .until(() -> client.resources(PullCredentialPolicy.class).withName(name).get() == null);
  }

  private static void awaitPolicyReady(KubernetesClient client, String name) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> client.resources(PullCredentialPolicy.class).withName(name).get(),
            p ->
                p.getStatus() != null
                    && p.getStatus().condition("Ready") != null
                    && "True".equals(p.getStatus().condition("Ready").getStatus()));
  }

  private static ServiceAccount awaitServiceAccount(
      KubernetesClient client, String ns, String name, Predicate<ServiceAccount> ok) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.serviceAccounts().inNamespace(ns).withName(name).get(),
            sa -> sa != null && ok.test(sa));
  }

  private static ServiceAccount create(
      KubernetesClient client,
      String ns,
      String name,
      List<String> pullSecrets,
      Map<String, String> labels) {
    return create(client, ns, name, pullSecrets, labels, Map.of());
  }

  /** Creates the ServiceAccount and returns it as stored at creation (the create's answer). */
  private static ServiceAccount create(
      KubernetesClient client,
      String ns,
      String name,
      List<String> pullSecrets,
      Map<String, String> labels,
      Map<String, String> annotations) {
    return client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels.isEmpty() ? null : labels)
                .withAnnotations(annotations.isEmpty() ? null : annotations)
                .endMetadata()
                .withImagePullSecrets(
                    pullSecrets.isEmpty()
                        ? null
                        : pullSecrets.stream().map(LocalObjectReference::new).toList())
                .build())
        .create();
  }
}
