package dev.pullpolicy.plugin.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.diagnose.RegistryAnswer.Kind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The texts the kubelet v1.37.2 wrote on the real node with containerd v2.4.2 (see
 * kubectl-plugin/README.md), and what each says about the registry.
 */
class RegistryAnswerTest {

  private static final String PULL =
      "failed to pull and unpack image \"localhost:22037/pullpolicy/hello:1\": failed to resolve"
          + " image: ";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no credential sent | NO_CREDENTIAL | pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials
          wrong password     | CREDENTIAL_REJECTED | unexpected status from HEAD request to https://localhost:22037/v2/pullpolicy/hello/manifests/1: 401 Unauthorized
          connection refused | UNREACHABLE_CONNECTION | failed to do request: Head "https://localhost:1/v2/pullpolicy/hello/manifests/1": dial tcp 127.0.0.1:1: connect: connection refused
          certificate name   | UNREACHABLE_TLS | failed to do request: Head "https://vm:22037/v2/pullpolicy/hello/manifests/1": tls: failed to verify certificate: x509: certificate is valid for localhost, not vm
          name not resolved  | UNREACHABLE_DNS | failed to do request: Head "https://registry.acme.io/v2/app/manifests/1": dial tcp: lookup registry.acme.io on 10.255.255.53:53: no such host
          """)
  void readsTheRuntimesErrorInEveryFormTheKubeletWritesIt(String what, Kind kind, String error) {
    String text = PULL + error;
    RegistryAnswer expected = new RegistryAnswer(kind, text);
    assertThat(RegistryAnswer.of(text)).as("waiting message of ErrImagePull").contains(expected);
    assertThat(
            RegistryAnswer.of(
                "Back-off pulling image \"localhost:22037/pullpolicy/hello:1\": ErrImagePull: "
                    + text))
        .as("waiting message of ImagePullBackOff")
        .contains(expected);
    assertThat(
            RegistryAnswer.of(
                "Failed to pull image \"localhost:22037/pullpolicy/hello:1\": " + text))
        .as("the Failed Event")
        .contains(expected);
  }

  @Test
  void aMissingTagIsNotFound() {
    String text =
        "rpc error: code = NotFound desc = failed to pull and unpack image"
            + " \"localhost:22037/pullpolicy/hello:no-such-tag\": failed to resolve image:"
            + " localhost:22037/pullpolicy/hello:no-such-tag: not found";
    assertThat(RegistryAnswer.of(text)).contains(new RegistryAnswer(Kind.NOT_FOUND, text));
  }

  @Test
  void textsThatSayNothingAboutTheRegistryGiveNoAnswer() {
    assertThat(RegistryAnswer.of("Back-off pulling image \"registry.acme.io/app:1\"")).isEmpty();
    assertThat(RegistryAnswer.of("Error: ErrImagePull")).isEmpty();
    assertThat(RegistryAnswer.of(null)).isEmpty();
    assertThat(RegistryAnswer.first(List.of("Error: ImagePullBackOff", PULL + "x: not found")))
        .map(RegistryAnswer::kind)
        .isEqualTo(Optional.of(Kind.NOT_FOUND));
  }

  @Test
  void dockerHubsInsufficientScopeIsAccessDeniedNotARejectedCredential() {
    String text =
        "failed to pull and unpack image \"docker.io/acme/private:1\": failed to resolve image:"
            + " pull access denied, repository does not exist or may require authorization:"
            + " server message: insufficient_scope: authorization failed";
    assertThat(RegistryAnswer.of(text)).map(RegistryAnswer::kind).contains(Kind.ACCESS_DENIED);
  }
}
