package dev.pullpolicy.systemtest.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.conditions.AdmissionActiveReason;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pullpolicy's MutatingAdmissionPolicy ({@code deploy/36-service-account-admission.yaml}) on the
 * test cluster: installed with the real kubectl exactly as users install it, its binding removed to
 * turn it off, and ServiceAccounts created through it with a server-side dry run (admission runs,
 * nothing is stored).
 *
 * <p>The API server loads admission policies and their parameters (the PullCredentialPolicies)
 * through informers, a moment after they change. Tests that need admission to know a policy wait
 * for it with {@link #awaitEntry}: a probe policy created after the others, selecting a namespace
 * of the test, whose entry shows that admission has seen it and everything created before it.
 */
public final class ServiceAccountAdmission {

  /** The file in {@code deploy/}. */
  public static final String FILE = "36-service-account-admission.yaml";

  /** The name of the policy and of its binding. */
  public static final String NAME = AdmissionActiveReason.OBJECT_NAME;

  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final ResourceDefinitionContext POLICY =
      context("mutatingadmissionpolicies", "MutatingAdmissionPolicy");
  private static final ResourceDefinitionContext BINDING =
      context("mutatingadmissionpolicybindings", "MutatingAdmissionPolicyBinding");
  private static final AtomicInteger PROBES = new AtomicInteger();

  private ServiceAccountAdmission() {}

  private static ResourceDefinitionContext context(String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("admissionregistration.k8s.io")
        .withVersion("v1")
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(false)
        .build();
  }

  /** Applies the policy and its binding from {@code deploy/} with the real kubectl. */
  public static void install(TestCluster cluster) {
    CommandResult applied =
        cluster.kubectl(
            "apply", "-f", cluster.repoRoot().resolve("deploy").resolve(FILE).toString());
    assertThat(applied.exitCode()).as(applied.describe()).isZero();
  }

  /**
   * Deletes the binding: the policy stays but acts nowhere (what a cluster without admission does,
   * as far as ServiceAccounts are concerned).
   */
  public static void removeBinding(KubernetesClient client) {
    client.genericKubernetesResources(BINDING).withName(NAME).delete();
  }

  /** Deletes the binding and the policy. */
  public static void uninstall(KubernetesClient client) {
    removeBinding(client);
    client.genericKubernetesResources(POLICY).withName(NAME).delete();
  }

  /** The installed policy, or null. */
  public static GenericKubernetesResource policy(KubernetesClient client) {
    return client.genericKubernetesResources(POLICY).withName(NAME).get();
  }

  /** The installed binding, or null. */
  public static GenericKubernetesResource binding(KubernetesClient client) {
    return client.genericKubernetesResources(BINDING).withName(NAME).get();
  }

  /**
   * Creates the ServiceAccount with a server-side dry run and returns it as admission left it
   * (nothing is stored).
   */
  public static ServiceAccount dryRun(KubernetesClient client, ServiceAccount sa) {
    return client
        .serviceAccounts()
        .inNamespace(sa.getMetadata().getNamespace())
        .resource(sa)
        .dryRun()
        .create();
  }

  /** A ServiceAccount with a name no other probe uses, for {@link #dryRun}. */
  public static ServiceAccount probeAccount(String ns, Map<String, String> labels) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName("probe-" + PROBES.incrementAndGet())
        .withNamespace(ns)
        .withLabels(labels.isEmpty() ? null : labels)
        .endMetadata()
        .build();
  }

  /**
   * Creates probe ServiceAccounts in {@code ns} (dry run) until admission adds the entry {@code
   * secretName}, and returns that one: admission then knows the policy that adds it and every
   * policy created before it.
   */
  public static ServiceAccount awaitEntry(KubernetesClient client, String ns, String secretName) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> dryRun(client, probeAccount(ns, Map.of())),
            sa -> pullSecrets(sa).contains(secretName));
  }

  /**
   * Returns when admission knows every PullCredentialPolicy created so far: a probe policy created
   * now, selecting every ServiceAccount of {@code probeNamespace}, adds its entry there (admission
   * reads the policies through one watch, in order), and is deleted again.
   */
  public static void awaitPoliciesSoFar(
      TestCluster cluster, KubernetesClient client, String probeNamespace) {
    String probe = cluster.uniqueName("probe");
    Policies.create(
        client,
        probe,
        """
          sources: [{namespace: %s, name: probe}]
          namespaces: {include: [%s], exclude: []}
          serviceAccounts: {names: ["*"]}
        """
            .formatted(probeNamespace, probeNamespace));
    awaitEntry(client, probeNamespace, probe);
    client.resources(PullCredentialPolicy.class).withName(probe).delete();
  }

  /**
   * Waits until admission in {@code ns} no longer adds the entry {@code secretName} (after its
   * binding was removed, or its policy deleted).
   */
  public static void awaitNoEntry(KubernetesClient client, String ns, String secretName) {
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> dryRun(client, probeAccount(ns, Map.of())),
            sa -> !pullSecrets(sa).contains(secretName));
  }

  /** The names in the ServiceAccount's imagePullSecrets, in order. */
  public static List<String> pullSecrets(ServiceAccount sa) {
    List<LocalObjectReference> refs = sa.getImagePullSecrets();
    return refs == null ? List.of() : refs.stream().map(LocalObjectReference::getName).toList();
  }
}
