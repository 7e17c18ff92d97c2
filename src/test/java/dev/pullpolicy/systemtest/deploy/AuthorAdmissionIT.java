package dev.pullpolicy.systemtest.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authorization follows the policy's author ({@code deploy/35-admission-policies.yaml}): a user
 * allowed to manage PullCredentialPolicies, and nothing else cluster-wide ({@code edit} in a
 * namespace of their own), can no longer make the operator copy a Secret they cannot read or take
 * over a Secret they cannot write. An admin's identical policy is admitted and works; the user's
 * policy with their own source works; changes that leave the spec alone (the operator's finalizer,
 * status) are not checked. The user is impersonated through the admin credentials, exactly as the
 * API server authorizes a real user.
 */
@SystemTest
class AuthorAdmissionIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static String user;
  private static String own;
  private static String stolen;
  private static String tls;
  private static KubernetesClient asUser;

  @BeforeAll
  static void installTheAdmissionPoliciesAndAUserWhoMayOnlyManagePolicies(
      TestCluster cluster, KubernetesClient client) {
    OperatorProcess.shared(cluster);
    DeployFolder deploy = new DeployFolder(cluster.repoRoot());
    CommandResult applied =
        cluster.kubectl("apply", "-f", deploy.dir().resolve(DeployFolder.ADMISSION).toString());
    assertThat(applied.exitCode()).as(applied.describe()).isZero();

    user = cluster.uniqueName("author");
    own = cluster.newNamespace(user);
    client
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(user)
                .endMetadata()
                .addNewRule()
                .withApiGroups(PullCredentialPolicy.GROUP)
                .withResources("pullcredentialpolicies", "pullcredentialpolicies/status")
                .withVerbs("get", "list", "watch", "create", "update", "patch", "delete")
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
    client
        .rbac()
        .roleBindings()
        .inNamespace(own)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(user + "-edit")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "edit")
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName(user)
                .endSubject()
                .build())
        .create();
    asUser = cluster.clientFor(cluster.kubeconfigAs(user));

    stolen = user + "-regcred";
    tls = user + "-tls";
    client.secrets().inNamespace("kube-system").resource(pullSecret(stolen, "admin")).create();
    client
        .secrets()
        .inNamespace("kube-system")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(tls)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(
                    Map.of("tls.crt", b64("not a real certificate"), "tls.key", b64("nor key")))
                .build())
        .create();
    client.secrets().inNamespace(own).resource(pullSecret("mine", user)).create();

    // The admission plugin loads new policies through an informer: wait until this one applies.
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> dryRun(asUser, copyOutOfKubeSystem("probe")))
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("pullpolicy-author-may-read-sources"));
  }

  @AfterAll
  static void removeTheUserAndTheKubeSystemSecrets(KubernetesClient client) {
    client.secrets().inNamespace("kube-system").withName(stolen).delete();
    client.secrets().inNamespace("kube-system").withName(tls).delete();
    client.rbac().clusterRoleBindings().withName(user).delete();
    client.rbac().clusterRoles().withName(user).delete();
  }

  @Test
  void userIsRefusedCopyingAPullCredentialOutOfKubeSystem(KubernetesClient client) {
    String policy = user + "-steal";

    assertThatThrownBy(() -> Policies.create(asUser, policy, copyOutOfKubeSystem(policy)))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining(
            "spec.sources[0]: you may not get the Secret kube-system/"
                + stolen
                + ", so you may not make a PullCredentialPolicy copy it");
    assertThat(client.resources(PullCredentialPolicy.class).withName(policy).get()).isNull();
    assertThat(client.secrets().inNamespace(own).withName(policy).get()).isNull();
  }

  @Test
  void userIsRefusedAdoptingASecretInKubeSystem(KubernetesClient client) {
    String before =
        client
            .secrets()
            .inNamespace("kube-system")
            .withName(tls)
            .get()
            .getMetadata()
            .getResourceVersion();

    assertThatThrownBy(
            () ->
                Policies.create(
                    asUser,
                    user + "-adopt",
                    """
                      sources: [{namespace: %s, name: mine}]
                      target: {secretName: %s}
                      namespaces: {include: [kube-system], exclude: []}
                      onConflict: Adopt
                    """
                        .formatted(own, tls)))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining(
            "onConflict: Adopt: you may not update and delete the Secret kube-system/"
                + tls
                + ", so you may not make a PullCredentialPolicy take it over");
    Secret after = client.secrets().inNamespace("kube-system").withName(tls).get();
    assertThat(after.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void adoptingWhereNamespacesAreChosenByPatternNeedsTheRightsInEveryNamespace() {
    // The user may write Secrets in their own namespace, but a glob may select namespaces
    // created later: the check is cluster-wide then.
    assertThatThrownBy(
            () ->
                dryRun(
                    asUser,
                    """
                      sources: [{namespace: %s, name: mine}]
                      target: {secretName: shared}
                      namespaces: {include: ["%s*"]}
                      onConflict: Adopt
                    """
                        .formatted(own, own)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "onConflict: Adopt: you may not update and delete Secrets named shared in every"
                + " namespace");
  }

  @Test
  void adminsIdenticalPolicyIsAdmittedAndCopiesTheCredential(KubernetesClient client) {
    String policy = user + "-admin";
    Policies.create(client, policy, copyOutOfKubeSystem(policy));
    try {
      Secret copy =
          await()
              .atMost(TIMEOUT)
              .until(
                  () -> client.secrets().inNamespace(own).withName(policy).get(), s -> s != null);
      assertThat(copy.getMetadata().getLabels()).containsEntry(PullPolicyLabels.POLICY, policy);
      assertThat(decode(copy.getData().get(".dockerconfigjson"))).contains("registry.example.com");
    } finally {
      client.resources(PullCredentialPolicy.class).withName(policy).delete();
    }
    // The admin's Adopt policy for kube-system is admitted too (a dry run: no Secret of
    // kube-system is taken over by this test).
    assertThat(
            dryRun(
                client,
                """
                  sources: [{namespace: %s, name: mine}]
                  target: {secretName: %s}
                  namespaces: {include: [kube-system], exclude: []}
                  onConflict: Adopt
                """
                    .formatted(own, tls)))
        .isNotNull();
  }

  @Test
  void usersPolicyWithTheirOwnSourceIsAdmittedAndMayAdoptInTheirNamespace(KubernetesClient client) {
    String policy = user + "-own";
    // An unmanaged pull Secret with the target name, made by the user, for the policy to adopt.
    asUser.secrets().inNamespace(own).resource(pullSecret("team-pull", "by-hand")).create();

    Policies.create(
        asUser,
        policy,
        """
          sources: [{namespace: %s, name: mine}]
          target: {secretName: team-pull}
          namespaces: {include: [%s]}
          onConflict: Adopt
        """
            .formatted(own, own));
    try {
      Secret adopted =
          await()
              .atMost(TIMEOUT)
              .until(
                  () -> client.secrets().inNamespace(own).withName("team-pull").get(),
                  s ->
                      s.getMetadata().getLabels() != null
                          && policy.equals(
                              s.getMetadata().getLabels().get(PullPolicyLabels.POLICY)));
      assertThat(decode(adopted.getData().get(".dockerconfigjson")))
          .as("the data is the source's, no longer the hand-made one")
          .contains(b64(user + ":fake-password"))
          .doesNotContain(b64("by-hand:fake-password"));
    } finally {
      client.resources(PullCredentialPolicy.class).withName(policy).delete();
    }
  }

  @Test
  void changesThatLeaveTheSpecAloneAreNotChecked(KubernetesClient client) {
    String policy = user + "-meta";
    Policies.create(client, policy, copyOutOfKubeSystem(policy));
    var asUserPolicy = asUser.resources(PullCredentialPolicy.class).withName(policy);
    try {
      await().atMost(TIMEOUT).until(() -> asUserPolicy.get(), p -> p.getStatus() != null);
      // Labels and finalizers (what the operator adds and removes) and the status subresource,
      // as kubectl patches them: no read-modify-write, so the operator's writes in between do
      // not matter.
      asUserPolicy.patch(
          PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"labels\":{\"reviewed\":\"yes\"}}}");
      asUserPolicy.patch(
          PatchContext.of(PatchType.JSON),
          "[{\"op\":\"add\",\"path\":\"/metadata/finalizers/-\",\"value\":\"example.com/hold\"}]");
      asUserPolicy
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"lastSyncTime\":\"2020-01-01T00:00:00Z\"}}");
      PullCredentialPolicy p = client.resources(PullCredentialPolicy.class).withName(policy).get();
      assertThat(p.getMetadata().getLabels()).containsEntry("reviewed", "yes");
      assertThat(p.getMetadata().getFinalizers()).contains("example.com/hold");

      // whoever changes the spec must have the rights the whole spec needs
      assertThatThrownBy(
              () ->
                  asUserPolicy.patch(
                      PatchContext.of(PatchType.JSON_MERGE),
                      "{\"spec\":{\"onDelete\":\"Orphan\"}}"))
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("you may not get the Secret kube-system/" + stolen);
    } finally {
      List<String> finalizers =
          new ArrayList<>(
              client
                  .resources(PullCredentialPolicy.class)
                  .withName(policy)
                  .get()
                  .getMetadata()
                  .getFinalizers());
      finalizers.remove("example.com/hold");
      client
          .resources(PullCredentialPolicy.class)
          .withName(policy)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"finalizers\":"
                  + client.getKubernetesSerialization().asJson(finalizers)
                  + "}}");
      client.resources(PullCredentialPolicy.class).withName(policy).delete();
    }
  }

  @Test
  void theLargestPolicyTheSchemaAllowsFitsTheAdmissionCostBudget(KubernetesClient client) {
    // 16 sources (the schema's maximum) and Adopt in 8 namespaces named one by one: every
    // authorization check runs. A budget overrun would refuse it with a cost error instead.
    String sources =
        IntStream.range(0, 16)
            .mapToObj(i -> "{namespace: kube-system, name: s" + i + "}")
            .collect(Collectors.joining(", "));
    String namespaces =
        IntStream.range(0, 8).mapToObj(i -> "ns-" + i).collect(Collectors.joining(", "));
    String spec =
        """
          sources: [%s]
          namespaces: {include: [%s]}
          onConflict: Adopt
        """
            .formatted(sources, namespaces);

    assertThat(dryRun(client, spec)).isNotNull();
    // The user: every check runs and refuses, and the refusal is the rule's, not a cost error.
    String withoutAdopt =
        """
          sources: [%s]
          namespaces: {include: [%s]}
        """
            .formatted(sources, namespaces);
    assertThatThrownBy(() -> dryRun(asUser, withoutAdopt))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.sources[0]: you may not get the Secret kube-system/s0")
        .hasMessageNotContaining("cost");
    String ownSources =
        IntStream.range(0, 16)
            .mapToObj(i -> "{namespace: " + own + ", name: s" + i + "}")
            .collect(Collectors.joining(", "));
    assertThatThrownBy(
            () ->
                dryRun(
                    asUser,
                    """
                      sources: [%s]
                      namespaces: {include: [%s, %s, %s, %s, %s, %s, %s, kube-system]}
                      onConflict: Adopt
                    """
                        .formatted(ownSources, own, own, own, own, own, own, own)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "onConflict: Adopt: you may not update and delete the Secret kube-system/")
        .hasMessageNotContaining("cost");
  }

  @Test
  void admissionPoliciesTypeCheckAgainstTheCrdWithoutWarnings(KubernetesClient client) {
    for (String name :
        List.of("pullpolicy-author-may-read-sources", "pullpolicy-author-may-adopt")) {
      GenericKubernetesResource vap =
          await()
              .atMost(TIMEOUT)
              .until(
                  () ->
                      client
                          .genericKubernetesResources(
                              "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy")
                          .withName(name)
                          .get(),
                  v ->
                      v != null
                          && v.get("status") != null
                          && v.getMetadata()
                              .getGeneration()
                              .equals(
                                  ((Number) v.<Object>get("status", "observedGeneration"))
                                      .longValue()));
      Map<?, ?> typeChecking = vap.get("status", "typeChecking");
      assertThat(typeChecking == null ? null : typeChecking.get("expressionWarnings"))
          .as("type-checking warnings of %s", name)
          .isNull();
    }
  }

  private static String copyOutOfKubeSystem(String target) {
    return """
      sources: [{namespace: kube-system, name: %s}]
      target: {secretName: %s}
      namespaces: {include: [%s]}
    """
        .formatted(stolen, target, own);
  }

  /** Creates the policy with a server-side dry run (admission runs, nothing is stored). */
  private static PullCredentialPolicy dryRun(KubernetesClient as, String spec) {
    String yaml =
        "apiVersion: pullpolicy.dev/v1alpha1\nkind: PullCredentialPolicy\nmetadata:\n  name: "
            + user
            + "-dry\nspec:\n"
            + spec;
    PullCredentialPolicy p =
        as.getKubernetesSerialization().unmarshal(yaml, PullCredentialPolicy.class);
    return as.resource(p).dryRun().create();
  }

  private static Secret pullSecret(String name, String login) {
    String auth = b64(login + ":fake-password");
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(
            Map.of(
                ".dockerconfigjson",
                b64("{\"auths\":{\"registry.example.com\":{\"auth\":\"" + auth + "\"}}}")))
        .build();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }
}
