package dev.pullpolicy.systemtest.node;

import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.TestNode;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A policy for the node's registry, and waiting for what the operator and the kubelet do. */
final class NodeFixtures {

  /** The namespace label a test's policy selects by. */
  static final String SELECTED_BY = "pullpolicy-test/policy";

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private NodeFixtures() {}

  /** A policy named {@code name} copying {@code sourceNs/registry-creds} into its namespaces. */
  record RegistryPolicy(String name, String sourceNamespace) {

    /** The labels that make a namespace selected by this policy. */
    Map<String, String> selects() {
      return Map.of(SELECTED_BY, name);
    }
  }

  /**
   * A source Secret with the registry's current credentials and a policy that selects namespaces
   * labelled {@code SELECTED_BY=<policy name>} (the copy's name is the policy's).
   */
  static RegistryPolicy registryPolicy(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    String name = cluster.uniqueName("node");
    String src = cluster.newNamespace("node-src");
    Workloads.dockerConfigSecret(client, src, "registry-creds", node.dockerConfigJson());
    Policies.create(
        client,
        name,
        """
          sources: [{namespace: %s, name: registry-creds}]
          namespaces: {selector: {matchLabels: {%s: %s}}}
        """
            .formatted(src, SELECTED_BY, name));
    return new RegistryPolicy(name, src);
  }

  static PullCredentialPolicy awaitPolicy(
      KubernetesClient client, String name, Predicate<PullCredentialPolicy> until) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.resources(PullCredentialPolicy.class).withName(name).get(),
            p -> p != null && p.getStatus() != null && until.test(p));
  }

  /** Waits until ServiceAccount {@code ns/sa} lists exactly {@code secrets} as pull secrets. */
  static ServiceAccount awaitPullSecrets(
      KubernetesClient client, String ns, String sa, List<String> secrets) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.serviceAccounts().inNamespace(ns).withName(sa).get(),
            s -> s != null && names(s.getImagePullSecrets()).equals(secrets));
  }

  /** A dockerconfigjson Secret, made the only pull secret of the namespace's default SA. */
  static void usePullSecret(KubernetesClient client, String ns, String name, String json) {
    awaitDefaultServiceAccount(client, ns);
    Workloads.dockerConfigSecret(client, ns, name, json);
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName("default")
        .edit(
            sa -> {
              sa.setImagePullSecrets(List.of(new LocalObjectReference(name)));
              return sa;
            });
  }

  static void awaitDefaultServiceAccount(KubernetesClient client, String ns) {
    await()
        .atMost(TIMEOUT)
        .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
  }

  static List<String> names(List<LocalObjectReference> refs) {
    return refs == null ? List.of() : refs.stream().map(LocalObjectReference::getName).toList();
  }

  /** Prints what the kubelet wrote about a Pod, for the test log (and the docs' records). */
  static void record(String what, KubernetesClient client, Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    StringBuilder b = new StringBuilder("[kubelet] ").append(what).append('\n');
    Workloads.waiting(pod)
        .ifPresent(
            w ->
                b.append("  waiting: ")
                    .append(w.getReason())
                    .append(": ")
                    .append(w.getMessage())
                    .append('\n'));
    for (String e : Workloads.events(client, ns, pod.getMetadata().getName())) {
      b.append("  event: ").append(e).append('\n');
    }
    System.err.print(b);
  }
}
