package dev.pullpolicy.plugin.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.Main;
import dev.pullpolicy.plugin.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

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
  }

  @Test
  void explainRejectsAnInvalidImageBeforeContactingTheCluster() {
    Result r = run("explain", "NGINX", "--kubeconfig", "/nonexistent/config");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("error: invalid image reference \"NGINX\": repository name must be lowercase\n");
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
}
