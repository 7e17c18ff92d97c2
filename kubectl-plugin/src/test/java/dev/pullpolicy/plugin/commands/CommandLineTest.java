package dev.pullpolicy.plugin.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.Main;
import dev.pullpolicy.plugin.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and stdout/stderr discipline of whole command lines that need no cluster. */
class CommandLineTest {

  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void createDryRunPrintsTheObjectWithoutACluster() {
    Result r =
        run(
            "create",
            "acme",
            "--from-secret",
            "pullpolicy-system/acme-creds",
            "--include",
            "team-*,prod-*",
            "--secret-name",
            "acme-pull",
            "--service-accounts",
            "default,builder",
            "--dry-run=client",
            "-o",
            "yaml",
            "--kubeconfig",
            "/nonexistent");
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .isEqualTo(
            """
            apiVersion: pullpolicy.dev/v1alpha1
            kind: PullCredentialPolicy
            metadata:
              name: acme
            spec:
              sources:
              - namespace: pullpolicy-system
                name: acme-creds
              target:
                secretName: acme-pull
                labels: {}
                annotations: {}
              namespaces:
                include:
                - team-*
                - prod-*
              serviceAccounts:
                names:
                - default
                - builder
              onConflict: Skip
              onDelete: Delete
            """);
  }

  @Test
  void createDryRunWithoutOutputSaysWhatItWouldDo() {
    Result r = run("create", "acme", "--from-secret", "a/b", "--dry-run=client");
    assertThat(r.out()).isEqualTo("pullcredentialpolicy.pullpolicy.dev/acme created (dry run)\n");
  }

  @Test
  void usageErrorsExitTwoWithOneLineOnStderr() {
    Result r = run("create", "acme", "--from-secret", "no-slash", "--dry-run=client");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "error: invalid --from-secret \"no-slash\": use NAMESPACE/NAME of a pull Secret\n");

    Result unknown = run("frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("error: Unmatched argument");

    Result missing = run("create", "acme");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--from-secret");

    Result format = run("list", "-o", "toml");
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.err()).contains("unknown output format \"toml\"");
  }

  @Test
  void aCommandThatCannotRunExitsThreeWithoutStackTrace() {
    Result r = run("list", "--kubeconfig", "/nonexistent/config");
    assertThat(r.exitCode()).isEqualTo(ExitCode.ERROR).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("error: kubeconfig file /nonexistent/config does not exist\n");

    Result verbose = run("list", "--kubeconfig", "/nonexistent/config", "-v");
    assertThat(verbose.err()).contains("\tat dev.pullpolicy.plugin");
    // kubectl's log level flag reads the same way
    for (String level : List.of("-v=6", "--v=4")) {
      Result kubectlStyle = run("list", "--kubeconfig", "/nonexistent/config", level);
      assertThat(kubectlStyle.exitCode()).isEqualTo(3);
      assertThat(kubectlStyle.err()).contains("\tat dev.pullpolicy.plugin");
    }
  }

  @Test
  void explainRejectsAnInvalidImageBeforeContactingTheCluster() {
    Result r = run("explain", "NGINX", "--kubeconfig", "/nonexistent/config");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "error: invalid image reference \"NGINX\": repository name must be lowercase (the"
                + " kubelet would report InvalidImageName)\n");
  }

  @Test
  void explainReadsADockerConfigFileWithoutACluster(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(
        config,
        "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
            + b64("u:hunter2")
            + "\"},\"acme.io/team\":{\"Username\":\"u\"}}}");
    Result r =
        run(
            "explain",
            "acme.io/team/app",
            "--dockerconfig",
            config.toString(),
            "--kubeconfig",
            "/nonexistent");
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("Docker config:   " + config + " (read as a config.json)")
        .contains("1   config.json   acme.io/team   host, port and path")
        .doesNotContain("hunter2");
  }

  @Test
  void explainReadsALegacyDockercfgFile(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve(".dockercfg");
    Files.writeString(cfg, "{\"acme.io\":{\"auth\":\"" + b64("u:p") + "\"}}");
    Result r = run("explain", "acme.io/app", "--dockerconfig", cfg.toString(), "-o", "json");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("\"secret\": \".dockercfg\"").contains("\"key\": \"acme.io\"");
  }

  @Test
  void explainReadsSecretManifests(@TempDir Path dir) throws Exception {
    Path manifest = dir.resolve("secrets.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: first}
        type: kubernetes.io/dockerconfigjson
        data:
          .dockerconfigjson: %s
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: second}
        type: kubernetes.io/dockerconfigjson
        stringData:
          .dockerconfigjson: '{"auths":{"acme.io":{"username":5}}}'
        """
            .formatted(b64("{\"auths\":{\"acme.io\":{\"username\":\"u\"}}}")));
    Result r = run("explain", "acme.io/app", "--dockerconfig", manifest.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("first    used      acme.io")
        .contains("second   refused")
        .contains("The kubelet would try no credential: Secret second makes its keyring fail");
  }

  @Test
  void explainSaysWhenTheDockerConfigFileIsMissing() {
    Result r = run("explain", "nginx", "--dockerconfig", "/nonexistent/config.json");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: cannot read /nonexistent/config.json: no such file\n");
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void versionNeedsNoCluster() {
    Result r = run("version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("kubectl-pullpolicy version: v");
  }

  @Test
  void completionPrintsABashScript() {
    Result r = run("completion", "bash");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("complete -F").contains("doctor").contains("explain");
  }

  @Test
  void doctorsDryRunGoesWithFixAndTakesKubectlsValues() {
    Result alone = run("doctor", "--dry-run", "--kubeconfig", "/nonexistent");
    assertThat(alone.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(alone.out()).isEmpty();
    assertThat(alone.err()).isEqualTo("error: --dry-run goes with --fix\n");

    Result wrong = run("doctor", "--fix", "--dry-run=always", "--kubeconfig", "/nonexistent");
    assertThat(wrong.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(wrong.err())
        .isEqualTo("error: --dry-run must be \"none\", \"client\" or \"server\", not \"always\"\n");
  }
}
