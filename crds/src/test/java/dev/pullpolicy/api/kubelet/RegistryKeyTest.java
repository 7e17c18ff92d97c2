package dev.pullpolicy.api.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kubelet's matching of {@code auths} keys against an image (the glob examples in the
 * Kubernetes docs on private registries and kubelet credential providers). KubeletAgreementTest
 * proves these rules against the kubelet's code on a large corpus; these are the readable examples.
 */
class RegistryKeyTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    // key,                            image repository name,                 match
    "registry.example.com,             registry.example.com/app,              true",
    "registry.example.com,             other.example.com/app,                 false",
    "https://registry.example.com,     registry.example.com/app,              true",
    "http://registry.example.com/,     registry.example.com/app,              true",
    "https://registry.example.com/v2/, registry.example.com/app,              true",
    "https://registry.example.com/v1/, registry.example.com/app,              true",
    "*.kubernetes.io,                  abc.kubernetes.io/app,                 true",
    "*.kubernetes.io,                  kubernetes.io/app,                     false",
    "*.kubernetes.io,                  abc.def.kubernetes.io/app,             false",
    "*.*.kubernetes.io,                abc.def.kubernetes.io/app,             true",
    "prefix.*.io,                      prefix.kubernetes.io/app,              true",
    "*-good.kubernetes.io,             prefix-good.kubernetes.io/app,         true",
    "*-good.kubernetes.io,             prefix-bad.kubernetes.io/app,          false",
    "k8s.*,                            k8s.io/app,                            true",
    "my-registry.io/images,            my-registry.io/images/app,             true",
    "my-registry.io/images,            my-registry.io/other/app,              false",
    "*.my-registry.io/images,          a.my-registry.io/images/app,           true",
    "registry.io:8080/path,            registry.io:8080/path/app,             true",
    "registry.io:8080/path,            registry.io/path/app,                  false",
    "registry.io:8080/path,            registry.io:8081/path/app,             false",
    "registry.io,                      registry.io:8080/app,                  false",
    "quay.io/foo,                      quay.io/foobar,                        true",
    "docker.io,                        docker.io/library/nginx,               true",
    "index.docker.io,                  docker.io/library/nginx,               false",
    "registry-1.docker.io,             docker.io/library/nginx,               false",
    "localhost:5000,                   localhost:5000/app,                    true",
    "ab*.example.com,                  abc.example.com/app,                   true",
    // '?' starts a URL query for Go's url.Parse, so this key is host "ab" and matches nothing.
    "ab?.example.com,                  abc.example.com/app,                   false",
    // a bracketed IPv6 host without port keeps its brackets, which read as a glob class
    "'[::1]',                          '[::1]/app',                           false",
    "'[::1]:5000',                     '[::1]:5000/app',                      true",
    // percent-escapes are decoded; a path is cut at '?' and '#'
    "r.io/team%2Fsub,                  r.io/team/sub/app,                     true",
    "r.io/team#x,                      r.io/team/app,                         true",
    // user-info is not part of the host
    "https://user:pw@r.io/,            r.io/app,                              true",
  })
  void matchesLikeTheKubelet(String key, String image, boolean match) {
    assertThat(RegistryKey.of(key).matches(image)).isEqualTo(match);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "https://index.docker.io/v1/, index.docker.io",
    "registry.example.com, registry.example.com",
    "http://registry.example.com:5000/v2/team, registry.example.com:5000/team",
    "registry.example.com/team/, registry.example.com/team/",
  })
  void normalisesKeysLikeTheKubelet(String key, String normalized) {
    assertThat(RegistryKey.of(key).indexKey()).isEqualTo(normalized);
  }

  @ParameterizedTest
  @CsvSource({
    "'bad host'",
    "registry.example.com:port",
    "r.io:80:90",
    "[a-c]b.example.com",
    "a\\b.example.com",
    "r%zz.io",
    "'[1.2.3.4]:5000'",
  })
  void ignoresKeysTheKubeletCannotParse(String key) {
    assertThat(RegistryKey.of(key).usable()).isFalse();
    assertThat(RegistryKey.of(key).problem()).isNotBlank();
  }

  @Test
  void namesNoPartOfAPasswordWhenUserInfoIsBad() {
    RegistryKey key = RegistryKey.of("https://user:%zzhunter2@r.io");
    assertThat(key.usable()).isFalse();
    assertThat(key.problem()).doesNotContain("%zz").doesNotContain("hunter2");
    assertThat(key.display()).isEqualTo("r.io");
  }

  @Test
  void keepsAnEmptyHostAsTheKubeletDoes() {
    assertThat(RegistryKey.of("https://").indexKey()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "https://user:hunter2@r.io/team, r.io/team",
    "'https://user:hunter2@bad host/x', bad host/x",
    "user:hunter2@r.io:port, r.io:port",
  })
  void showsNoUserInfo(String key, String shown) {
    assertThat(RegistryKey.of(key).display()).isEqualTo(shown);
  }
}
