package dev.pullpolicy.operator.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which source Secrets {@link SourceSecrets} watches: those of the existing policies from the start
 * (ahead of their first reconcile), then what each reconcile names. Against the fabric8 mock server
 * in CRUD mode (lists, name-scoped watches); the behaviour in a cluster is the system tests'.
 */
@EnableKubernetesMockClient(crud = true)
class SourceSecretsTest {
  KubernetesMockServer server;
  KubernetesClient client;
  private SourceSecrets sources;

  private static final SecretReference FIRST = new SecretReference("platform", "registry-creds");
  private static final SecretReference SECOND = new SecretReference("platform", "mirror-creds");

  @BeforeEach
  void start() {
    for (SecretReference ref : List.of(FIRST, SECOND)) {
      client
          .secrets()
          .inNamespace(ref.getNamespace())
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(ref.getName())
                  .withNamespace(ref.getNamespace())
                  .endMetadata()
                  .withType("kubernetes.io/dockerconfigjson")
                  .withData(Map.of(".dockerconfigjson", "e30="))
                  .build())
          .create();
    }
    sources = new SourceSecrets(client, (policy, when) -> {});
  }

  @AfterEach
  void stop() {
    sources.stop();
  }

  private void policy(String name, SecretReference... refs) {
    PullCredentialPolicy p = new PullCredentialPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    spec.setSources(List.of(refs));
    p.setSpec(spec);
    client.resource(p).create();
  }

  @Test
  void theSourcesOfExistingPoliciesAreWatchedFromTheStartBeforeAnyReconcile() {
    policy("registry", FIRST);

    sources.start();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sources.get(FIRST)).isNotNull());
    assertThat(sources.get(SECOND)).isNull();
  }

  @Test
  void watchingAheadReleasesNothingAndTheNextReconcileReleasesWhatItNoLongerNames() {
    sources.track("registry", List.of(FIRST));

    // the policy as listed at the start named another source too (it was edited since)
    sources.watchFor("registry", List.of(FIRST, SECOND));
    assertThat(sources.get(FIRST)).isNotNull();
    assertThat(sources.get(SECOND)).isNotNull();

    sources.track("registry", List.of(FIRST));
    assertThat(sources.get(FIRST)).isNotNull();
    assertThat(sources.get(SECOND)).isNull();
  }

  @Test
  void aPolicyDeletedBeforeItsFirstReconcileStopsWatchingWhatWasWatchedAheadForIt() {
    sources.watchFor("registry", List.of(FIRST));

    sources.untrack("registry");

    assertThat(sources.get(FIRST)).isNull();
  }
}
