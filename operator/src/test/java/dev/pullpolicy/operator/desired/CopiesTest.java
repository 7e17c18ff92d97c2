package dev.pullpolicy.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.sources.SourceConfigs;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.Target;
import dev.pullpolicy.operator.cache.CachedCopy;
import dev.pullpolicy.operator.cache.SlimStore;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

public class CopiesTest {
  public static PullCredentialPolicy policy() {
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

  static final byte[] JSON = "{\"auths\":{}}".getBytes(StandardCharsets.UTF_8);

  /** The merged sources; the hash is the real one, as the copies' data is compared by hash. */
  public static final MergedConfig CONFIG =
      new MergedConfig(JSON, SourceConfigs.sha256(JSON), List.of(), List.of());

  @Test
  void buildsTheCopyWithOurMetadataOnly() {
    Secret s = DesiredCopy.of(policy(), CONFIG).secret("ns");
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
            Map.of("note", "y", PullPolicyLabels.SOURCE_HASH, CONFIG.hash()));
    assertThat(s.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo("uid-1"));
  }

  @Test
  void detectsDriftButToleratesForeignLabels() {
    DesiredCopy template = DesiredCopy.of(policy(), CONFIG);
    Secret desired = template.secret("ns");
    Secret same =
        new SecretBuilder(desired).editMetadata().addToLabels("extra", "1").endMetadata().build();
    assertThat(template.inSync(same)).isTrue();
    Secret edited =
        new SecretBuilder(desired).withData(Map.of(".dockerconfigjson", "e30=")).build();
    assertThat(template.inSync(edited)).isFalse();
  }

  /**
   * The plain statement of "in sync", as the reference the optimised {@link DesiredCopy#inSync}
   * must agree with: type, data, no stringData, our labels and annotations present, our owner.
   */
  static boolean inSyncReference(Secret existing, Secret desired) {
    return Objects.equals(existing.getType(), desired.getType())
        && Objects.equals(existing.getData(), desired.getData())
        && (existing.getStringData() == null || existing.getStringData().isEmpty())
        && containsAll(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())
        && containsAll(
            existing.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations())
        && existing.getMetadata().getOwnerReferences() != null
        && existing.getMetadata().getOwnerReferences().stream()
            .anyMatch(
                r -> r.getUid().equals(desired.getMetadata().getOwnerReferences().get(0).getUid()));
  }

  private static boolean containsAll(Map<String, String> actual, Map<String, String> wanted) {
    Map<String, String> a = actual == null ? Map.of() : actual;
    return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(a.get(e.getKey())));
  }

  @Test
  void orphanedCopyLosesOwnerAndLabels() {
    Secret o = Copies.orphaned(DesiredCopy.of(policy(), CONFIG).secret("ns"), "uid-1");
    assertThat(o.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(o.getMetadata().getLabels()).containsOnlyKeys("team");
    assertThat(Ownership.managingPolicy(o)).isNull();
  }

  @Test
  void desiredCopyAgreesWithInSync() {
    DesiredCopy template = DesiredCopy.of(policy(), CONFIG);
    Secret desired = template.secret("ns");
    assertThat(desired).isEqualTo(DesiredCopy.of(policy(), CONFIG).secret("ns"));
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
      boolean expected = inSyncReference(v, desired);
      assertThat(template.inSync(v)).as("%s", v).isEqualTo(expected);
      // the cache keeps no data, only its hash: it decides the same
      CachedCopy cached = CachedCopy.of(new SecretBuilder(v).build());
      assertThat(cached.getData()).isNull();
      if (v.getStringData() == null) {
        assertThat(template.inSync(cached)).as("cached %s", v).isEqualTo(expected);
      }
    }
    assertThat(variants.stream().filter(template::inSync)).hasSize(3);
  }

  @Test
  void theCopyStoreKeepsNoDataAndAnnouncesWhatItStores() {
    SlimStore<Secret> store = SlimStore.copies();
    Secret desired = DesiredCopy.of(policy(), CONFIG).secret("ns");
    store.put(store.getKey(desired), new SecretBuilder(desired).build());
    assertThat(store.getKey(desired)).isEqualTo("ns/acme");
    assertThat(store.get("ns/acme")).isInstanceOf(CachedCopy.class);
    assertThat(store.get("ns/acme").getData()).isNull();
    assertThat(DesiredCopy.of(policy(), CONFIG).inSync(store.get("ns/acme"))).isTrue();
    // the informer then announces its initial list from the store, not the objects as received
    assertThat(store.isFullState()).isTrue();
  }

  @Test
  void theCacheKeepsMetadataAndTypeAndTheHashOfTheDataOnly() {
    Secret desired = DesiredCopy.of(policy(), CONFIG).secret("ns");
    desired.getMetadata().setResourceVersion("7");
    CachedCopy cached = CachedCopy.of(new SecretBuilder(desired).build());
    assertThat(cached.getData()).isNull();
    assertThat(cached.getStringData()).isNull();
    assertThat(cached.getType()).isEqualTo(desired.getType());
    assertThat(cached.getMetadata())
        .usingRecursiveComparison()
        .ignoringFields("managedFields")
        .isEqualTo(desired.getMetadata());
    assertThat(cached.getMetadata().getManagedFields()).isNull();
    assertThat(cached.dataHash()).isEqualTo(CONFIG.hash());
    assertThat(CachedCopy.of(cached)).isSameAs(cached);
    // data that is not exactly one .dockerconfigjson has no hash: never in sync
    assertThat(CachedCopy.of(new SecretBuilder(desired).addToData("x", "e30=").build()).dataHash())
        .isNull();
    assertThat(
            CachedCopy.of(new SecretBuilder(desired).withData(Map.of("a", "e30=")).build())
                .dataHash())
        .isNull();
  }
}
