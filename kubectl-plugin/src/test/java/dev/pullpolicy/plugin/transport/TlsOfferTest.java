package dev.pullpolicy.plugin.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first TLS offer is lean (TLS 1.3 with X25519 only, for start-up time); a server that refuses
 * it is still reached, with the JDK's defaults. Against a loopback HTTPS server whose protocols
 * each test limits; the client skips verification (which certificate it gets is {@code
 * TlsNamesTest}'s and the system tests' business).
 */
class TlsOfferTest {
  @TempDir static Path dir;
  private static Path keystore;

  private HttpsServer server;
  private final List<String> protocols = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void serverKey() throws Exception {
    keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(out).isZero();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Starts a server speaking only these protocols. */
  private String start(String[] serverProtocols) throws Exception {
    return start(serverProtocols, null);
  }

  /** Starts a server speaking only these protocols and, when given, key-exchange groups. */
  private String start(String[] serverProtocols, String[] groups) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = context.getDefaultSSLParameters();
            p.setProtocols(serverProtocols);
            if (groups != null) {
              namedGroups(p, groups);
            }
            params.setSSLParameters(p);
          }
        });
    server.createContext(
        "/api/v1/namespaces",
        exchange -> {
          SSLSession session = ((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession();
          protocols.add(session.getProtocol());
          byte[] body = "{\"items\":[]}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  private KubeApi client(String url) {
    return KubeApi.of(
        ClientConfig.load(
            Kubeconfig.empty(), new Overrides().server(url).insecureSkipTlsVerify(true)),
        n -> null);
  }

  @Test
  void aTls13ServerIsReachedWithTheLeanOffer() throws Exception {
    String url = start(new String[] {"TLSv1.3", "TLSv1.2"});
    KubeApi api = client(url);
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    assertThat(protocols).containsExactly("TLSv1.3", "TLSv1.3");
  }

  @Test
  void aServerWithoutX25519IsReachedAfterItRefusesTheLeanOfferWithAnotherAlert() throws Exception {
    // SSLParameters.setNamedGroups is JDK 20+; the build may run an older JDK
    org.junit.jupiter.api.Assumptions.assumeTrue(hasNamedGroups(), "SSLParameters.setNamedGroups");
    String url = start(new String[] {"TLSv1.3"}, new String[] {"secp256r1"});
    KubeApi api = client(url);
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    assertThat(protocols).containsExactly("TLSv1.3", "TLSv1.3");
  }

  private static boolean hasNamedGroups() {
    try {
      SSLParameters.class.getMethod("setNamedGroups", String[].class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static void namedGroups(SSLParameters p, String[] groups) {
    try {
      SSLParameters.class.getMethod("setNamedGroups", String[].class).invoke(p, (Object) groups);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aServerSpeakingTls12AtMostIsReachedAfterTheLeanOfferIsRefused() throws Exception {
    String url = start(new String[] {"TLSv1.2"});
    KubeApi api = client(url);
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    assertThat(protocols).containsExactly("TLSv1.2");
  }

  @Test
  void aServerThatRefusesEveryOfferIsAFailureNamingTheRequest() throws Exception {
    // TLS 1.1 is disabled in the JDK (both ends): no offer of the client's can succeed
    String url = start(new String[] {"TLSv1.1"});
    KubeApi api = client(url);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> api.get("/api/v1/namespaces", "application/json"))
        .hasMessageStartingWith("GET " + url + "/api/v1/namespaces failed: ");
    assertThat(protocols).isEmpty();
  }
}
