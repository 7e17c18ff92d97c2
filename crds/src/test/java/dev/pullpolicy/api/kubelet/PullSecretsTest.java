package dev.pullpolicy.api.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.kubelet.PullSecret.Layout;
import dev.pullpolicy.api.kubelet.PullSecret.Problem;
import dev.pullpolicy.api.kubelet.PullSecret.State;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a pull Secret is read; the examples of each outcome. KubeletAgreementTest proves the same
 * rules against the kubelet's code on a large corpus.
 */
class PullSecretsTest {

  private static PullSecret json(String json) {
    return PullSecrets.read(
        "s",
        PullSecrets.TYPE_DOCKER_CONFIG_JSON,
        Map.of(
            PullSecrets.KEY_DOCKER_CONFIG_JSON,
            json.replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "Opaque | .dockerconfigjson | WRONG_TYPE",
        "kubernetes.io/dockerconfigjson | .dockercfg | NO_DATA_KEY",
        "kubernetes.io/dockercfg | .dockerconfigjson | NO_DATA_KEY",
      })
  void skipsWhatTheKubeletSkips(String type, String key, Problem problem) {
    PullSecret s =
        PullSecrets.read("s", type, Map.of(key, "{not json".getBytes(StandardCharsets.UTF_8)));
    assertThat(s.problem()).isEqualTo(problem);
    assertThat(s.state()).isEqualTo(State.SKIPPED);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "{'auths':{'r.io':{'username':'hunter2'}} x | NOT_JSON | not valid JSON",
        "{'auths':{'r.io':{'password':5}}} | WRONG_JSON_TYPE | registry r.io: \"password\" is a number, not a string",
        "{'auths':{'r.io':'hunter2'}} | WRONG_JSON_TYPE | registry r.io is a string, not an object",
        "{'auths':{'r.io':{'Auth':'hunter2!'}}} | BAD_AUTH | registry r.io: \"auth\" is not valid base64",
        "{'auths':{'https://u:hunter2@r.io':{'auth':'aHVudGVyMg=='}}} | BAD_AUTH | registry r.io: \"auth\" does not decode to user:password",
      })
  void refusesWhatTheKubeletRefusesWithoutShowingData(String json, Problem problem, String reason) {
    PullSecret s = json(json);
    assertThat(s.problem()).isEqualTo(problem);
    assertThat(s.refused()).isTrue();
    assertThat(s.reason()).contains(reason).doesNotContain("hunter2").doesNotContain("\n");
    assertThat(s.toString()).doesNotContain("hunter2");
  }

  @Test
  void readsCredentialsAsTheKubeletDecodesThem() {
    PullSecret s = json("{'Auths':{'r.io':{'AUTH':'dXNlcjpw\\r\\nYXNzOjE','email':'e'}}}");
    assertThat(s.used()).isTrue();
    Credential c = s.entries().get(0).credential();
    assertThat(c.username()).isEqualTo("user");
    assertThat(c.password()).isEqualTo("pass:1");
    assertThat(c.email()).isEqualTo("e");
    assertThat(c.toString()).doesNotContain("pass");
    assertThat(s.toString()).doesNotContain("pass:1");
  }

  @Test
  void keepsKeysTheKubeletIgnoresApart() {
    PullSecret s = json("{'auths':{'bad host':{},'r.io':null}}");
    assertThat(s.usableEntries()).extracting(e -> e.key().indexKey()).containsExactly("r.io");
    assertThat(s.ignoredEntries()).extracting(e -> e.key().display()).containsExactly("bad host");
  }

  @Test
  void seesTheLayoutOfTheOtherType() {
    assertThat(json("{'r.io':{'auth':'dTpw'}}").layoutMismatch()).isTrue();
    assertThat(json("{'auths':{}}").layout()).isEqualTo(Layout.CONFIG_JSON);
    PullSecret cfg =
        PullSecrets.read(
            "s",
            PullSecrets.TYPE_DOCKERCFG,
            Map.of(
                PullSecrets.KEY_DOCKERCFG,
                "{\"auths\":{\"r.io\":{}}}".getBytes(StandardCharsets.UTF_8)));
    assertThat(cfg.used()).isTrue();
    assertThat(cfg.layoutMismatch()).isTrue();
    assertThat(cfg.usableEntries()).extracting(e -> e.key().indexKey()).containsExactly("auths");
  }
}
