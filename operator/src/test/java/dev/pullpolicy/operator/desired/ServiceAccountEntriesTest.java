package dev.pullpolicy.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
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
  void selectionByNameStarOrSelector() {
    assertThat(ServiceAccountEntries.selected(null, sa("default"))).isTrue();
    assertThat(ServiceAccountEntries.selected(null, sa("builder"))).isFalse();
    ServiceAccountSelection star = new ServiceAccountSelection();
    star.setNames(List.of("*"));
    assertThat(ServiceAccountEntries.selected(star, sa("anything"))).isTrue();
    ServiceAccountSelection bySelector = new ServiceAccountSelection();
    bySelector.setSelector(
        new LabelSelectorBuilder().withMatchLabels(Map.of("pull", "yes")).build());
    ServiceAccount labelled = sa("x");
    labelled.getMetadata().setLabels(Map.of("pull", "yes"));
    assertThat(ServiceAccountEntries.selected(bySelector, labelled)).isTrue();
    assertThat(ServiceAccountEntries.selected(bySelector, sa("default"))).isFalse();
  }
}
