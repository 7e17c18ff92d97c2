package dev.pullpolicy.systemtest.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.conditions.AdmissionActiveReason;
import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.AuditLog;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.ServiceAccountAdmission;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built operator, authenticated as the {@code deploy/} ServiceAccount (a TokenRequest token)
 * with only the {@code deploy/} RBAC, does its core job: the proof that the ClusterRole and the
 * leader-election Role grant enough is that it works and is never refused (no "forbidden" in its
 * log, no 403 for its user in the API server's audit log).
 *
 * <p>The run's shared operator (admin credentials) is stopped while this class runs, so that every
 * write checked here was made by the ServiceAccount; the next test that asks for it starts it
 * again.
 */
@SystemTest
class DeployRbacIT {

  private static final String USER =
      "system:serviceaccount:" + DeployFolder.NAMESPACE + ":" + DeployFolder.SERVICE_ACCOUNT;
  private static final String SELECT_LABEL = "pullpolicy.dev/deploy-rbac-test";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern REFUSED =
      Pattern.compile("(?i)forbidden|\\bcode=403\\b|\\bHTTP 403\\b|\\b403 Forbidden\\b");

  private static OperatorProcess operator;

  @BeforeAll
  static void installRbacAndStartTheOperatorAsItsServiceAccount(TestCluster cluster) {
    OperatorProcess.shared(cluster).close();
    DeployFolder deploy = new DeployFolder(cluster.repoRoot());
    for (Path file : deploy.rbacFiles()) {
      CommandResult applied = cluster.kubectl("apply", "-f", file.toString());
      assertThat(applied.exitCode()).as(applied.describe()).isZero();
    }
    Path kubeconfig =
        cluster.kubeconfigForServiceAccount(DeployFolder.NAMESPACE, DeployFolder.SERVICE_ACCOUNT);
    operator =
        OperatorProcess.start(
            cluster,
            "deploy-rbac",
            Map.of("KUBECONFIG", kubeconfig.toString(), "POD_NAMESPACE", DeployFolder.NAMESPACE));
  }

  /** The tests of admission install its policy themselves; the others run as before it. */
  @AfterAll
  static void removeServiceAccountAdmission(KubernetesClient client) {
    ServiceAccountAdmission.uninstall(client);
  }

  @Test
  void copiesIntoSelectedNamespacesAndAddsServiceAccountEntries(
      TestCluster cluster, KubernetesClient client) {
    Scenario s = Scenario.create(cluster, client, "rbac-sync");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (String ns : s.selected()) {
                Secret copy = client.secrets().inNamespace(ns).withName(s.target()).get();
                assertThat(copy).as("copy in %s", ns).isNotNull();
                assertThat(copy.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
                assertThat(copy.getMetadata().getLabels())
                    .containsEntry(PullPolicyLabels.POLICY, s.policy());
                ServiceAccount sa =
                    client.serviceAccounts().inNamespace(ns).withName("default").get();
                assertThat(sa).isNotNull();
                assertThat(sa.getImagePullSecrets())
                    .extracting(LocalObjectReference::getName)
                    .containsOnlyOnce(s.target());
              }
              assertThat(ready(client, s.policy())).isTrue();
            });
    assertThat(client.secrets().inNamespace(s.unselected()).withName(s.target()).get()).isNull();
    // the ClusterRole lets it read the admission policy and binding deploy/ installs
    assertThat(
            client
                .resources(PullCredentialPolicy.class)
                .withName(s.policy())
                .get()
                .getStatus()
                .condition(ConditionType.AdmissionActive))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo(AdmissionActiveReason.Installed.name());
            });

    assertOperatorNeverRefused(cluster);
    cluster
        .auditLog()
        .ifPresent(
            file -> {
              List<AuditLog.Event> mine =
                  new AuditLog(file).events(e -> USER.equals(e.user()) && e.code() < 300);
              for (String ns : s.selected()) {
                assertThat(mine)
                    .as("the ServiceAccount wrote the copy and the entry in %s", ns)
                    .anyMatch(e -> isWrite(e, "secrets", ns))
                    .anyMatch(e -> isWrite(e, "serviceaccounts", ns));
              }
              assertThat(mine)
                  .as("the ServiceAccount wrote the policy's status")
                  .anyMatch(
                      e ->
                          e.isWrite()
                              && e.requestUri().contains("/pullcredentialpolicies/" + s.policy())
                              && e.requestUri().contains("/status"));
            });
  }

  @Test
  void deletingThePolicyRemovesItsCopiesAndEntries(TestCluster cluster, KubernetesClient client) {
    Scenario s = Scenario.create(cluster, client, "rbac-del");
    await().atMost(TIMEOUT).until(() -> ready(client, s.policy()));

    client.resources(PullCredentialPolicy.class).withName(s.policy()).delete();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(client.resources(PullCredentialPolicy.class).withName(s.policy()).get())
                  .as("policy gone: the finalizer was removed")
                  .isNull();
              for (String ns : s.selected()) {
                assertThat(client.secrets().inNamespace(ns).withName(s.target()).get()).isNull();
                assertThat(
                        client
                            .serviceAccounts()
                            .inNamespace(ns)
                            .withName("default")
                            .get()
                            .getImagePullSecrets())
                    .extracting(LocalObjectReference::getName)
                    .doesNotContain(s.target());
              }
            });
    assertOperatorNeverRefused(cluster);
  }

  @Test
  void reportsAMissingSourceOnStatusAndAsAnEvent(TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("rbac-bad");
    String policy = cluster.uniqueName("rbac-bad");
    Policies.create(
        client,
        policy,
        """
          sources: [{namespace: %s, name: does-not-exist}]
          namespaces: {include: ["%s"]}
        """
            .formatted(ns, ns));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              PullCredentialPolicy p =
                  client.resources(PullCredentialPolicy.class).withName(policy).get();
              assertThat(p.getStatus()).isNotNull();
              assertThat(p.getStatus().getConditions())
                  .anyMatch(
                      c ->
                          PullPolicyLabels.CONDITION_SOURCE_VALID.equals(c.getType())
                              && "False".equals(c.getStatus()));
              assertThat(
                      client
                          .v1()
                          .events()
                          .inNamespace(DeployFolder.EVENT_NAMESPACE)
                          .list()
                          .getItems())
                  .as("a Warning Event about %s in %s", policy, DeployFolder.EVENT_NAMESPACE)
                  .anyMatch(
                      e ->
                          policy.equals(e.getInvolvedObject().getName())
                              && "Warning".equals(e.getType()));
            });
    assertOperatorNeverRefused(cluster);
    client.resources(PullCredentialPolicy.class).withName(policy).delete();
  }

  @Test
  void mayCreateEventsOnlyWhereItRecordsThem(TestCluster cluster) {
    // The Event test above proves the grant in "default" suffices; this one that it is the only
    // one: the ServiceAccount may not create Events in any other namespace.
    String elsewhere = cluster.newNamespace("rbac-events");
    for (var ns : List.of(DeployFolder.EVENT_NAMESPACE, elsewhere, DeployFolder.NAMESPACE)) {
      CommandResult canI =
          cluster.kubectl("auth", "can-i", "create", "events", "-n", ns, "--as", USER);
      assertThat(canI.stdout().strip())
          .as("%s may create Events in %s: %s", USER, ns, canI.describe())
          .isEqualTo(ns.equals(DeployFolder.EVENT_NAMESPACE) ? "yes" : "no");
    }
  }

  @Test
  void holdsAndRenewsItsLeaseInItsOwnNamespace(TestCluster cluster, KubernetesClient client) {
    var leases =
        client.leases().inNamespace(DeployFolder.NAMESPACE).withName("pullpolicy-operator");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Lease l = leases.get();
              return l != null && l.getSpec().getHolderIdentity() != null;
            });
    Object firstRenewal = leases.get().getSpec().getRenewTime();
    // Renewing is an update of the Lease: a missing verb shows up here, not at the first grab.
    await()
        .atMost(TIMEOUT)
        .until(() -> !Objects.equals(leases.get().getSpec().getRenewTime(), firstRenewal));
    assertThat(operator.isAlive()).as("the operator kept its leadership").isTrue();
    assertOperatorNeverRefused(cluster);
  }

  @Test
  void aStandbyReplicaIsReadyAndTakesOverWhenTheLeaderStops(
      TestCluster cluster, KubernetesClient client) {
    var lease = client.leases().inNamespace(DeployFolder.NAMESPACE).withName("pullpolicy-operator");
    await()
        .atMost(TIMEOUT)
        .until(() -> lease.get() != null && lease.get().getSpec().getHolderIdentity() != null);
    // A second replica: start() returns once its readiness endpoint answers 200, which is what
    // the Deployment's readiness probe asks of the replica that waits.
    OperatorProcess standby =
        OperatorProcess.start(
            cluster,
            "deploy-rbac-standby",
            Map.of(
                "KUBECONFIG",
                cluster
                    .kubeconfigForServiceAccount(
                        DeployFolder.NAMESPACE, DeployFolder.SERVICE_ACCOUNT)
                    .toString(),
                "POD_NAMESPACE",
                DeployFolder.NAMESPACE));
    String leader = lease.get().getSpec().getHolderIdentity();

    operator.close();
    operator = standby;

    Scenario s = Scenario.create(cluster, client, "rbac-ha");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(lease.get().getSpec().getHolderIdentity()).isNotEqualTo(leader);
              for (String ns : s.selected()) {
                assertThat(client.secrets().inNamespace(ns).withName(s.target()).get())
                    .as("copy in %s made by the new leader", ns)
                    .isNotNull();
              }
              assertThat(ready(client, s.policy())).isTrue();
            });
    assertOperatorNeverRefused(cluster);
  }

  private static void assertOperatorNeverRefused(TestCluster cluster) {
    assertThat(operator.isAlive()).as("operator alive; log: %s", operator.logFile()).isTrue();
    assertThat(operator.log().lines().filter(l -> REFUSED.matcher(l).find()).toList())
        .as("lines of %s that show a refused request", operator.logFile())
        .isEmpty();
    cluster
        .auditLog()
        .ifPresent(
            file ->
                assertThat(
                        new AuditLog(file)
                            .events(
                                e -> USER.equals(e.user()) && (e.code() == 401 || e.code() == 403)))
                    .as("requests of %s the API server refused", USER)
                    .isEmpty());
  }

  private static boolean isWrite(AuditLog.Event e, String resource, String namespace) {
    return e.isWrite() && resource.equals(e.resource()) && namespace.equals(e.namespace());
  }

  private static boolean ready(KubernetesClient client, String policy) {
    PullCredentialPolicy p = client.resources(PullCredentialPolicy.class).withName(policy).get();
    if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
      return false;
    }
    return Objects.equals(p.getStatus().getObservedGeneration(), p.getMetadata().getGeneration())
        && p.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    PullPolicyLabels.CONDITION_READY.equals(c.getType())
                        && "True".equals(c.getStatus()));
  }

  /** A source Secret (fake credentials), two selected namespaces, one other, and a policy. */
  private record Scenario(String policy, String target, List<String> selected, String unselected) {

    static Scenario create(TestCluster cluster, KubernetesClient client, String prefix) {
      String source = cluster.newNamespace(prefix + "-src");
      String select = cluster.uniqueName(prefix);
      List<String> selected =
          List.of(
              cluster.newNamespace(prefix + "-a", Map.of(SELECT_LABEL, select)),
              cluster.newNamespace(prefix + "-b", Map.of(SELECT_LABEL, select)));
      String unselected = cluster.newNamespace(prefix + "-x");
      String auth =
          Base64.getEncoder()
              .encodeToString("fake-user:not-a-real-password".getBytes(StandardCharsets.UTF_8));
      client
          .secrets()
          .inNamespace(source)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("registry-creds")
                  .endMetadata()
                  .withType("kubernetes.io/dockerconfigjson")
                  .addToStringData(
                      ".dockerconfigjson",
                      "{\"auths\":{\"registry.rbac.example.com\":{\"auth\":\"" + auth + "\"}}}")
                  .build())
          .create();
      // The ServiceAccounts exist before the policy, so that the operator (not admission, which
      // deploy/ installs too) adds their entries: the proof of its right to update them.
      for (String ns : selected) {
        await()
            .atMost(TIMEOUT)
            .until(
                () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
      }
      String policy = cluster.uniqueName(prefix);
      String target = prefix + "-pull";
      Policies.create(
          client,
          policy,
          """
            sources: [{namespace: %s, name: registry-creds}]
            target: {secretName: %s}
            namespaces:
              selector: {matchLabels: {"%s": "%s"}}
          """
              .formatted(source, target, SELECT_LABEL, select));
      return new Scenario(policy, target, selected, unselected);
    }
  }
}
