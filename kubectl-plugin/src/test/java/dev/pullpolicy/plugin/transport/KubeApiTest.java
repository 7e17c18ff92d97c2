package dev.pullpolicy.plugin.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.transport.LoopbackServer.Answer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes over the wire: credentials, impersonation, retries, and what failures say. */
class KubeApiTest {
  @TempDir Path dir;

  private final LoopbackServer server = new LoopbackServer();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void sendsTheTokenAndImpersonationAsKubectlDoes() {
    server.on("/api/v1/namespaces", Answer.ok("{\"items\":[]}"));
    KubeApi api =
        server.client(
            new Overrides()
                .token("flag-token")
                .as("jane")
                .asGroups(List.of("devs", "ops"))
                .asUid("42")
                .asUserExtra(Map.of("scopes", List.of("view", "edit"), "team/name", List.of("a"))));
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    LoopbackServer.Request r = server.requests().get(0);
    assertThat(r.header("authorization")).isEqualTo("Bearer flag-token");
    assertThat(r.header("accept")).isEqualTo("application/json");
    assertThat(r.header("user-agent")).startsWith("kubectl-pullpolicy");
    assertThat(r.header("impersonate-user")).isEqualTo("jane");
    assertThat(r.header("impersonate-uid")).isEqualTo("42");
    assertThat(r.headers("impersonate-group")).containsExactly("devs", "ops");
    assertThat(r.headers("impersonate-extra-scopes")).containsExactly("view", "edit");
    assertThat(r.headers("impersonate-extra-team%2fname")).containsExactly("a");
  }

  @Test
  void readsTheTokenFileOnce() throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "file-token\n");
    Path kc = dir.resolve("config");
    Files.writeString(
        kc,
        """
        current-context: c
        contexts: [{name: c, context: {cluster: k, user: u}}]
        clusters: [{name: k, cluster: {server: "%s"}}]
        users: [{name: u, user: {tokenFile: token}}]
        """
            .formatted(server.url()));
    server.on("/version", Answer.ok("{}"));
    KubeApi api =
        KubeApi.of(ClientConfig.load(Kubeconfig.read(List.of(kc)), new Overrides()), n -> null);
    api.get("/version", "application/json");
    api.get("/version", "application/json");
    assertThat(server.requests())
        .extracting(r -> r.header("authorization"))
        .containsExactly("Bearer file-token", "Bearer file-token");
  }

  @Test
  void asksForCompressedAnswersUnlessToldNotTo() {
    String list = "{\"items\":[{\"metadata\":{\"name\":\"a\"}}]}";
    server.on("/api/v1/namespaces", new Answer(200, list, Map.of("Content-Encoding", "gzip")));
    KubeApi.Response r =
        server.client(new Overrides()).get("/api/v1/namespaces", "application/json");
    assertThat(r.text()).isEqualTo(list);
    assertThat(server.requests().get(0).header("accept-encoding")).isEqualTo("gzip");

    server.client(new Overrides().disableCompression(true)).get("/api/v1/namespaces", "x");
    assertThat(server.requests().get(1).header("accept-encoding")).isNull();
  }

  @Test
  void retriesWhenTheServerSaysWhen() {
    server.on(
        "/api/v1/namespaces",
        new Answer(429, "{}", Map.of("Retry-After", "1")),
        Answer.ok("{\"items\":[]}"));
    KubeApi api = server.client(new Overrides());
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void runsTheExecPluginAgainOnceWhenItsTokenIsRefused() throws IOException {
    Path count = dir.resolve("count");
    Path plugin = dir.resolve("plugin");
    Files.writeString(
        plugin,
        "#!/bin/sh\necho x >> "
            + count
            + "\nn=$(wc -l < "
            + count
            + ")\necho \"{\\\"apiVersion\\\":\\\""
            + ExecCredentials.V1
            + "\\\",\\\"kind\\\":\\\"ExecCredential\\\",\\\"status\\\":{\\\"token\\\":\\\"t$n\\\"}}\"\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path kc = dir.resolve("config");
    Files.writeString(
        kc,
        """
        current-context: c
        contexts: [{name: c, context: {cluster: k, user: u}}]
        clusters: [{name: k, cluster: {server: "%s"}}]
        users:
        - name: u
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1, command: %s, interactiveMode: Never}
        """
            .formatted(server.url(), plugin));
    server.on(
        "/api/v1/namespaces",
        Answer.status(401, "Unauthorized", "Unauthorized"),
        Answer.ok("{\"items\":[]}"));
    KubeApi api =
        KubeApi.of(ClientConfig.load(Kubeconfig.read(List.of(kc)), new Overrides()), n -> null);
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    assertThat(server.requests())
        .extracting(r -> r.header("authorization"))
        .containsExactly("Bearer t1", "Bearer t2");
  }

  @Test
  void aFailureCarriesTheServersStatusOrTheHttpCode() {
    var refused =
        KubeApi.failure(
            new KubeApi.Response(
                403,
                "{\"kind\":\"Status\",\"reason\":\"Forbidden\",\"message\":\"no\",\"code\":403}"
                    .getBytes()));
    assertThat(refused.getCode()).isEqualTo(403);
    assertThat(refused.getStatus().getReason()).isEqualTo("Forbidden");
    assertThat(refused.getStatus().getMessage()).isEqualTo("no");
    var proxyPage =
        KubeApi.failure(new KubeApi.Response(502, "<html>bad gateway</html>".getBytes()));
    assertThat(proxyPage.getCode()).isEqualTo(502);
    assertThat(proxyPage.getStatus().getMessage()).isEqualTo("the server responded with HTTP 502");
  }

  @Test
  void aPrefetchedAnswerIsTheNextGetOfThatPathAndIsSentOnce() {
    server.on("/apis/x", Answer.ok("{\"items\":[1]}"), Answer.ok("{\"items\":[2]}"));
    server.on("/api/v1/namespaces", Answer.ok("{\"items\":[]}"));
    KubeApi api = server.client(new Overrides());
    api.prefetch("/apis/x", "application/json");
    assertThat(server.requests()).hasSize(1);
    // another path or another Accept header is asked for as usual
    assertThat(api.get("/api/v1/namespaces", "application/json").code()).isEqualTo(200);
    assertThat(api.get("/apis/x", "application/json").text()).isEqualTo("{\"items\":[1]}");
    assertThat(server.requests()).hasSize(2);
    assertThat(api.get("/apis/x", "application/json").text()).isEqualTo("{\"items\":[2]}");
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void aPrefetchThatFailedIsTheSameFailureForTheGet() throws IOException {
    int closedPort;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;
    KubeApi direct = KubeApi.of(ClientConfig.load(Kubeconfig.empty(), new Overrides().server(url)));
    String expected = null;
    try {
      direct.get("/apis/x", "application/json");
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      expected = e.getMessage();
    }
    assertThat(expected).startsWith("GET " + url + "/apis/x failed: ");
    KubeApi api = KubeApi.of(ClientConfig.load(Kubeconfig.empty(), new Overrides().server(url)));
    api.prefetch("/apis/x", "application/json");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.get("/apis/x", "application/json"))
        .hasMessage(expected);
  }
}
