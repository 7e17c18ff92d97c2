package dev.pullpolicy.api.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyringTest {

  /** A used Secret with the given registries, each with an empty credential. */
  private static PullSecret secret(String name, String... keys) {
    StringBuilder json = new StringBuilder("{\"auths\":{");
    for (int i = 0; i < keys.length; i++) {
      json.append(i == 0 ? "" : ",")
          .append('"')
          .append(keys[i])
          .append("\":{\"username\":\"")
          .append(name)
          .append(i)
          .append("\"}");
    }
    json.append("}}");
    return PullSecrets.read(
        name,
        PullSecrets.TYPE_DOCKER_CONFIG_JSON,
        java.util.Map.of(
            PullSecrets.KEY_DOCKER_CONFIG_JSON,
            json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static List<Keyring.Try> tries(String image, PullSecret... secrets) {
    return Keyring.of(List.of(secrets)).lookup(ImageReference.parse(image)).tries();
  }

  @Test
  void triesTheMostSpecificKeyFirst() {
    assertThat(
            tries(
                "quay.io/team/app:1",
                secret("a", "quay.io"),
                secret("b", "quay.io/team", "other.io")))
        .extracting(m -> m.secret() + " " + m.key().indexKey())
        .containsExactly("b quay.io/team", "a quay.io");
  }

  @Test
  void fallsBackToTheDockerHubKeyOnlyWhenNothingElseMatches() {
    PullSecret hub = secret("hub", "https://index.docker.io/v1/");
    PullSecret acme = secret("acme", "acme.io");
    assertThat(tries("nginx", hub, acme))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.secret()).isEqualTo("hub");
              assertThat(m.dockerHubFallback()).isTrue();
            });
    assertThat(tries("acme.io/app", hub, acme))
        .extracting(Keyring.Try::secret)
        .containsExactly("acme");
    assertThat(tries("ghcr.io/org/app", hub, acme)).isEmpty();
  }

  @Test
  void keepsEveryCredentialOfOneKeyInSecretOrder() {
    Keyring.Lookup lookup =
        Keyring.of(List.of(secret("one", "acme.io"), secret("two", "https://acme.io")))
            .lookup(ImageReference.parse("acme.io/app"));
    assertThat(lookup.tries()).extracting(Keyring.Try::secret).containsExactly("one", "two");
    assertThat(lookup.orderFixed()).isTrue();
  }

  @Test
  void dockerIoKeyMatchesHubImagesDirectly() {
    assertThat(tries("bitnami/redis", secret("hub", "docker.io")))
        .singleElement()
        .satisfies(m -> assertThat(m.dockerHubFallback()).isFalse());
  }

  @Test
  void saysTheOrderIsNotFixedWhenOneSecretSpellsAKeySeveralWays() {
    Keyring.Lookup lookup =
        Keyring.of(List.of(secret("a", "acme.io", "https://acme.io/", "acme.io/v2/")))
            .lookup(ImageReference.parse("acme.io/app"));
    assertThat(lookup.tries()).hasSize(3);
    assertThat(lookup.orderFixed()).isFalse();
    assertThat(lookup.groups()).hasSize(1);
  }

  @Test
  void usesNoSecretThatTheKubeletSkipsAndNoKeyItIgnores() {
    PullSecret opaque =
        PullSecrets.read(
            "opaque", "Opaque", java.util.Map.of(".dockerconfigjson", new byte[] {'{', '}'}));
    assertThat(tries("acme.io/app", opaque, secret("a", "bad host", "acme.io")))
        .extracting(t -> t.key().indexKey())
        .containsExactly("acme.io");
  }
}
