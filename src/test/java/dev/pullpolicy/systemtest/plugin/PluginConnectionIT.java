package dev.pullpolicy.systemtest.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl's connection flags and kubeconfig authentication, through the real kubectl against the
 * real API server: a plugin gets everything typed after its name, and users type what they type for
 * {@code kubectl get}. Where kubectl prints a refusal, the plugin prints the same line.
 */
@SystemTest
class PluginConnectionIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A ClusterRole that may list policies, and the group and ServiceAccount bound to it. */
  private static String role;

  private static String readers;
  private static String saNamespace;
  private static String readerToken;
  private static String deniedToken;

  @TempDir Path dir;

  @BeforeAll
  static void identities(TestCluster cluster, KubernetesClient client) {
    String id = cluster.uniqueName("pp-conn");
    role = id + "-reader";
    readers = id + "-readers";
    saNamespace = cluster.newNamespace(id);
    client
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(role)
                .endMetadata()
                .addNewRule()
                .withApiGroups("pullpolicy.dev")
                .withResources("pullcredentialpolicies")
                .withVerbs("get", "list")
                .endRule()
                .build())
        .create();
    for (String sa : List.of("reader", "denied")) {
      client
          .serviceAccounts()
          .inNamespace(saNamespace)
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName(sa).endMetadata().build())
          .create();
    }
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(role)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
                .addNewSubject()
                .withKind("Group")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName(readers)
                .endSubject()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("reader")
                .withNamespace(saNamespace)
                .endSubject()
                .build())
        .create();
    readerToken = token(client, "reader");
    deniedToken = token(client, "denied");
  }

  @AfterAll
  static void removeRbac(KubernetesClient client) {
    client.rbac().clusterRoleBindings().withName(role).delete();
    client.rbac().clusterRoles().withName(role).delete();
  }

  private static String token(KubernetesClient client, String sa) {
    return client
        .serviceAccounts()
        .inNamespace(saNamespace)
        .withName(sa)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus()
        .getToken();
  }

  /** The admin kubeconfig's server, CA, client certificate and key. */
  private record Admin(String server, String ca, String cert, String key) {
    static Admin of(TestCluster cluster) throws IOException {
      JsonNode kc = YAML.readTree(cluster.kubeconfig().toFile());
      JsonNode c = kc.path("clusters").get(0).path("cluster");
      JsonNode u = kc.path("users").get(0).path("user");
      return new Admin(
          c.path("server").asText(),
          decode(c.path("certificate-authority-data").asText()),
          decode(u.path("client-certificate-data").asText()),
          decode(u.path("client-key-data").asText()));
    }

    private static String decode(String b64) {
      return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    int port() {
      return Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  /** An empty kubeconfig: everything comes from the flags. */
  private String none() throws IOException {
    return write("empty.kubeconfig", "").toString();
  }

  @Test
  void aRefusalByRbacReadsExactlyAsKubectlsOwn(TestCluster cluster) {
    String user = cluster.uniqueName("nobody");
    CommandResult plugin = cluster.kubectl("pullpolicy", "list", "--as=" + user);
    CommandResult kubectl = cluster.kubectl("get", "pullcredentialpolicies", "--as=" + user);
    assertThat(plugin.exitCode()).as(plugin.describe()).isEqualTo(3);
    assertThat(plugin.stdout()).isEmpty();
    assertThat(plugin.stderr())
        .as(plugin.describe())
        .startsWith("Error from server (Forbidden): ")
        .contains("User \"" + user + "\" cannot list resource \"pullcredentialpolicies\"")
        .isEqualTo(kubectl.stderr());
  }

  @Test
  void everyImpersonatedGroupIsSent(TestCluster cluster) {
    CommandResult allowed =
        cluster.kubectl(
            "pullpolicy", "list", "--as=alice", "--as-group=others", "--as-group", readers);
    assertThat(allowed.exitCode()).as(allowed.describe()).isZero();
    CommandResult denied = cluster.kubectl("pullpolicy", "list", "--as=alice", "--as-group=others");
    assertThat(denied.exitCode()).as(denied.describe()).isEqualTo(3);
    assertThat(denied.stderr()).contains("User \"alice\" cannot list");
  }

  @Test
  void theImpersonatedUidReachesTheApiServer(TestCluster cluster) {
    Path audit = cluster.auditLog().orElseThrow();
    String uid = cluster.uniqueName("uid");
    CommandResult r =
        cluster.kubectl(
            "pullpolicy", "list", "--as=bob", "--as-group=" + readers, "--as-uid=" + uid);
    assertThat(r.exitCode()).as(r.describe()).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode event = null;
              try (var lines = Files.lines(audit)) {
                for (String line : (Iterable<String>) lines::iterator) {
                  if (line.contains(uid)) {
                    event = new ObjectMapper().readTree(line);
                  }
                }
              }
              assertThat(event).as("an audit event with the uid").isNotNull();
              assertThat(event.path("impersonatedUser").path("username").asText()).isEqualTo("bob");
              assertThat(event.path("impersonatedUser").path("uid").asText()).isEqualTo(uid);
              assertThat(event.path("userAgent").asText()).startsWith("kubectl-pullpolicy");
            });
  }

  @Test
  void aTokenFromTheFlagReplacesTheKubeconfigsToken(TestCluster cluster) {
    Map<String, String> asReader =
        Map.of("KUBECONFIG", cluster.kubeconfigForServiceAccount(saNamespace, "reader").toString());
    CommandResult allowed = cluster.kubectl(asReader, "pullpolicy", "list");
    assertThat(allowed.exitCode()).as(allowed.describe()).isZero();
    CommandResult denied =
        cluster.kubectl(asReader, "pullpolicy", "list", "--token=" + deniedToken);
    assertThat(denied.exitCode()).as(denied.describe()).isEqualTo(3);
    assertThat(denied.stderr())
        .contains("User \"system:serviceaccount:" + saNamespace + ":denied\" cannot list");
  }

  @Test
  void serverCertificateAuthorityAndClientCertificateFromFiles(TestCluster cluster)
      throws IOException {
    Admin admin = Admin.of(cluster);
    Path ca = write("pki/ca.crt", admin.ca());
    Path cert = write("pki/admin.crt", admin.cert());
    Path key = write("pki/admin.key", admin.key());
    CommandResult r =
        cluster.kubectl(
            "pullpolicy",
            "list",
            "--kubeconfig=" + none(),
            "-s",
            admin.server(),
            "--certificate-authority=" + ca,
            "--client-certificate=" + cert,
            "--client-key=" + key,
            "-o",
            "json");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout()).contains("\"kind\": \"List\"");
  }

  @Test
  void withoutItsCertificateAuthorityTheServerIsTrustedOnlyWhenTold(TestCluster cluster)
      throws IOException {
    Admin admin = Admin.of(cluster);
    String kubeconfig = none();
    CommandResult untrusted =
        cluster.kubectl(
            "pullpolicy",
            "list",
            "--kubeconfig=" + kubeconfig,
            "--server=" + admin.server(),
            "--token=" + readerToken);
    assertThat(untrusted.exitCode()).as(untrusted.describe()).isEqualTo(3);
    assertThat(untrusted.stderr())
        .contains(
            "tls: failed to verify certificate: x509: certificate signed by unknown authority")
        .doesNotContain("\tat ");
    CommandResult insecure =
        cluster.kubectl(
            "pullpolicy",
            "list",
            "--kubeconfig=" + kubeconfig,
            "--server=" + admin.server(),
            "--token=" + readerToken,
            "--insecure-skip-tls-verify");
    assertThat(insecure.exitCode()).as(insecure.describe()).isZero();
  }

  @Test
  void theServerNameIsCheckedAgainstTheCertificateAsKubectlChecksIt(TestCluster cluster)
      throws IOException {
    Admin admin = Admin.of(cluster);
    Path ca = write("ca.crt", admin.ca());
    String kubeconfig = none();
    List<String> common =
        List.of(
            "--kubeconfig=" + kubeconfig,
            "--server=https://127.0.0.1:" + admin.port(),
            "--certificate-authority=" + ca,
            "--token=" + readerToken);
    CommandResult named = plugin(cluster, common, "--tls-server-name=kubernetes.default");
    assertThat(named.exitCode()).as(named.describe()).isZero();

    CommandResult wrong = plugin(cluster, common, "--tls-server-name=wrong.example");
    List<String> kubectlArgs = new ArrayList<>(List.of("get", "pullcredentialpolicies"));
    kubectlArgs.addAll(common);
    kubectlArgs.add("--tls-server-name=wrong.example");
    CommandResult kubectl = cluster.kubectl(kubectlArgs.toArray(String[]::new));
    String[] kubectlLines = kubectl.stderr().strip().split("\n");
    String last = kubectlLines[kubectlLines.length - 1];
    String x509 = last.substring(last.indexOf("x509: "));
    assertThat(x509).startsWith("x509: certificate is valid for ");
    assertThat(wrong.exitCode()).as(wrong.describe()).isEqualTo(3);
    assertThat(wrong.stderr()).as(wrong.describe()).contains(x509);

    CommandResult byName =
        cluster.kubectl(
            "pullpolicy",
            "list",
            "--kubeconfig=" + kubeconfig,
            "--server=https://localhost:" + admin.port(),
            "--certificate-authority=" + ca,
            "--token=" + readerToken);
    assertThat(byName.exitCode()).as(byName.describe()).isZero();
  }

  private static CommandResult plugin(TestCluster cluster, List<String> common, String... more) {
    List<String> args = new ArrayList<>(List.of("pullpolicy", "list"));
    args.addAll(common);
    args.addAll(List.of(more));
    return cluster.kubectl(args.toArray(String[]::new));
  }

  /** A kubeconfig whose user is an exec plugin printing an ExecCredential with a token. */
  private Path execKubeconfig(TestCluster cluster, String apiVersion, String mode, String script)
      throws IOException {
    Admin admin = Admin.of(cluster);
    Path plugin = write("bin/credential-helper", "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
    return write(
        "exec.kubeconfig",
        """
        apiVersion: v1
        kind: Config
        current-context: exec
        contexts:
        - name: exec
          context: {cluster: local, user: exec}
        clusters:
        - name: local
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: exec
          user:
            exec:
              apiVersion: %s
              command: ./bin/credential-helper
              args: [--audience, pullpolicy]
              env: [{name: HELPER_MODE, value: test}]
              provideClusterInfo: true
        %s
        """
            .formatted(admin.server(), b64(admin.ca()), apiVersion, mode));
  }

  @Test
  void anExecCredentialPluginGivesTheToken(TestCluster cluster) throws IOException {
    for (String version :
        List.of("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")) {
      Path seen = dir.resolve("seen-" + version.substring(version.lastIndexOf('/') + 1));
      Path kubeconfig =
          execKubeconfig(
              cluster,
              version,
              version.endsWith("/v1") ? "      interactiveMode: Never" : "",
              "printf '%s %s\\n%s' \"$2\" \"$HELPER_MODE\" \"$KUBERNETES_EXEC_INFO\" > "
                  + seen
                  + "\nprintf '{\"apiVersion\":\""
                  + version
                  + "\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\""
                  + readerToken
                  + "\"}}'\n");
      CommandResult r =
          cluster.kubectl(Map.of("KUBECONFIG", kubeconfig.toString()), "pullpolicy", "list");
      assertThat(r.exitCode()).as(version + "\n" + r.describe()).isZero();
      String[] lines = Files.readString(seen).split("\n", 2);
      assertThat(lines[0]).isEqualTo("pullpolicy test");
      JsonNode info = new ObjectMapper().readTree(lines[1]);
      assertThat(info.path("apiVersion").asText()).isEqualTo(version);
      assertThat(info.path("kind").asText()).isEqualTo("ExecCredential");
      assertThat(info.path("spec").path("interactive").asBoolean()).isFalse();
      assertThat(info.path("spec").path("cluster").path("server").asText())
          .isEqualTo(Admin.of(cluster).server());
    }
  }

  @Test
  void aFailingExecPluginIsOneLineAndExitThree(TestCluster cluster) throws IOException {
    Path kubeconfig =
        execKubeconfig(
            cluster,
            "client.authentication.k8s.io/v1",
            "      interactiveMode: Never",
            "echo 'token expired: run login' >&2\nexit 1\n");
    CommandResult r =
        cluster.kubectl(Map.of("KUBECONFIG", kubeconfig.toString()), "pullpolicy", "list");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(3);
    assertThat(r.stderr())
        .as(r.describe())
        .isEqualTo(
            "token expired: run login\n"
                + "error: getting credentials: exec: executable "
                + dir.resolve("bin/credential-helper")
                + " failed with exit code 1\n");
  }

  @Test
  void kubeconfigFilesAreMergedAsKubectlMergesThem(TestCluster cluster) throws IOException {
    Admin admin = Admin.of(cluster);
    // the first file names the context; the second holds the cluster, the user (with files
    // relative to itself) and another context; a cluster of the same name in the second file
    // loses to the first file's
    Path first =
        write(
            "a/config",
            """
            current-context: merged
            contexts:
            - name: merged
              context: {cluster: local, user: admin}
            clusters:
            - name: local
              cluster: {server: "%s", certificate-authority-data: %s}
            """
                .formatted(admin.server(), b64(admin.ca())));
    write("b/pki/admin.crt", admin.cert());
    write("b/pki/admin.key", admin.key());
    Path second =
        write(
            "b/config",
            """
            current-context: elsewhere
            contexts:
            - name: denied
              context: {cluster: local, user: denied}
            clusters:
            - name: local
              cluster: {server: "https://127.0.0.1:1"}
            users:
            - name: admin
              user: {client-certificate: pki/admin.crt, client-key: pki/admin.key}
            - name: denied
              user: {token: %s}
            """
                .formatted(deniedToken));
    Map<String, String> env = Map.of("KUBECONFIG", first + ":" + second);
    CommandResult merged = cluster.kubectl(env, "pullpolicy", "list");
    assertThat(merged.exitCode()).as(merged.describe()).isZero();
    CommandResult other = cluster.kubectl(env, "pullpolicy", "list", "--context=denied");
    assertThat(other.exitCode()).as(other.describe()).isEqualTo(3);
    assertThat(other.stderr()).contains(":denied\" cannot list");
    CommandResult user =
        cluster.kubectl(env, "pullpolicy", "list", "--user", "admin", "--context", "denied");
    assertThat(user.exitCode()).as(user.describe()).isZero();
    CommandResult noCluster = cluster.kubectl(env, "pullpolicy", "list", "--cluster=nope");
    assertThat(noCluster.exitCode()).isEqualTo(3);
    assertThat(noCluster.stderr()).isEqualTo("error: cluster \"nope\" does not exist\n");
  }

  @Test
  void namespaceAndTimeoutFlagsAreThoseOfKubectl(TestCluster cluster) {
    CommandResult ns =
        cluster.kubectl("pullpolicy", "list", "-n", "default", "--request-timeout=30s");
    assertThat(ns.exitCode()).as(ns.describe()).isZero();
    CommandResult longForm = cluster.kubectl("pullpolicy", "list", "--namespace=default", "-A");
    assertThat(longForm.exitCode()).as(longForm.describe()).isZero();
    CommandResult bad = cluster.kubectl("pullpolicy", "list", "--request-timeout=soon");
    assertThat(bad.exitCode()).as(bad.describe()).isEqualTo(2);
    assertThat(bad.stderr()).startsWith("error: invalid --request-timeout \"soon\"");
  }

  @Test
  void aProxyUrlCarriesTheConnection(TestCluster cluster) throws Exception {
    try (ConnectProxy proxy = new ConnectProxy()) {
      CommandResult r =
          cluster.kubectl("pullpolicy", "list", "--proxy-url=http://127.0.0.1:" + proxy.port());
      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(proxy.connects())
          .singleElement()
          .asString()
          .startsWith("CONNECT 127.0.0.1:" + Admin.of(cluster).port() + " ");
    }
  }

  /** A minimal HTTP CONNECT proxy on the loopback interface that records what it was asked. */
  private static final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<String> connects = new CopyOnWriteArrayList<>();
    private final Thread acceptor = new Thread(this::accept, "connect-proxy");

    ConnectProxy() throws IOException {
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    List<String> connects() {
      return connects;
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Thread t = new Thread(() -> serve(client), "connect-proxy-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket client) {
      try (client) {
        InputStream in = client.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          head.append((char) b);
        }
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        connects.add(requestLine);
        String[] target = requestLine.split(" ")[1].split(":");
        try (Socket upstream = new Socket(target[0], Integer.parseInt(target[1]))) {
          OutputStream out = client.getOutputStream();
          out.write(
              "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread back = new Thread(() -> pump(upstream, client), "connect-proxy-back");
          back.setDaemon(true);
          back.start();
          pump(client, upstream);
          back.join(5000);
        }
      } catch (IOException | InterruptedException e) {
        // the client went away
      }
    }

    private static void pump(Socket from, Socket to) {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
        to.shutdownOutput();
      } catch (IOException e) {
        // one side closed
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
