package dev.pullpolicy.api.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceAccountEntriesTest {
  static ServiceAccount sa(String name, String... entries) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("ns")
        .withResourceVersion("7")
        .endMetadata()
        .withImagePullSecrets(
            java.util.Arrays.stream(entries).map(LocalObjectReference::new).toList())
        .build();
  }

  static List<String> names(ServiceAccount sa) {
    return sa.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList();
  }

  @Test
  void addsExactlyOneEntryKeepsOthersAndRecordsIt() {
    ServiceAccount edited =
        ServiceAccountEntries.withEntry(sa("default", "other"), "acme", "p").orElseThrow();
    assertThat(names(edited)).containsExactly("other", "acme");
    assertThat(edited.getMetadata().getAnnotations())
        .containsEntry(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, "{\"acme\":\"p\"}");
    assertThat(edited.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(ServiceAccountEntries.withEntry(edited, "acme", "p")).isEmpty();
  }

  @Test
  void anEntrySomeoneElseAddedIsNotRecordedAndNeverRemoved() {
    ServiceAccount theirs = sa("default", "acme");
    assertThat(ServiceAccountEntries.withEntry(theirs, "acme", "p")).isEmpty();
    assertThat(ServiceAccountEntries.withoutEntry(theirs, "acme", "p")).isEmpty();
  }

  @Test
  void removesOnlyItsOwnEntryFromServiceAccount() {
    ServiceAccount ours =
        ServiceAccountEntries.withEntry(sa("default", "a", "b"), "acme", "p").orElseThrow();
    ServiceAccount removed = ServiceAccountEntries.withoutEntry(ours, "acme", "p").orElseThrow();
    assertThat(names(removed)).containsExactly("a", "b");
    assertThat(removed.getMetadata().getAnnotations())
        .doesNotContainKey(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES);
    assertThat(ServiceAccountEntries.withoutEntry(ours, "acme", "another-policy")).isEmpty();
  }

  @Test
  void putsBackAnEntryRemovedByHand() {
    ServiceAccount ours = ServiceAccountEntries.withEntry(sa("default"), "acme", "p").orElseThrow();
    ours.setImagePullSecrets(List.of());
    assertThat(names(ServiceAccountEntries.withEntry(ours, "acme", "p").orElseThrow()))
        .containsExactly("acme");
  }

  @Test
  void removesEveryEntryOfThePolicyAndNothingElse() {
    ServiceAccount sa = sa("default", "theirs");
    sa = ServiceAccountEntries.withEntry(sa, "acme", "p").orElseThrow();
    sa = ServiceAccountEntries.withEntry(sa, "old-name", "p").orElseThrow();
    sa = ServiceAccountEntries.withEntry(sa, "zed", "q").orElseThrow();
    ServiceAccount removed = ServiceAccountEntries.withoutPolicy(sa, "p").orElseThrow();
    assertThat(names(removed)).containsExactly("theirs", "zed");
    assertThat(ServiceAccountEntries.recorded(removed)).containsExactly(Map.entry("zed", "q"));
    assertThat(ServiceAccountEntries.withoutPolicy(removed, "p")).isEmpty();
  }

  static ServiceAccount annotated(String json) {
    ServiceAccount sa = sa("default");
    sa.getMetadata().setAnnotations(Map.of(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, json));
    return sa;
  }

  @Test
  void recordedForParsesOnlyWhenTheAnnotationCanNameThePolicy() {
    assertThat(ServiceAccountEntries.recordedFor(sa("default"), "p")).isEmpty();
    assertThat(ServiceAccountEntries.recordedFor(annotated("{\"a\":\"p\",\"b\":\"q\"}"), "p"))
        .containsExactly("a");
    assertThat(ServiceAccountEntries.recordedFor(annotated("{\"a\":\"q\"}"), "p")).isEmpty();
    // the name appears, but only as a key or as part of another policy's name
    assertThat(ServiceAccountEntries.recordedFor(annotated("{\"p\":\"p-2\"}"), "p")).isEmpty();
    // a JSON escape can spell the name without containing it: still parsed
    assertThat(ServiceAccountEntries.recordedFor(annotated("{\"a\":\"\\u0070\"}"), "p"))
        .containsExactly("a");
    assertThat(ServiceAccountEntries.recordedFor(annotated("{p"), "p")).isEmpty();
    assertThat(ServiceAccountEntries.recordedFor(annotated(""), "p")).isEmpty();
    assertThat(ServiceAccountEntries.mayMention(null, "p")).isFalse();
    assertThat(ServiceAccountEntries.mayMention("{\"a\":\"q\"}", "p")).isFalse();
  }

  @Test
  void hasEntry() {
    assertThat(ServiceAccountEntries.hasEntry(sa("default", "a", "b"), "b")).isTrue();
    assertThat(ServiceAccountEntries.hasEntry(sa("default", "a"), "b")).isFalse();
    ServiceAccount none = sa("default");
    none.setImagePullSecrets(null);
    assertThat(ServiceAccountEntries.hasEntry(none, "b")).isFalse();
  }
}
