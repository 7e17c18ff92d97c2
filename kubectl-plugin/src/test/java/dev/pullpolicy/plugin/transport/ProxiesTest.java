package dev.pullpolicy.plugin.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which proxy a request takes: the kubeconfig's or the flag's, else the environment's. */
class ProxiesTest {
  private static final URI SERVER = URI.create("https://api.example.com:6443");

  @Test
  void theClustersProxyUrlWins() {
    Proxies.Choice c =
        Proxies.choose(
            SERVER, "http://user:pw@proxy.local:3128", Map.of("HTTPS_PROXY", "http://env:1")::get);
    assertThat(c.proxy().type()).isEqualTo(Proxy.Type.HTTP);
    InetSocketAddress a = (InetSocketAddress) c.proxy().address();
    assertThat(a.getHostString()).isEqualTo("proxy.local");
    assertThat(a.getPort()).isEqualTo(3128);
    assertThat(c.userInfo()).isEqualTo("user:pw");
    assertThat(Proxies.choose(SERVER, "socks5://s:1080", n -> null).proxy().type())
        .isEqualTo(Proxy.Type.SOCKS);
    assertThatThrownBy(() -> Proxies.choose(SERVER, "ftp://x:1", n -> null))
        .hasMessageContaining("unsupported proxy-url scheme \"ftp\"");
  }

  @Test
  void theEnvironmentsProxyServesHttpsServersUnlessExempt() {
    Map<String, String> env = Map.of("https_proxy", "proxy.local:3128", "NO_PROXY", ".internal");
    assertThat(Proxies.choose(SERVER, null, env::get).proxy().type()).isEqualTo(Proxy.Type.HTTP);
    assertThat(Proxies.choose(URI.create("https://k.internal"), null, env::get))
        .isEqualTo(Proxies.Choice.DIRECT);
    assertThat(Proxies.choose(URI.create("https://127.0.0.1:6443"), null, env::get))
        .isEqualTo(Proxies.Choice.DIRECT);
    assertThat(Proxies.choose(SERVER, null, n -> null)).isEqualTo(Proxies.Choice.DIRECT);
  }

  @ParameterizedTest(name = "{0} with NO_PROXY={1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "api.example.com | example.com | true",
        "api.example.com | .example.com | true",
        "example.com | .example.com | false",
        "api.example.com | *.example.com | true",
        "api.example.com | other.com, api.example.com:6443 | true",
        "10.1.2.3 | 10.0.0.0/8 | true",
        "11.1.2.3 | 10.0.0.0/8 | false",
        "10.1.2.3 | 10.1.2.3 | true",
        "anything | * | true",
        "localhost | '' | true",
        "api.example.com | '' | false",
      })
  void noProxyFollowsGosRules(String host, String noProxy, boolean exempt) {
    assertThat(Proxies.exempt(host, noProxy)).isEqualTo(exempt);
  }
}
