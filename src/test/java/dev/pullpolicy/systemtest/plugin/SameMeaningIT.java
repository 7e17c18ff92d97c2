package dev.pullpolicy.systemtest.plugin;

import static dev.pullpolicy.systemtest.plugin.PluginFixtures.PASSWORD;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.awaitServiceAccount;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.dockerConfigJson;
import static dev.pullpolicy.systemtest.plugin.PluginFixtures.pullSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.conditions.ReadyReason;
import dev.pullpolicy.api.conditions.SourceValidReason;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The examples of issue 10 where the operator and the plugin used to disagree, through the real
 * operator and the real plugin under real kubectl: each asserts what the operator did and what
 * {@code kubectl pullpolicy} says about it, which must be the same thing.
 */
@SystemTest
class SameMeaningIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  private static PullCredentialPolicy awaitPolicy(
      KubernetesClient client, String name, Predicate<PullCredentialPolicy> until) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.resources(PullCredentialPolicy.class).withName(name).get(),
            p -> p != null && p.getStatus() != null && until.test(p));
  }

  private static boolean hasEntry(KubernetesClient client, String ns, String sa, String secret) {
    ServiceAccount s = client.serviceAccounts().inNamespace(ns).withName(sa).get();
    return s != null
        && s.getImagePullSecrets() != null
        && s.getImagePullSecrets().stream().anyMatch(r -> secret.equals(r.getName()));
  }

  @Test
  void anEmptyServiceAccountSelectorSelectsEveryServiceAccountOnBothSides(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("pp-sel");
    String src = cluster.newNamespace("pp-src");
    pullSecret(client, src, "creds", dockerConfigJson("registry.acme.io"), null);
    String ns = cluster.newNamespace(prefix);
    awaitServiceAccount(client, ns, "default");
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("builder")
                .endMetadata()
                .withImagePullSecrets(new LocalObjectReference("theirs"))
                .build())
        .create();
    Policies.create(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n  serviceAccounts: {selector: {}}\n"
            .formatted(src, prefix));
    try {
      // the operator patches every ServiceAccount
      await().atMost(TIMEOUT).until(() -> hasEntry(client, ns, "default", prefix));
      await().atMost(TIMEOUT).until(() -> hasEntry(client, ns, "builder", prefix));
      awaitPolicy(
          client,
          prefix,
          p ->
              p.getStatus().getServiceAccounts().getPatched() == 2
                  && ReadyReason.AllSynced.name()
                      .equals(p.getStatus().condition(ConditionType.Ready).getReason()));

      // and the plugin says the same: 2/2, nothing lacking, Ready with the operator's reason
      CommandResult status = cluster.kubectl("pullpolicy", "status", prefix);
      assertThat(status.exitCode()).as(status.describe()).isZero();
      assertThat(status.stdout())
          .as(status.describe())
          .contains("Ready:       True (AllSynced)")
          .containsPattern("(?m)^" + ns + " +Synced +2/2\\s*$");
      CommandResult doctor = cluster.kubectl("pullpolicy", "doctor", "-n", ns);
      assertThat(doctor.exitCode()).as(doctor.describe()).isZero();
      assertThat(doctor.stdout()).startsWith("No problem found");
      CommandResult wide = cluster.kubectl("pullpolicy", "list", "-o", "wide", "--no-headers");
      assertThat(wide.stdout())
          .as(wide.describe())
          .containsPattern("(?m)^" + prefix + " +True .* registry.acme.io +AllSynced$");
    } finally {
      client.resources(PullCredentialPolicy.class).withName(prefix).delete();
    }
  }

  @Test
  void optOutInAnyLetterCaseAndATerminatingNamespaceReadTheSameOnBothSides(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("pp-out");
    String src = cluster.newNamespace("pp-src");
    pullSecret(client, src, "creds", dockerConfigJson("registry.acme.io"), null);
    String live = cluster.newNamespace(prefix);
    String optedOut = cluster.newNamespace(prefix);
    String leaving = cluster.newNamespace(prefix);
    client
        .namespaces()
        .withName(optedOut)
        .edit(
            n -> {
              n.getMetadata().setAnnotations(Map.of(PullPolicyLabels.IGNORE, "True"));
              return n;
            });
    client
        .namespaces()
        .withName(leaving)
        .edit(
            n -> {
              n.getMetadata().setAnnotations(Map.of(PullPolicyLabels.IGNORE, "true"));
              return n;
            });
    // keeps the namespace in Terminating until the test lets it go
    client
        .configMaps()
        .inNamespace(leaving)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("hold")
                .withFinalizers("pullpolicy.dev/test-hold")
                .endMetadata()
                .build())
        .create();
    Policies.create(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    try {
      awaitPolicy(
          client,
          prefix,
          p ->
              p.getStatus().getNamespaces().getSynced() == 1
                  && p.getStatus().getNamespaces().getIgnored() == 2);
      client.namespaces().withName(leaving).delete();
      // terminating wins over opting out: no longer counted as ignored, nor as selected
      PullCredentialPolicy p =
          awaitPolicy(client, prefix, x -> x.getStatus().getNamespaces().getIgnored() == 1);
      assertThat(p.getStatus().getNamespaces().getSelected()).isEqualTo(1);
      assertThat(client.secrets().inNamespace(optedOut).withName(prefix).get())
          .as("\"True\" opts out for the operator")
          .isNull();

      CommandResult status = cluster.kubectl("pullpolicy", "status", prefix);
      assertThat(status.exitCode()).as(status.describe()).isZero();
      assertThat(status.stdout())
          .as(status.describe())
          .containsPattern("(?m)^" + live + " +Synced +1/1\\s*$")
          .containsPattern("(?m)^" + optedOut + " +Ignored +-\\s*$")
          .containsPattern("(?m)^" + leaving + " +Terminating +-\\s*$");
    } finally {
      client.resources(PullCredentialPolicy.class).withName(prefix).delete();
      client
          .configMaps()
          .inNamespace(leaving)
          .withName("hold")
          .edit(
              c -> {
                c.getMetadata().setFinalizers(List.of());
                return c;
              });
    }
  }

  @Test
  void statusComparesCopiesWithThePublishedHashWithoutReadAccessToTheSource(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("pp-hash");
    String src = cluster.newNamespace("pp-src");
    pullSecret(client, src, "creds", dockerConfigJson("registry.acme.io"), null);
    String current = cluster.newNamespace(prefix);
    String edited = cluster.newNamespace(prefix);
    Policies.create(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    String user = cluster.uniqueName("pp-team");
    try {
      awaitPolicy(client, prefix, p -> p.getStatus().getNamespaces().getSynced() == 2);

      // an unusable source: the operator leaves the copies as they are, and keeps the hash it
      // published
      client.secrets().inNamespace(src).withName("creds").delete();
      await()
          .atMost(TIMEOUT)
          .until(() -> client.secrets().inNamespace(src).withName("creds").get() == null);
      client
          .secrets()
          .inNamespace(src)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("creds")
                  .endMetadata()
                  .withType("Opaque")
                  .addToStringData("password", PASSWORD)
                  .build())
          .create();
      awaitPolicy(
          client,
          prefix,
          p -> {
            Condition c = p.getStatus().condition(ConditionType.SourceValid);
            return c != null && SourceValidReason.SourceNotFound.name().equals(c.getReason());
          });
      // so a copy edited by hand now stays as edited
      client
          .secrets()
          .inNamespace(edited)
          .withName(prefix)
          .edit(
              s -> {
                s.getMetadata().getAnnotations().put(PullPolicyLabels.SOURCE_HASH, "by-hand");
                return s;
              });

      // a team member who may read Secrets in the two namespaces only, not the source's
      grantTeamRead(client, user, List.of(current, edited));
      Path kubeconfig = cluster.kubeconfigAs(user);
      CommandResult denied =
          cluster.kubectl(
              Map.of("KUBECONFIG", kubeconfig.toString()), "get", "secret", "creds", "-n", src);
      assertThat(denied.exitCode()).as("the user really may not read the source").isNotZero();

      for (Map<String, String> env :
          List.of(Map.<String, String>of(), Map.of("KUBECONFIG", kubeconfig.toString()))) {
        CommandResult status = cluster.kubectl(env, "pullpolicy", "status", prefix);
        assertThat(status.exitCode()).as(status.describe()).isEqualTo(1);
        assertThat(status.stdout())
            .as(status.describe())
            .contains("Ready:       False (SourceInvalid)")
            .containsPattern("(?m)^" + current + " +Synced ")
            .containsPattern("(?m)^" + edited + " +Stale ")
            .doesNotContain(PASSWORD);
      }
    } finally {
      client.resources(PullCredentialPolicy.class).withName(prefix).delete();
      client.rbac().clusterRoleBindings().withName(user).delete();
      client.rbac().clusterRoles().withName(user).delete();
    }
  }

  /**
   * Lets a user read policies, namespaces and ServiceAccounts everywhere, and get (not list)
   * Secrets in the given namespaces only.
   */
  private static void grantTeamRead(KubernetesClient client, String user, List<String> namespaces) {
    client
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(user)
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("namespaces", "serviceaccounts")
                .withVerbs("get", "list")
                .endRule()
                .addNewRule()
                .withApiGroups("pullpolicy.dev")
                .withResources("pullcredentialpolicies")
                .withVerbs("get", "list")
                .endRule()
                .build())
        .create();
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(user)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", user)
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName(user)
                .endSubject()
                .build())
        .create();
    for (String ns : namespaces) {
      client
          .rbac()
          .roles()
          .inNamespace(ns)
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName(user)
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("")
                  .withResources("secrets")
                  .withVerbs("get")
                  .endRule()
                  .build())
          .create();
      client
          .rbac()
          .roleBindings()
          .inNamespace(ns)
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName(user)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", user)
                  .addNewSubject()
                  .withKind("User")
                  .withApiGroup("rbac.authorization.k8s.io")
                  .withName(user)
                  .endSubject()
                  .build())
          .create();
    }
  }
}
