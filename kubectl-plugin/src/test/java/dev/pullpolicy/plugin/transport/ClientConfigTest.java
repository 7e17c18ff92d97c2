package dev.pullpolicy.plugin.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the connection follows from the kubeconfig files and the flags, as kubectl works it out. */
class ClientConfigTest {
  @TempDir Path dir;

  private final Map<String, String> vars = new HashMap<>();

  private ClientConfig.Environment env() {
    Path home = dir.resolve("home");
    Path sa = dir.resolve("serviceaccount");
    return new ClientConfig.Environment() {
      @Override
      public String get(String name) {
        return vars.get(name);
      }

      @Override
      public Path home() {
        return home;
      }

      @Override
      public Path serviceAccountDir() {
        return sa;
      }
    };
  }

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** One cluster, one user (a token), one context with a namespace. */
  private Path simpleKubeconfig() throws IOException {
    return file(
        "config",
        """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev-cluster
          cluster:
            server: https://dev.example:6443
            certificate-authority-data: %s
            tls-server-name: api.dev.example
        users:
        - name: dev-user
          user:
            token: kubeconfig-token
            as: someone
            as-groups: [team-a]
        - name: other-user
          user:
            token: other-token
        contexts:
        - name: dev
          context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
        """
            .formatted(b64("CA FROM DATA")));
  }

  @Test
  void readsTheCurrentContextOfTheKubeconfig() throws IOException {
    ClientConfig c =
        ClientConfig.load(new Overrides().kubeconfig(simpleKubeconfig().toString()), env());
    assertThat(c.context()).isEqualTo("dev");
    assertThat(c.server()).hasToString("https://dev.example:6443");
    assertThat(c.namespace()).isEqualTo("team-a");
    assertThat(c.trust().caPem()).isEqualTo("CA FROM DATA");
    assertThat(c.trust().serverName()).isEqualTo("api.dev.example");
    assertThat(c.credentials().token()).isEqualTo("kubeconfig-token");
    assertThat(c.impersonation().user()).isEqualTo("someone");
    assertThat(c.impersonation().groups()).containsExactly("team-a");
  }

  @Test
  void flagsWinOverTheKubeconfig() throws IOException {
    Path ca = file("flag-ca.crt", "CA FROM FLAG");
    ClientConfig c =
        ClientConfig.load(
            new Overrides()
                .kubeconfig(simpleKubeconfig().toString())
                .server("https://10.0.0.1:443")
                .certificateAuthority(ca.toString())
                .token("flag-token")
                .as("nobody")
                .asGroups(List.of("g1", "g2"))
                .asUid("1234")
                .requestTimeout(Duration.ofSeconds(5)),
            env());
    assertThat(c.server()).hasToString("https://10.0.0.1:443");
    assertThat(c.trust().caPem()).isEqualTo("CA FROM FLAG");
    // --server without --tls-server-name clears the kubeconfig's server name, as in kubectl
    assertThat(c.trust().serverName()).isNull();
    assertThat(c.credentials().token()).isEqualTo("flag-token");
    assertThat(c.impersonation())
        .isEqualTo(new ClientConfig.Impersonation("nobody", "1234", List.of("g1", "g2"), Map.of()));
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void contextClusterAndUserFlagsPickOtherEntries() throws IOException {
    ClientConfig c =
        ClientConfig.load(
            new Overrides().kubeconfig(simpleKubeconfig().toString()).user("other-user"), env());
    assertThat(c.user()).isEqualTo("other-user");
    assertThat(c.credentials().token()).isEqualTo("other-token");
    assertThat(c.impersonation().user()).isNull();

    Overrides badContext = new Overrides().kubeconfig(simpleKubeconfig().toString()).context("x");
    assertThatThrownBy(() -> ClientConfig.load(badContext, env()))
        .hasMessage("context \"x\" does not exist");
    Overrides badCluster = new Overrides().kubeconfig(simpleKubeconfig().toString()).cluster("x");
    assertThatThrownBy(() -> ClientConfig.load(badCluster, env()))
        .hasMessage("cluster \"x\" does not exist");
    Overrides badUser = new Overrides().kubeconfig(simpleKubeconfig().toString()).user("x");
    assertThatThrownBy(() -> ClientConfig.load(badUser, env()))
        .hasMessage("auth info \"x\" does not exist");
  }

  @Test
  void mergesTheFilesOfKubeconfigFirstOneWinning() throws IOException {
    Path first =
        file(
            "a/config",
            """
            current-context: from-a
            contexts:
            - name: from-a
              context: {cluster: shared, user: from-b}
            clusters:
            - name: shared
              cluster: {server: "https://a.example"}
            """);
    Path second =
        file(
            "b/config",
            """
            current-context: from-b
            clusters:
            - name: shared
              cluster: {server: "https://b.example"}
            users:
            - name: from-b
              user:
                client-certificate: certs/client.crt
                client-key: certs/client.key
                tokenFile: token
            """);
    file("b/certs/client.crt", "CERT");
    file("b/certs/client.key", "KEY");
    vars.put(
        "KUBECONFIG", first + ":" + dir.resolve("missing/config") + "::" + second + ":" + first);
    ClientConfig c = ClientConfig.load(new Overrides(), env());
    assertThat(c.context()).isEqualTo("from-a");
    assertThat(c.server()).hasToString("https://a.example");
    // relative paths are resolved against the folder of the file that names them
    assertThat(c.credentials().certificatePem()).isEqualTo("CERT");
    assertThat(c.credentials().keyPem()).isEqualTo("KEY");
    assertThat(c.credentials().tokenFile()).isEqualTo(dir.resolve("b/token"));
    assertThat(c.namespace()).isEqualTo("default");
  }

  @Test
  void aMissingKubeconfigFileIsAnErrorOnlyWhenNamedByFlag() throws IOException {
    Overrides named = new Overrides().kubeconfig(dir.resolve("nope").toString());
    assertThatThrownBy(() -> ClientConfig.load(named, env()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("kubeconfig file " + dir.resolve("nope") + " does not exist");
    assertThatThrownBy(() -> ClientConfig.load(new Overrides(), env()))
        .hasMessage(
            "no cluster configured: set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config");
    // with --server alone there is enough to connect, as with kubectl
    ClientConfig c = ClientConfig.load(new Overrides().server("127.0.0.1:6443"), env());
    assertThat(c.server()).hasToString("https://127.0.0.1:6443");
  }

  @Test
  void insecureFlagReplacesTheKubeconfigsCertificateAuthority() throws IOException {
    ClientConfig c =
        ClientConfig.load(
            new Overrides().kubeconfig(simpleKubeconfig().toString()).insecureSkipTlsVerify(true),
            env());
    assertThat(c.trust().insecure()).isTrue();
    assertThat(c.trust().caPem()).isNull();
  }

  @Test
  void aClientCertificateOrKeyGivenBothAsFileAndAsDataIsRefusedAsKubectlRefusesIt()
      throws IOException {
    Path crt = file("client.crt", "CERT");
    Path key = file("client.key", "KEY");
    String template =
        """
        current-context: c
        contexts: [{name: c, context: {cluster: k, user: u}}]
        clusters: [{name: k, cluster: {server: "https://k"}}]
        users: [{name: u, user: {%s}}]
        """;
    Path certTwice =
        file(
            "cert-twice",
            template.formatted(
                "client-certificate: %s, client-certificate-data: %s, client-key: %s"
                    .formatted(crt, b64("CERT"), key)));
    assertThatThrownBy(
            () -> ClientConfig.load(new Overrides().kubeconfig(certTwice.toString()), env()))
        .hasMessage("client-cert-data and client-cert are both specified for user \"u\"");
    Path keyTwice =
        file(
            "key-twice",
            template.formatted(
                "client-certificate: %s, client-key: %s, client-key-data: %s"
                    .formatted(crt, key, b64("KEY"))));
    assertThatThrownBy(
            () -> ClientConfig.load(new Overrides().kubeconfig(keyTwice.toString()), env()))
        .hasMessage("client-key-data and client-key are both specified for user \"u\"");

    // one of each kind is fine, and says where each came from
    Path mixed =
        file(
            "mixed",
            template.formatted(
                "client-certificate: %s, client-key-data: %s".formatted(crt, b64("KEY"))));
    ClientConfig c = ClientConfig.load(new Overrides().kubeconfig(mixed.toString()), env());
    assertThat(c.credentials().certificatePem()).isEqualTo("CERT");
    assertThat(c.credentials().certificateSource()).isEqualTo(crt.toString());
    assertThat(c.credentials().keyPem()).isEqualTo("KEY");
    assertThat(c.credentials().keySource()).isEqualTo("client-key-data of user \"u\"");
  }

  @Test
  void contradictionsInTheKubeconfigAreRefusedAsKubectlRefusesThem() throws IOException {
    Path ca = file("ca.crt", "CA");
    Path both =
        file(
            "both",
            """
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters:
            - name: k
              cluster: {server: "https://k", certificate-authority: %s, certificate-authority-data: %s}
            users: [{name: u, user: {token: t}}]
            """
                .formatted(ca, b64("CA")));
    assertThatThrownBy(() -> ClientConfig.load(new Overrides().kubeconfig(both.toString()), env()))
        .hasMessage(
            "certificate-authority-data and certificate-authority are both specified for cluster"
                + " \"k\"");
    Path insecure =
        file(
            "insecure",
            """
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters:
            - name: k
              cluster: {server: "https://k", insecure-skip-tls-verify: true, certificate-authority: %s}
            users: [{name: u, user: {token: t}}]
            """
                .formatted(ca));
    assertThatThrownBy(
            () -> ClientConfig.load(new Overrides().kubeconfig(insecure.toString()), env()))
        .hasMessage("specifying a root certificates file with the insecure flag is not allowed");
  }

  @Test
  void anExecPluginIsUsedOnlyWithoutATokenOrCertificate() throws IOException {
    Path kc =
        file(
            "exec/config",
            """
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters:
            - name: k
              cluster:
                server: https://k
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension: {audience: k8s}
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/get-token
                  args: [--cluster, k]
                  env: [{name: REGION, value: eu}]
                  interactiveMode: Never
                  provideClusterInfo: true
            """);
    ClientConfig c = ClientConfig.load(new Overrides().kubeconfig(kc.toString()), env());
    ClientConfig.ExecConfig exec = c.credentials().exec();
    assertThat(exec.command()).isEqualTo(dir.resolve("exec/bin/get-token").toString());
    assertThat(exec.args()).containsExactly("--cluster", "k");
    assertThat(exec.env()).containsEntry("REGION", "eu");
    assertThat(exec.interactiveMode()).isEqualTo("Never");
    assertThat(exec.clusterExtension().path("audience").asText()).isEqualTo("k8s");

    ClientConfig withToken =
        ClientConfig.load(new Overrides().kubeconfig(kc.toString()).token("t"), env());
    assertThat(withToken.credentials().exec()).isNull();
  }

  @Test
  void anExecPluginOfVersionOneMustSayWhetherItIsInteractive() throws IOException {
    Path kc =
        file(
            "config",
            """
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters: [{name: k, cluster: {server: "https://k"}}]
            users:
            - name: u
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}
            """);
    assertThatThrownBy(() -> ClientConfig.load(new Overrides().kubeconfig(kc.toString()), env()))
        .hasMessage(
            "exec plugin of user \"u\": interactiveMode must be specified for"
                + " client.authentication.k8s.io/v1");
  }

  @Test
  void anAuthProviderIsRefusedWithAWayOut() throws IOException {
    Path kc =
        file(
            "config",
            """
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters: [{name: k, cluster: {server: "https://k"}}]
            users: [{name: u, user: {auth-provider: {name: oidc}}}]
            """);
    assertThatThrownBy(() -> ClientConfig.load(new Overrides().kubeconfig(kc.toString()), env()))
        .hasMessageContaining("auth-provider \"oidc\"")
        .hasMessageContaining("use an exec credential plugin");
  }

  @Test
  void groupsWithoutAUserToImpersonateAreRefusedBeforeAsking() throws IOException {
    Overrides o = new Overrides().kubeconfig(simpleKubeconfig().toString()).user("other-user");
    o.asGroups(List.of("g"));
    assertThatThrownBy(() -> ClientConfig.load(o, env()))
        .hasMessageContaining("needs a user to impersonate (--as)");
  }

  @Test
  void insideAPodWithoutKubeconfigItUsesTheServiceAccount() throws IOException {
    file("serviceaccount/token", "sa-token\n");
    file("serviceaccount/ca.crt", "CLUSTER CA");
    file("serviceaccount/namespace", "pullpolicy-system");
    vars.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    vars.put("KUBERNETES_SERVICE_PORT", "443");
    ClientConfig c = ClientConfig.load(new Overrides(), env());
    assertThat(c.server()).hasToString("https://10.96.0.1:443");
    assertThat(c.trust().caPem()).isEqualTo("CLUSTER CA");
    assertThat(c.credentials().tokenFile()).isEqualTo(dir.resolve("serviceaccount/token"));
    assertThat(c.namespace()).isEqualTo("pullpolicy-system");
  }

  @Test
  void aServerWithoutSchemeIsHttpsAndAPathIsKept() {
    assertThat(ClientConfig.serverUri("api.example:6443")).hasToString("https://api.example:6443");
    assertThat(ClientConfig.serverUri("https://rancher.example/k8s/clusters/c-1/"))
        .hasToString("https://rancher.example/k8s/clusters/c-1");
    assertThatThrownBy(() -> ClientConfig.serverUri("ftp://x"))
        .hasMessage("invalid server URL \"ftp://x\"");
  }
}
