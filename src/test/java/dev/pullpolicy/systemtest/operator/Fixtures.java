package dev.pullpolicy.systemtest.operator;

import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.Policies;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Small helpers shared by the operator's system tests: sources, policies, waiting. */
final class Fixtures {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Fixtures() {}

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }

  /** The JSON of a .dockerconfigjson with one registry. */
  static String dockerConfig(String registry, String user, String password) {
    return "{\"auths\":{\""
        + registry
        + "\":{\"username\":\""
        + user
        + "\",\"password\":\""
        + password
        + "\",\"auth\":\""
        + b64(user + ":" + password)
        + "\"}}}";
  }

  /** Creates (or replaces) a source of type dockerconfigjson. */
  static Secret source(
      KubernetesClient client, String ns, String name, String registry, String user) {
    return raw(
        client,
        ns,
        name,
        "kubernetes.io/dockerconfigjson",
        ".dockerconfigjson",
        dockerConfig(registry, user, "pw-" + user));
  }

  /** Creates or replaces a Secret with one data key. */
  static Secret raw(
      KubernetesClient client, String ns, String name, String type, String key, String value) {
    Secret s =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .withType(type)
            .withData(Map.of(key, b64(value)))
            .build();
    Secret existing = client.secrets().inNamespace(ns).withName(name).get();
    if (existing != null && !existing.getType().equals(type)) {
      client.secrets().inNamespace(ns).withName(name).withGracePeriod(0).delete();
      await()
          .atMost(TIMEOUT)
          .until(() -> client.secrets().inNamespace(ns).withName(name).get() == null);
      existing = null;
    }
    if (existing == null) {
      return client.secrets().inNamespace(ns).resource(s).create();
    }
    existing.setData(s.getData());
    return client.secrets().inNamespace(ns).resource(existing).update();
  }

  /** Creates a policy from YAML (the spec part, indented two spaces). */
  static PullCredentialPolicy policy(KubernetesClient client, String name, String specYaml) {
    return Policies.create(client, name, specYaml);
  }

  static PullCredentialPolicy get(KubernetesClient client, String name) {
    return client.resources(PullCredentialPolicy.class).withName(name).get();
  }

  static Condition condition(PullCredentialPolicy p, String type) {
    return p == null || p.getStatus() == null ? null : p.getStatus().condition(type);
  }

  /** Waits until the policy's status satisfies the predicate and returns it. */
  static PullCredentialPolicy awaitPolicy(
      KubernetesClient client, String name, Predicate<PullCredentialPolicy> until) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get(client, name), p -> p != null && p.getStatus() != null && until.test(p));
  }

  static PullCredentialPolicy awaitReady(KubernetesClient client, String name, int synced) {
    return awaitPolicy(
        client,
        name,
        p -> {
          Condition c = condition(p, PullPolicyLabels.CONDITION_READY);
          return c != null
              && "True".equals(c.getStatus())
              && p.getStatus().getNamespaces().getSynced() == synced
              && p.getMetadata().getGeneration().equals(p.getStatus().getObservedGeneration());
        });
  }

  static Secret secret(KubernetesClient client, String ns, String name) {
    return client.secrets().inNamespace(ns).withName(name).get();
  }

  static Secret awaitSecret(KubernetesClient client, String ns, String name, Predicate<Secret> ok) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> secret(client, ns, name), s -> s != null && ok.test(s));
  }

  static ServiceAccount awaitServiceAccount(
      KubernetesClient client, String ns, String name, Predicate<ServiceAccount> ok) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.serviceAccounts().inNamespace(ns).withName(name).get(),
            sa -> sa != null && ok.test(sa));
  }

  static List<String> pullSecretNames(ServiceAccount sa) {
    return sa.getImagePullSecrets() == null
        ? List.of()
        : sa.getImagePullSecrets().stream().map(r -> r.getName()).toList();
  }

  static String configOf(Secret s) {
    return decode(s.getData().get(".dockerconfigjson"));
  }

  static void deletePolicy(KubernetesClient client, String name) {
    client.resources(PullCredentialPolicy.class).withName(name).delete();
    await().atMost(TIMEOUT).until(() -> get(client, name) == null);
  }
}
