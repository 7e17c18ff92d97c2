package dev.pullpolicy.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.Target;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CopiesTest {
  static PullCredentialPolicy policy() {
    PullCredentialPolicy p = new PullCredentialPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("acme").withUid("uid-1").build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    Target t = new Target();
    t.setLabels(Map.of("team", "x"));
    t.setAnnotations(Map.of("note", "y"));
    spec.setTarget(t);
    p.setSpec(spec);
    return p;
  }

  static final MergedConfig CONFIG =
      new MergedConfig(
          "{\"auths\":{}}".getBytes(StandardCharsets.UTF_8), "h1", List.of(), List.of());

  @Test
  void buildsTheCopyWithOurMetadataOnly() {
    Secret s = Copies.desired(policy(), "ns", CONFIG);
    assertThat(s.getMetadata().getName()).isEqualTo("acme");
    assertThat(s.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(s.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "team",
                "x",
                PullPolicyLabels.POLICY,
                "acme",
                PullPolicyLabels.MANAGED_BY,
                "pullpolicy"));
    assertThat(s.getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("note", "y", PullPolicyLabels.SOURCE_HASH, "h1"));
    assertThat(s.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo("uid-1"));
  }

  @Test
  void detectsDriftButToleratesForeignLabels() {
    Secret desired = Copies.desired(policy(), "ns", CONFIG);
    Secret same =
        new SecretBuilder(desired).editMetadata().addToLabels("extra", "1").endMetadata().build();
    assertThat(Copies.inSync(same, desired)).isTrue();
    Secret edited =
        new SecretBuilder(desired).withData(Map.of(".dockerconfigjson", "e30=")).build();
    assertThat(Copies.inSync(edited, desired)).isFalse();
  }

  @Test
  void orphanedCopyLosesOwnerAndLabels() {
    Secret o = Copies.orphaned(Copies.desired(policy(), "ns", CONFIG), "uid-1");
    assertThat(o.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(o.getMetadata().getLabels()).containsOnlyKeys("team");
    assertThat(Copies.managingPolicy(o)).isNull();
  }

  @Test
  void desiredCopyAgreesWithInSync() {
    DesiredCopy template = DesiredCopy.of(policy(), CONFIG);
    Secret desired = template.secret("ns");
    assertThat(desired).isEqualTo(Copies.desired(policy(), "ns", CONFIG));
    assertThat(template.secret("ns")).isNotSameAs(desired);
    List<Secret> variants =
        List.of(
            desired,
            new SecretBuilder(desired)
                .editMetadata()
                .addToLabels("extra", "1")
                .endMetadata()
                .build(),
            new SecretBuilder(desired)
                .editMetadata()
                .addToAnnotations("extra", "1")
                .endMetadata()
                .build(),
            // hand-edited data, hash annotation kept
            new SecretBuilder(desired).withData(Map.of(".dockerconfigjson", "e30=")).build(),
            new SecretBuilder(desired).addToData("more", "e30=").build(),
            new SecretBuilder(desired).withData(null).build(),
            new SecretBuilder(desired).withStringData(Map.of("a", "b")).build(),
            new SecretBuilder(desired).withType("Opaque").build(),
            new SecretBuilder(desired)
                .editMetadata()
                .addToAnnotations(PullPolicyLabels.SOURCE_HASH, "h0")
                .endMetadata()
                .build(),
            new SecretBuilder(desired).editMetadata().withAnnotations(null).endMetadata().build(),
            new SecretBuilder(desired).editMetadata().withLabels(null).endMetadata().build(),
            new SecretBuilder(desired)
                .editMetadata()
                .addToLabels("team", "other")
                .endMetadata()
                .build(),
            new SecretBuilder(desired).editMetadata().withOwnerReferences().endMetadata().build());
    for (Secret v : variants) {
      assertThat(template.inSync(v)).as("%s", v).isEqualTo(Copies.inSync(v, desired));
    }
    assertThat(variants.stream().filter(template::inSync)).hasSize(3);
  }
}
