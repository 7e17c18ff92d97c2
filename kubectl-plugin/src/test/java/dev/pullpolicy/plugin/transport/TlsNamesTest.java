package dev.pullpolicy.plugin.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Server names against certificate names, by Go's rules (what kubectl accepts). */
class TlsNamesTest {

  @ParameterizedTest(name = "{0} vs {1}: {2}")
  @CsvSource({
    "kubernetes, kubernetes, true",
    "Kubernetes.Default, kubernetes.default, true",
    "api.example.com, api.example.com., true",
    "*.example.com, api.example.com, true",
    "*.example.com, example.com, false",
    "*.example.com, a.b.example.com, false",
    "api*.example.com, api1.example.com, false",
    "a.*.example.com, a.b.example.com, false",
    "example.com, other.com, false",
  })
  void dnsNamesMatchWholeLabelsWithOneLeadingWildcard(
      String pattern, String host, boolean matches) {
    assertThat(Tls.matches(pattern.toLowerCase(), host.toLowerCase())).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "127.0.0.1, true",
    "10.96.0.1, true",
    "::1, true",
    "fd00::10, true",
    "256.1.1.1, false",
    "1.2.3, false",
    "kubernetes, false",
    "1.2.3.example.com, false",
  })
  void ipAddressesAreToldFromNames(String text, boolean ip) {
    assertThat(Tls.isIpLiteral(text)).isEqualTo(ip);
  }
}
