package dev.pullpolicy.operator.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.operator.cache.Slim;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceAccountPatchTest {

  static ServiceAccount full() {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName("default")
        .withNamespace("a")
        .addToLabels("team", "x")
        .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{…}")
        .addToAnnotations("other-writer", "keep")
        .endMetadata()
        .withImagePullSecrets(new LocalObjectReference("theirs"))
        .withSecrets(new ObjectReference(null, null, null, "token", null, null, null))
        .withAutomountServiceAccountToken(false)
        .build();
  }

  @Test
  void sendsTheVersionReadAndOnlyWhatChanged() {
    ServiceAccount current = full();
    current.getMetadata().setResourceVersion("42");
    ServiceAccount edited = ServiceAccountEntries.withEntry(current, "acme", "p").orElseThrow();
    assertThat(ServiceAccountPatch.of(current, edited))
        .isEqualTo(
            "{\"metadata\":{\"resourceVersion\":\"42\",\"annotations\":"
                + "{\"pullpolicy.dev/image-pull-secrets\":\"{\\\"acme\\\":\\\"p\\\"}\"}},"
                + "\"imagePullSecrets\":[{\"name\":\"theirs\"},{\"name\":\"acme\"}]}");
    ServiceAccount back = ServiceAccountEntries.withoutEntry(edited, "acme", "p").orElseThrow();
    edited.getMetadata().setResourceVersion("43");
    assertThat(ServiceAccountPatch.of(edited, back))
        .isEqualTo(
            "{\"metadata\":{\"resourceVersion\":\"43\",\"annotations\":"
                + "{\"pullpolicy.dev/image-pull-secrets\":null}},"
                + "\"imagePullSecrets\":[{\"name\":\"theirs\"}]}");
  }

  @Test
  void aPatchFromTheSlimCachedCopyKeepsEverythingElseOfTheStoredObject() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(full()));
    ServiceAccount cached = Slim.serviceAccount(cluster.serviceAccount("a", "default"));
    assertThat(cached.getMetadata().getAnnotations()).isNull();
    ServiceAccount edited = ServiceAccountEntries.withEntry(cached, "acme", "p").orElseThrow();
    assertThat(cluster.patchServiceAccount(cached, edited).succeeded()).isTrue();

    ServiceAccount stored = cluster.serviceAccount("a", "default");
    assertThat(stored.getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("theirs", "acme");
    assertThat(stored.getMetadata().getAnnotations())
        .containsEntry("other-writer", "keep")
        .containsKey("kubectl.kubernetes.io/last-applied-configuration")
        .containsEntry(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, "{\"acme\":\"p\"}");
    assertThat(stored.getMetadata().getLabels()).containsEntry("team", "x");
    assertThat(stored.getSecrets()).hasSize(1);
    assertThat(stored.getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void aPatchFromAStaleReadIsAConflict() {
    InMemoryCluster cluster = InMemoryCluster.of(List.of(full()));
    ServiceAccount cached = Slim.serviceAccount(cluster.serviceAccount("a", "default"));
    ServiceAccount other =
        new ServiceAccountBuilder(cluster.serviceAccount("a", "default")).build();
    other.getImagePullSecrets().add(new LocalObjectReference("another-writer"));
    cluster.with(other); // someone else wrote since the cache read it
    ServiceAccount edited = ServiceAccountEntries.withEntry(cached, "acme", "p").orElseThrow();
    assertThat(cluster.patchServiceAccount(cached, edited).code()).isEqualTo(409);
    assertThat(cluster.serviceAccount("a", "default").getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("theirs", "another-writer");
  }

  @Test
  void refusesAnObjectWithoutTheVersionItWasReadAt() {
    ServiceAccount current = full();
    ServiceAccount edited = ServiceAccountEntries.withEntry(current, "acme", "p").orElseThrow();
    assertThatThrownBy(() -> ServiceAccountPatch.of(current, edited))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
