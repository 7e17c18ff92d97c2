package dev.pullpolicy.api.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.conditions.SourceValidReason;
import dev.pullpolicy.api.kubelet.Credential;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceConfigsTest {
  private static final SecretReference A = new SecretReference("src", "a");
  private static final SecretReference B = new SecretReference("src", "b");

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static Secret secret(String type, String key, String json) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("a")
        .endMetadata()
        .withType(type)
        .withData(Map.of(key, b64(json)))
        .build();
  }

  static Secret json(String json) {
    return secret(
        PullSecrets.TYPE_DOCKER_CONFIG_JSON,
        PullSecrets.KEY_DOCKER_CONFIG_JSON,
        json.replace('\'', '"'));
  }

  static Secret cfg(String json) {
    return secret(PullSecrets.TYPE_DOCKERCFG, PullSecrets.KEY_DOCKERCFG, json.replace('\'', '"'));
  }

  private static SourceProblem problemOf(Secret s) {
    try {
      SourceConfigs.parse(A, s);
      return null;
    } catch (SourceProblem p) {
      assertThat(p.getMessage())
          .contains(A.toString())
          .doesNotContain("hunter2")
          .doesNotContain("\n");
      return p;
    }
  }

  private static SourceValidReason reasonOf(Secret s) {
    SourceProblem p = problemOf(s);
    return p == null ? null : p.reason();
  }

  @Test
  void parsesADockerConfigJson() throws Exception {
    ParsedSource p =
        SourceConfigs.parse(A, json("{'auths':{'r.io':{'auth':'" + b64("u:hunter2") + "'}}}"));
    assertThat(p.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.key().indexKey()).isEqualTo("r.io"));
  }

  @Test
  void convertsLegacyDockercfg() throws Exception {
    ParsedSource p =
        SourceConfigs.parse(A, cfg("{'https://old.io/v1/':{'auth':'" + b64("u:p") + "'}}"));
    MergedConfig m = SourceConfigs.merge(List.of(p));
    assertThat(new String(m.json(), StandardCharsets.UTF_8))
        .startsWith("{\"auths\":{\"https://old.io/v1/\":");
    assertThat(m.registries()).containsExactly("old.io");
  }

  @Test
  void reportsEachKindOfBadInputWithoutData() {
    assertThat(reasonOf(null)).isEqualTo(SourceValidReason.SourceNotFound);
    assertThat(reasonOf(secret("Opaque", "x", "{}"))).isEqualTo(SourceValidReason.SourceNotFound);
    assertThat(reasonOf(secret(PullSecrets.TYPE_DOCKER_CONFIG_JSON, "other", "{}")))
        .isEqualTo(SourceValidReason.MissingKey);
    assertThat(reasonOf(json("{not json hunter2"))).isEqualTo(SourceValidReason.InvalidJson);
    assertThat(reasonOf(json("[1]"))).isEqualTo(SourceValidReason.InvalidJson);
    assertThat(reasonOf(json("{'auths':{}}"))).isEqualTo(SourceValidReason.NoAuths);
    assertThat(reasonOf(json("{'auths':null}"))).isEqualTo(SourceValidReason.NoAuths);
    assertThat(reasonOf(json("{}"))).isEqualTo(SourceValidReason.NoAuths);
    assertThat(reasonOf(json("{'auths':{'r.io':{'auth':'%%hunter2%%'}}}")))
        .isEqualTo(SourceValidReason.BadAuth);
    assertThat(reasonOf(json("{'auths':{'r.io':{'auth':'" + b64("nocolon") + "'}}}")))
        .isEqualTo(SourceValidReason.BadAuth);
  }

  @Test
  void aSecretOfAnotherTypeReadsExactlyAsAMissingOne() {
    SourceProblem missing = problemOf(null);
    for (String type : List.of("kubernetes.io/tls", "Opaque", "kubernetes.io/basic-auth")) {
      SourceProblem other = problemOf(secret(type, "tls.crt", "{'auths':{}}"));
      assertThat(other.reason()).as(type).isEqualTo(missing.reason());
      assertThat(other.getMessage()).as(type).isEqualTo(missing.getMessage());
    }
    assertThat(missing.getMessage())
        .isEqualTo(
            "no pull Secret src/a (none exists, or its type is not kubernetes.io/dockerconfigjson"
                + " or kubernetes.io/dockercfg)");
  }

  /**
   * A dockerconfigjson of {@code count} registries r{first}.example … with a username of {@code
   * usernameLength} characters each.
   */
  static Secret registries(int first, int count, int usernameLength) {
    StringBuilder b = new StringBuilder("{\"auths\":{");
    String user = "u".repeat(usernameLength);
    for (int i = first; i < first + count; i++) {
      b.append(i == first ? "" : ",")
          .append("\"r")
          .append(i)
          .append(".example\":{\"username\":\"")
          .append(user)
          .append("\"}");
    }
    return json(b.append("}}").toString());
  }

  @Test
  void mergedSourcesLargerThanASecretMayHoldAreRefused() throws Exception {
    ParsedSource small = SourceConfigs.parse(A, registries(0, 10, 10));
    assertThat(SourceConfigs.merge(List.of(small)).json().length)
        .isLessThan(SourceConfigs.MAX_MERGED_BYTES);
    // two sources of about 600 KB each: each fits in a Secret, their merge does not
    ParsedSource a = SourceConfigs.parse(A, registries(0, 1000, 600));
    ParsedSource b = SourceConfigs.parse(B, registries(1000, 1000, 600));
    assertThat(SourceConfigs.merge(List.of(a)).json().length)
        .isLessThan(SourceConfigs.MAX_MERGED_BYTES);
    try {
      SourceConfigs.merge(List.of(a, b));
      org.junit.jupiter.api.Assertions.fail("merged");
    } catch (SourceProblem p) {
      assertThat(p.reason()).isEqualTo(SourceValidReason.SourceTooLarge);
      assertThat(p.getMessage())
          .startsWith("the merged sources would make a copy of ")
          .contains("a Secret holds at most 1048576")
          .doesNotContain("uuuu")
          .doesNotContain("\n");
    }
  }

  @Test
  void notesAreBoundedWithACountOfTheOthers() throws Exception {
    // 30 keys the kubelet ignores (not URLs) and one it uses; then none it uses
    StringBuilder some = new StringBuilder("{'auths':{'r.io':{'username':'u'}");
    StringBuilder none = new StringBuilder("{'auths':{");
    for (int i = 0; i < 30; i++) {
      some.append(",'bad host ").append(i).append("':{}");
      none.append(i == 0 ? "" : ",").append("'bad host ").append(i).append("':{}");
    }
    MergedConfig m =
        SourceConfigs.merge(List.of(SourceConfigs.parse(A, json(some.append("}}").toString()))));
    assertThat(m.notes()).hasSize(SourceConfigs.MAX_NOTES);
    assertThat(m.notesOmitted()).isEqualTo(30 - SourceConfigs.MAX_NOTES);
    SourceProblem p = problemOf(json(none.append("}}").toString()));
    assertThat(p.reason()).isEqualTo(SourceValidReason.NoAuths);
    assertThat(p.getMessage())
        .endsWith("; and 20 more")
        .contains("bad host 9")
        .doesNotContain("bad host 10");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // what the kubelet refuses: its keyring build fails, so every pull of the Pod would fail
        "a number where a string belongs | {'auths':{'r.io':{'username':5}}} | InvalidJson",
        "auths of the wrong type | {'auths':['r.io']} | InvalidJson",
        "an entry that is a string | {'auths':{'r.io':'hunter2'}} | InvalidJson",
        "HttpHeaders of the wrong type | {'auths':{'r.io':{}},'HttpHeaders':{'a':1}} | InvalidJson",
        "bad base64 in a field spelled Auth | {'auths':{'r.io':{'Auth':'!!hunter2'}}} | BadAuth",
        "a trailing comma | {'auths':{'r.io':{'username':'u'},}} | InvalidJson",
        // what the kubelet accepts
        "auths spelled Auths | {'Auths':{'r.io':{'Username':'u','Password':'p'}}} | ",
        "a null entry | {'auths':{'r.io':null}} | ",
        "null fields | {'auths':{'r.io':{'username':null,'auth':null}}} | ",
        "unknown fields of any type | {'auths':{'r.io':{'auth':'dTpw','identitytoken':5}},'credsStore':1} | ",
        "base64 with a line break | {'auths':{'r.io':{'auth':'dTpw\\nYXNz'}}} | ",
        "unpadded base64 | {'auths':{'r.io':{'auth':'dTpwYQ'}}} | ",
        // what the kubelet reads without error but with no usable registry
        "registries at the top level | {'r.io':{'auth':'dTpw'}} | WrongLayout",
        "only keys that are not URLs | {'auths':{'bad host':{'username':'u'}}} | NoAuths",
      })
  void validatesAsTheKubeletReads(String what, String json, SourceValidReason reason) {
    assertThat(reasonOf(json(json))).as(what).isEqualTo(reason);
  }

  /**
   * The parser and the merge give every False reason of SourceValid, and only those: one list of
   * reasons.
   */
  @Test
  void everyFalseSourceValidReasonHasAnInputThatGivesIt() {
    Set<SourceValidReason> given = EnumSet.noneOf(SourceValidReason.class);
    for (Secret s :
        Arrays.asList(
            null,
            secret("Opaque", "x", "{}"),
            secret(PullSecrets.TYPE_DOCKER_CONFIG_JSON, "other", "{}"),
            json("{not json"),
            json("{'auths':{}}"),
            json("{'auths':{'r.io':{'auth':'%%'}}}"),
            cfg("{'auths':{'r.io':{'auth':'" + b64("u:p") + "'}}}"))) {
      given.add(reasonOf(s));
    }
    try {
      SourceConfigs.merge(
          List.of(
              SourceConfigs.parse(A, registries(0, 1000, 600)),
              SourceConfigs.parse(B, registries(1000, 1000, 600))));
    } catch (SourceProblem p) {
      given.add(p.reason());
    }
    assertThat(given).isEqualTo(EnumSet.complementOf(EnumSet.of(SourceValidReason.SourcesValid)));
  }

  @Test
  void refusesADockercfgHoldingConfigJsonContent() {
    SourceProblem p = problemOf(cfg("{'auths':{'r.io':{'auth':'" + b64("u:hunter2") + "'}}}"));
    assertThat(p.reason()).isEqualTo(SourceValidReason.WrongLayout);
    assertThat(p.getMessage()).contains("\"auths\" as a registry name");
  }

  @Test
  void refusesADockerConfigJsonHoldingTheLegacyLayout() {
    SourceProblem p = problemOf(json("{'r.io':{'auth':'" + b64("u:hunter2") + "'}}"));
    assertThat(p.reason()).isEqualTo(SourceValidReason.WrongLayout);
    assertThat(p.getMessage()).contains("only under \"auths\"");
  }

  @Test
  void mergesSourcesFirstWinsAndSaysSo() throws Exception {
    ParsedSource a = SourceConfigs.parse(A, json("{'auths':{'r.io':{'username':'first'}}}"));
    ParsedSource b =
        SourceConfigs.parse(
            B, json("{'auths':{'r.io':{'username':'second'},'q.io:5000':{'username':'q'}}}"));
    MergedConfig m = SourceConfigs.merge(List.of(a, b));
    String json = new String(m.json(), StandardCharsets.UTF_8);
    assertThat(json).contains("first").doesNotContain("second").contains("q.io:5000");
    assertThat(m.registries()).containsExactly("q.io:5000", "r.io");
    assertThat(m.notes()).singleElement().asString().contains("r.io").contains("src/b");
    assertThat(m.hash()).hasSize(64);
    assertThat(SourceConfigs.merge(List.of(a, b)).hash()).isEqualTo(m.hash());
  }

  @Test
  void copiesAPlainSourceByteForByte() throws Exception {
    // the copies' hash must not change for sources written the usual way
    String source = "{\"auths\":{\"r.io\":{\"auth\":\"" + b64("u:p") + "\",\"email\":\"e\"}}}";
    MergedConfig m = SourceConfigs.merge(List.of(SourceConfigs.parse(A, json(source))));
    assertThat(new String(m.json(), StandardCharsets.UTF_8)).isEqualTo(source);
  }

  @Test
  void leavesOutRegistriesTheKubeletIgnoresAndSaysSo() throws Exception {
    ParsedSource p =
        SourceConfigs.parse(
            A,
            json(
                "{'auths':{'https://user:hunter2@bad host/':{'username':'u'},'r.io':{'username':'v'}}}"));
    MergedConfig m = SourceConfigs.merge(List.of(p));
    assertThat(new String(m.json(), StandardCharsets.UTF_8)).doesNotContain("bad host");
    assertThat(m.registries()).containsExactly("r.io");
    assertThat(m.notes())
        .singleElement()
        .asString()
        .contains("bad host")
        .contains("the kubelet ignores it")
        .doesNotContain("hunter2")
        .doesNotContain("user");
  }

  @Test
  void neverShowsUserInfoOfARegistry() throws Exception {
    ParsedSource p =
        SourceConfigs.parse(
            A, json("{'auths':{'https://user:hunter2@r.io:5000/team':{'username':'u'}}}"));
    MergedConfig m = SourceConfigs.merge(List.of(p));
    assertThat(m.registries()).containsExactly("r.io:5000");
  }

  @Test
  void theCopyReadsAsTheSourcesRead() throws Exception {
    String source =
        "{'AUTHS':{'r.io':{'Username':'u1','password':'p1'},'q.io':null,"
            + "'https://r.io':{'auth':'dTI6\\r\\ncDI='},'x.io':{'username':'a','Username':'b'}},"
            + "'HttpHeaders':{'User-Agent':'x'}}";
    Secret in = json(source);
    MergedConfig m = SourceConfigs.merge(List.of(SourceConfigs.parse(A, in)));
    PullSecret before = PullSecrets.read(in);
    PullSecret after =
        PullSecrets.read(
            "copy",
            PullSecrets.TYPE_DOCKER_CONFIG_JSON,
            Map.of(PullSecrets.KEY_DOCKER_CONFIG_JSON, m.json()));
    assertThat(credentials(after)).isEqualTo(credentials(before)).hasSize(4);
  }

  private static List<Map.Entry<String, Credential>> credentials(PullSecret s) {
    return s.entries().stream().map(e -> Map.entry(e.key().asUrl(), e.credential())).toList();
  }
}
