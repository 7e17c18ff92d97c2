package dev.pullpolicy.systemtest.operator;

import static dev.pullpolicy.systemtest.operator.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the operator does, whatever its wide rights, with Secrets that are not its own: a source is
 * never written or deleted whatever labels it carries, a Secret that is not a pull Secret is never
 * adopted, status says nothing about a Secret that is not a pull Secret, sources too large for a
 * copy are refused, and the largest sources the API server accepts leave a status it accepts too
 * (issue 11, defects 1, 3 and 7).
 */
@SystemTest
class TrustIT {

  @BeforeAll
  static void operator(TestCluster cluster) {
    OperatorProcess.shared(cluster);
  }

  @Test
  void aSecretExportedFromACopyAndUsedAsAnotherPolicysSourceIsNeverDeletedOrWritten(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("export");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "olga");
    String a = prefix + "-a";
    String first = cluster.newNamespace(a);
    policy(
        client,
        a,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, a));
    awaitReady(client, a, 1);

    // Policy b copies from two Secrets exported from a's copy, labels and annotations and all
    // (as `kubectl get -o yaml` and an edit of namespace and name would): one where a still
    // selects (a stale copy of a by its labels, under another name), one where it does not.
    String elsewhere = cluster.newNamespace(prefix + "-b");
    String b = prefix + "-b";
    policy(
        client,
        b,
        "  sources: [{namespace: %s, name: exported}, {namespace: %s, name: exported}]\n"
                .formatted(first, elsewhere)
            + "  namespaces: {include: [\"%s-*\"]}\n".formatted(b));
    Secret copy = secret(client, first, a);
    assertThat(Ownership.managingPolicy(copy)).isEqualTo(a);
    Secret inSelected = export(client, copy, first);
    Secret inOther = export(client, copy, elsewhere);
    awaitReady(client, b, 1);

    // a reconciles with both in its cache (a new namespace of its own proves it did), ...
    cluster.newNamespace(a);
    awaitReady(client, a, 2);
    // ... and once more when it is deleted
    deletePolicy(client, a);
    assertThat(secret(client, first, a)).as("a's own copy is deleted").isNull();
    for (Secret exported : List.of(inSelected, inOther)) {
      Secret now =
          secret(client, exported.getMetadata().getNamespace(), exported.getMetadata().getName());
      assertThat(now).as("%s", exported.getMetadata().getNamespace()).isNotNull();
      assertThat(now.getMetadata().getResourceVersion())
          .as("never written")
          .isEqualTo(exported.getMetadata().getResourceVersion());
    }
    PullCredentialPolicy stillServed = awaitReady(client, b, 1);
    assertThat(condition(stillServed, PullPolicyLabels.CONDITION_SOURCE_VALID).getStatus())
        .isEqualTo("True");
    deletePolicy(client, b);
  }

  /** A copy of {@code copy} named "exported" in {@code namespace}, with its labels and data. */
  private static Secret export(KubernetesClient client, Secret copy, String namespace) {
    return client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("exported")
                .withNamespace(namespace)
                .withLabels(copy.getMetadata().getLabels())
                .withAnnotations(copy.getMetadata().getAnnotations())
                .endMetadata()
                .withType(copy.getType())
                .withData(copy.getData())
                .build())
        .create();
  }

  @Test
  void aPasswordInARegistryKeyReachesNeitherStatusNorThePluginsOutput(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("userinfo");
    String src = cluster.newNamespace("src");
    String ns = cluster.newNamespace(prefix);
    String password = "pw-in-the-key-" + prefix;
    pullSecret(
        client,
        src,
        "creds",
        "{\"auths\":{\"https://robot:"
            + password
            + "@registry.acme.io:5000/\":{\"auth\":\""
            + b64("robot:" + password)
            + "\"}}}");
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
            .formatted(src, prefix));
    PullCredentialPolicy p = awaitReady(client, prefix, 1);
    assertThat(p.getStatus().getRegistries()).containsExactly("registry.acme.io:5000");
    assertThat(Serialization.asJson(p.getStatus())).doesNotContain(password);
    awaitServiceAccount(client, ns, "default", sa -> pullSecretNames(sa).contains(prefix));
    for (String[] command :
        List.of(
            new String[] {"pullpolicy", "list"},
            new String[] {"pullpolicy", "status", prefix},
            new String[] {"pullpolicy", "status", prefix, "-o", "json"},
            new String[] {"pullpolicy", "explain", "registry.acme.io:5000/app:1", "-n", ns})) {
      CommandResult r = cluster.kubectl(command);
      // list answers 1 when any policy of the cluster is not Ready (other tests' may not be)
      assertThat(r.exitCode()).as(r.describe()).isIn(0, command[1].equals("list") ? 1 : 0);
      assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain(password);
    }
    deletePolicy(client, prefix);
  }

  @Test
  void adoptNeverReplacesASecretThatIsNotAPullSecret(TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("tls");
    String src = cluster.newNamespace("src");
    source(client, src, "creds", "registry.acme.io", "paul");
    String ns = cluster.newNamespace(prefix);
    String clean = cluster.newNamespace(prefix);
    Secret tls =
        client
            .secrets()
            .inNamespace(ns)
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName(prefix)
                    .endMetadata()
                    .withType("kubernetes.io/tls")
                    .withData(Map.of("tls.crt", b64("a certificate"), "tls.key", b64("its key")))
                    .build())
            .create();
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: creds}]\n  namespaces: {include: [\"%s-*\"]}\n"
                .formatted(src, prefix)
            + "  onConflict: Adopt\n");
    PullCredentialPolicy p =
        awaitPolicy(
            client,
            prefix,
            x ->
                x.getStatus().getNamespaces().getConflicts() == 1
                    && x.getStatus().getNamespaces().getSynced() == 1);
    assertThat(p.getStatus().getFailures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getNamespace()).isEqualTo(ns);
              assertThat(f.getReason()).isEqualTo("NotAPullSecret");
              assertThat(f.getMessage()).doesNotContain("kubernetes.io/tls");
            });
    assertThat(secret(client, clean, prefix).getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    deletePolicy(client, prefix);
    Secret after = secret(client, ns, prefix);
    assertThat(after).as("the TLS Secret outlives the policy").isNotNull();
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(tls.getMetadata().getResourceVersion());
    assertThat(after.getType()).isEqualTo("kubernetes.io/tls");
  }

  @Test
  void statusSaysTheSameOfAMissingSourceAndOfASecretThatIsNotAPullSecret(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("unseen");
    String src = cluster.newNamespace("src");
    client
        .secrets()
        .inNamespace(src)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("creds")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", b64("a certificate"), "tls.key", b64("its key")))
                .build())
        .create();
    String missing = prefix + "-missing";
    String other = prefix + "-tls";
    policy(client, missing, "  sources: [{namespace: %s, name: nothing}]\n".formatted(src));
    policy(client, other, "  sources: [{namespace: %s, name: creds}]\n".formatted(src));
    Condition ofMissing = awaitSourceProblem(client, missing);
    Condition ofOther = awaitSourceProblem(client, other);
    assertThat(ofOther.getReason()).isEqualTo(ofMissing.getReason()).isEqualTo("SourceNotFound");
    assertThat(ofOther.getMessage())
        .isEqualTo(ofMissing.getMessage().replace(src + "/nothing", src + "/creds"))
        .doesNotContain("tls");
    Event eventOfMissing = awaitWarning(client, missing);
    Event eventOfOther = awaitWarning(client, other);
    assertThat(eventOfOther.getReason()).isEqualTo(eventOfMissing.getReason());
    assertThat(eventOfOther.getMessage())
        .isEqualTo(eventOfMissing.getMessage().replace(src + "/nothing", src + "/creds"))
        .doesNotContain("tls");
    deletePolicy(client, missing);
    deletePolicy(client, other);
  }

  private static Condition awaitSourceProblem(KubernetesClient client, String policy) {
    return condition(
        awaitPolicy(
            client,
            policy,
            p -> {
              Condition c = condition(p, PullPolicyLabels.CONDITION_SOURCE_VALID);
              return c != null && "False".equals(c.getStatus());
            }),
        PullPolicyLabels.CONDITION_SOURCE_VALID);
  }

  private static Event awaitWarning(KubernetesClient client, String policy) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.v1().events().inNamespace("default").list().getItems().stream()
                    .filter(e -> policy.equals(e.getInvolvedObject().getName()))
                    .filter(e -> "Warning".equals(e.getType()))
                    .findFirst()
                    .orElse(null),
            e -> e != null);
  }

  @Test
  void mergedSourcesTooLargeForACopyAreRefusedAndTheCopiesLeftAsTheyAre(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("huge");
    String src = cluster.newNamespace("src");
    String ns = cluster.newNamespace(prefix);
    // about 600 KB and a little: valid together
    pullSecret(client, src, "one", registries("one", 900, 600));
    pullSecret(client, src, "two", registries("two", 10, 10));
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: one}, {namespace: %s, name: two}]\n".formatted(src, src)
            + "  namespaces: {include: [\"%s-*\"]}\n".formatted(prefix));
    awaitReady(client, prefix, 1);
    String goodRv = secret(client, ns, prefix).getMetadata().getResourceVersion();

    // now both about 600 KB: each is a valid Secret, together they exceed what a Secret may hold
    pullSecret(client, src, "two", registries("two", 900, 600));
    PullCredentialPolicy p =
        awaitPolicy(
            client,
            prefix,
            x -> {
              Condition c = condition(x, PullPolicyLabels.CONDITION_SOURCE_VALID);
              return c != null && "SourceTooLarge".equals(c.getReason());
            });
    assertThat(condition(p, PullPolicyLabels.CONDITION_READY).getReason())
        .isEqualTo("SourceInvalid");
    assertThat(condition(p, PullPolicyLabels.CONDITION_SOURCE_VALID).getMessage())
        .startsWith("the merged sources would make a copy of ")
        .contains("a Secret holds at most 1048576")
        .doesNotContain("\n")
        .doesNotContain("uuuu");
    assertThat(awaitWarning(client, prefix).getReason()).isEqualTo("SourceTooLarge");
    assertThat(p.getStatus().getFailures()).isEmpty();
    assertThat(secret(client, ns, prefix).getMetadata().getResourceVersion())
        .as("the copy is left as it was")
        .isEqualTo(goodRv);
    deletePolicy(client, prefix);
  }

  @Test
  void theLargestSourcesTheApiServerAcceptsLeaveAStatusItAcceptsToo(
      TestCluster cluster, KubernetesClient client) {
    String prefix = cluster.uniqueName("most");
    String src = cluster.newNamespace("src");
    String ns = cluster.newNamespace(prefix);
    // Two sources of just under 1 MiB (the most a Secret may hold), with the same registries: the
    // merge fits in one copy, and every registry of the second is a note ("listed first").
    String big = maximal();
    int registries = countRegistries(big);
    pullSecret(client, src, "one", big);
    pullSecret(client, src, "two", big);
    policy(
        client,
        prefix,
        "  sources: [{namespace: %s, name: one}, {namespace: %s, name: two}]\n".formatted(src, src)
            + "  namespaces: {include: [\"%s-*\"]}\n".formatted(prefix));
    PullCredentialPolicy p = awaitReady(client, prefix, 1);
    assertThat(configOf(secret(client, ns, prefix)).length()).isEqualTo(big.length());
    assertThat(p.getStatus().getRegistries()).hasSize(100);
    assertThat(p.getStatus().getRegistriesOmitted()).isEqualTo(registries - 100);
    assertThat(condition(p, PullPolicyLabels.CONDITION_SOURCE_VALID).getMessage())
        .startsWith("2 sources, " + registries + " registries; registry ")
        .endsWith("; and " + (registries - 10) + " more notes");
    int statusBytes = Serialization.asJson(p.getStatus()).getBytes(StandardCharsets.UTF_8).length;
    System.out.printf(
        "largest sources: 2 x %d bytes, %d registries each; the status holds %d bytes%n",
        big.length(), registries, statusBytes);
    assertThat(statusBytes).as("bounded status").isLessThan(100_000);
    deletePolicy(client, prefix);
  }

  /**
   * A .dockerconfigjson of about 1 MiB, just under the most a Secret may hold: as many registries
   * {@code rNNNNN.example.com} with an auth as fit.
   */
  static String maximal() {
    StringBuilder b = new StringBuilder("{\"auths\":{");
    String auth = "\":{\"auth\":\"" + b64("user:password") + "\"}";
    for (int i = 0; ; i++) {
      String entry = (i == 0 ? "" : ",") + "\"r" + i + ".example.com" + auth;
      if (b.length() + entry.length() + 2 > 1024 * 1024 - 64) {
        break;
      }
      b.append(entry);
    }
    return b.append("}}").toString();
  }

  static int countRegistries(String json) {
    return json.split("\\.example\\.com\"", -1).length - 1;
  }

  /**
   * A .dockerconfigjson of {@code count} registries {@code <name>N.example} with a username of
   * {@code usernameLength} characters each.
   */
  static String registries(String name, int count, int usernameLength) {
    StringBuilder b = new StringBuilder("{\"auths\":{");
    String user = "u".repeat(usernameLength);
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",")
          .append('"')
          .append(name)
          .append(i)
          .append(".example\":{\"username\":\"")
          .append(user)
          .append("\"}");
    }
    return b.append("}}").toString();
  }

  /** Creates or replaces a dockerconfigjson Secret holding {@code json}. */
  static void pullSecret(KubernetesClient client, String ns, String name, String json) {
    raw(client, ns, name, "kubernetes.io/dockerconfigjson", ".dockerconfigjson", json);
  }
}
