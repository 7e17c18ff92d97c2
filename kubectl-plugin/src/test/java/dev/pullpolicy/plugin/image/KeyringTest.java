package dev.pullpolicy.plugin.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyringTest {

  private static List<RegistryKey> keys(String... keys) {
    return java.util.Arrays.stream(keys).map(k -> RegistryKey.of(k).orElseThrow()).toList();
  }

  @Test
  void triesTheMostSpecificKeyFirst() {
    Keyring keyring =
        new Keyring().add("a", keys("quay.io")).add("b", keys("quay.io/team", "other.io"));
    List<Keyring.Match> matches = keyring.lookup(ImageReference.parse("quay.io/team/app:1"));
    assertThat(matches)
        .extracting(m -> m.secret() + " " + m.key().original())
        .containsExactly("b quay.io/team", "a quay.io");
  }

  @Test
  void fallsBackToTheDockerHubKeyOnlyWhenNothingElseMatches() {
    Keyring keyring =
        new Keyring().add("hub", keys("https://index.docker.io/v1/")).add("acme", keys("acme.io"));
    assertThat(keyring.lookup(ImageReference.parse("nginx")))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.secret()).isEqualTo("hub");
              assertThat(m.dockerHubFallback()).isTrue();
            });
    assertThat(keyring.lookup(ImageReference.parse("acme.io/app")))
        .extracting(Keyring.Match::secret)
        .containsExactly("acme");
    assertThat(keyring.lookup(ImageReference.parse("ghcr.io/org/app"))).isEmpty();
  }

  @Test
  void keepsEveryCredentialOfOneKeyInSecretOrder() {
    Keyring keyring = new Keyring().add("one", keys("acme.io")).add("two", keys("https://acme.io"));
    assertThat(keyring.lookup(ImageReference.parse("acme.io/app")))
        .extracting(Keyring.Match::secret)
        .containsExactly("one", "two");
  }

  @Test
  void dockerIoKeyMatchesHubImagesDirectly() {
    Keyring keyring = new Keyring().add("hub", keys("docker.io"));
    assertThat(keyring.lookup(ImageReference.parse("bitnami/redis")))
        .singleElement()
        .satisfies(m -> assertThat(m.dockerHubFallback()).isFalse());
  }
}
