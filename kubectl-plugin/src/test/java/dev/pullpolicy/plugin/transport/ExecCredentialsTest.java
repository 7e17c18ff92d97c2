package dev.pullpolicy.plugin.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential plugins run and read as client-go runs and reads them. */
class ExecCredentialsTest {
  @TempDir Path dir;

  private static final String V1 = ExecCredentials.V1;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsATokenOrACertificateAndKey() {
    assertThat(
            ExecCredentials.parse(
                bytes(
                    "{\"apiVersion\":\""
                        + V1
                        + "\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}"),
                V1))
        .isEqualTo(new ExecCredentials.Result("t", null, null));
    assertThat(
            ExecCredentials.parse(
                bytes(
                    "{\"apiVersion\":\""
                        + V1
                        + "\",\"kind\":\"ExecCredential\",\"status\":{"
                        + "\"clientCertificateData\":\"C\",\"clientKeyData\":\"K\"}}"),
                V1))
        .isEqualTo(new ExecCredentials.Result(null, "C", "K"));
  }

  @Test
  void refusesWhatClientGoRefuses() {
    assertThatThrownBy(
            () ->
                ExecCredentials.parse(
                    bytes(
                        "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
                            + "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}"),
                    V1))
        .hasMessage(
            "getting credentials: exec plugin is configured to use API version "
                + V1
                + ", plugin returned version client.authentication.k8s.io/v1beta1");
    assertThatThrownBy(
            () ->
                ExecCredentials.parse(
                    bytes("{\"apiVersion\":\"" + V1 + "\",\"kind\":\"ExecCredential\"}"), V1))
        .hasMessage("getting credentials: exec plugin didn't return a status field");
    assertThatThrownBy(
            () ->
                ExecCredentials.parse(
                    bytes(
                        "{\"apiVersion\":\""
                            + V1
                            + "\",\"kind\":\"ExecCredential\",\"status\":{}}"),
                    V1))
        .hasMessage("getting credentials: exec plugin didn't return a token or cert/key pair");
    assertThatThrownBy(
            () ->
                ExecCredentials.parse(
                    bytes(
                        "{\"apiVersion\":\""
                            + V1
                            + "\",\"kind\":\"ExecCredential\",\"status\":{"
                            + "\"clientCertificateData\":\"C\"}}"),
                    V1))
        .hasMessage("getting credentials: exec plugin returned only certificate or key, not both");
    assertThatThrownBy(() -> ExecCredentials.parse(bytes("token please"), V1))
        .hasMessageStartingWith("getting credentials: decoding stdout:");
  }

  private ClientConfig config(String execYaml) throws IOException {
    Path kc = dir.resolve("config");
    Files.writeString(
        kc,
        """
        current-context: c
        contexts: [{name: c, context: {cluster: k, user: u}}]
        clusters: [{name: k, cluster: {server: "https://k.example:6443", tls-server-name: k8s}}]
        users:
        - name: u
          user:
            exec:
        """
            + execYaml.indent(6));
    return ClientConfig.load(Kubeconfig.read(List.of(kc)), new Overrides());
  }

  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void runsThePluginWithItsArgsEnvAndTheRequestDescribed() throws IOException {
    Path seen = dir.resolve("seen");
    Path plugin =
        script(
            "get-token",
            "printf '%s|%s|%s' \"$1\" \"$REGION\" \"$KUBERNETES_EXEC_INFO\" > "
                + seen
                + "\n"
                + "echo '{\"apiVersion\":\""
                + V1
                + "\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"from-plugin\"}}'\n");
    ClientConfig c =
        config(
            """
            apiVersion: client.authentication.k8s.io/v1
            command: %s
            args: [eu-west]
            env: [{name: REGION, value: eu}]
            interactiveMode: Never
            provideClusterInfo: true
            """
                .formatted(plugin));
    assertThat(ExecCredentials.run(c).token()).isEqualTo("from-plugin");
    String[] parts = Files.readString(seen).split("\\|", 3);
    assertThat(parts[0]).isEqualTo("eu-west");
    assertThat(parts[1]).isEqualTo("eu");
    var info = Json.parse(bytes(parts[2]));
    assertThat(info.path("kind").asText()).isEqualTo("ExecCredential");
    assertThat(info.path("apiVersion").asText()).isEqualTo(V1);
    assertThat(info.path("spec").path("interactive").asBoolean()).isFalse();
    assertThat(info.path("spec").path("cluster").path("server").asText())
        .isEqualTo("https://k.example:6443");
    assertThat(info.path("spec").path("cluster").path("tls-server-name").asText()).isEqualTo("k8s");
  }

  @Test
  void saysWhenThePluginIsMissingOrFails() throws IOException {
    ClientConfig missing =
        config(
            """
            apiVersion: client.authentication.k8s.io/v1beta1
            command: no-such-credential-helper-here
            installHint: install it with your package manager
            """);
    assertThatThrownBy(() -> ExecCredentials.run(missing))
        .hasMessage(
            "getting credentials: exec: executable no-such-credential-helper-here not found\n\n"
                + "install it with your package manager");
    Path failing = script("fails", "echo 'no session, log in first' >&2\nexit 3\n");
    ClientConfig fails =
        config(
            """
            apiVersion: client.authentication.k8s.io/v1
            command: %s
            interactiveMode: Never
            """
                .formatted(failing));
    assertThatThrownBy(() -> ExecCredentials.run(fails))
        .hasMessage(
            "getting credentials: exec: executable " + failing + " failed with exit code 3");
  }
}
