package dev.pullpolicy.operator.dockerconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerConfigsTest {
  private static final SecretReference A = new SecretReference("src", "a");
  private static final SecretReference B = new SecretReference("src", "b");

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static Secret secret(String type, String key, String json) {
    return new SecretBuilder().withType(type).withData(Map.of(key, b64(json))).build();
  }

  static Secret json(String json) {
    return secret(DockerConfigs.TYPE_DOCKERCONFIGJSON, DockerConfigs.KEY_DOCKERCONFIGJSON, json);
  }

  private static String reasonOf(SecretReference ref, Secret s) {
    try {
      DockerConfigs.parse(ref, s);
      return null;
    } catch (SourceProblem p) {
      assertThat(p.getMessage()).contains(ref.toString()).doesNotContain("hunter2");
      return p.reason();
    }
  }

  @Test
  void parsesADockerConfigJson() throws Exception {
    ParsedSource p =
        DockerConfigs.parse(
            A, json("{\"auths\":{\"r.io\":{\"auth\":\"" + b64("u:hunter2") + "\"}}}"));
    assertThat(p.auths().has("r.io")).isTrue();
  }

  @Test
  void convertsLegacyDockercfg() throws Exception {
    ParsedSource p =
        DockerConfigs.parse(
            A,
            secret(
                DockerConfigs.TYPE_DOCKERCFG,
                DockerConfigs.KEY_DOCKERCFG,
                "{\"https://old.io/v1/\":{\"auth\":\"" + b64("u:p") + "\"}}"));
    MergedConfig m = DockerConfigs.merge(List.of(p));
    assertThat(new String(m.json(), StandardCharsets.UTF_8))
        .startsWith("{\"auths\":{\"https://old.io/v1/\":");
    assertThat(m.registries()).containsExactly("old.io");
  }

  @Test
  void reportsEachKindOfBadInputWithoutData() {
    assertThat(reasonOf(A, null)).isEqualTo(SourceProblem.NOT_FOUND);
    assertThat(reasonOf(A, secret("Opaque", "x", "{}"))).isEqualTo(SourceProblem.WRONG_TYPE);
    assertThat(reasonOf(A, secret(DockerConfigs.TYPE_DOCKERCONFIGJSON, "other", "{}")))
        .isEqualTo(SourceProblem.MISSING_KEY);
    assertThat(reasonOf(A, json("{not json hunter2"))).isEqualTo(SourceProblem.INVALID_JSON);
    assertThat(reasonOf(A, json("[1]"))).isEqualTo(SourceProblem.INVALID_JSON);
    assertThat(reasonOf(A, json("{\"auths\":{}}"))).isEqualTo(SourceProblem.NO_AUTHS);
    assertThat(reasonOf(A, json("{}"))).isEqualTo(SourceProblem.NO_AUTHS);
    assertThat(reasonOf(A, json("{\"auths\":{\"r.io\":{\"auth\":\"%%hunter2%%\"}}}")))
        .isEqualTo(SourceProblem.BAD_AUTH);
    assertThat(reasonOf(A, json("{\"auths\":{\"r.io\":{\"auth\":\"" + b64("nocolon") + "\"}}}")))
        .isEqualTo(SourceProblem.BAD_AUTH);
  }

  @Test
  void mergesSourcesFirstWinsAndSaysSo() throws Exception {
    ParsedSource a =
        DockerConfigs.parse(A, json("{\"auths\":{\"r.io\":{\"username\":\"first\"}}}"));
    ParsedSource b =
        DockerConfigs.parse(
            B,
            json(
                "{\"auths\":{\"r.io\":{\"username\":\"second\"},\"q.io:5000\":{\"username\":\"q\"}}}"));
    MergedConfig m = DockerConfigs.merge(List.of(a, b));
    String json = new String(m.json(), StandardCharsets.UTF_8);
    assertThat(json).contains("first").doesNotContain("second").contains("q.io:5000");
    assertThat(m.registries()).containsExactly("q.io:5000", "r.io");
    assertThat(m.shadowed()).singleElement().asString().contains("r.io").contains("src/b");
    assertThat(m.hash()).hasSize(64);
    assertThat(DockerConfigs.merge(List.of(a, b)).hash()).isEqualTo(m.hash());
  }

  @Test
  void hostOfStripsSchemeAndPath() {
    assertThat(DockerConfigs.hostOf("https://index.docker.io/v1/")).isEqualTo("index.docker.io");
    assertThat(DockerConfigs.hostOf("r.io:5000/team")).isEqualTo("r.io:5000");
  }
}
