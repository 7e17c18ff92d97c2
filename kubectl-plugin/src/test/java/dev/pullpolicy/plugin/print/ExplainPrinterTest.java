package dev.pullpolicy.plugin.print;

import static dev.pullpolicy.plugin.Fixtures.auths;
import static dev.pullpolicy.plugin.Fixtures.pullSecret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.kubelet.ImageReference;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.Explanation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplainPrinterTest {

  @Test
  void showsTheReferenceThePolicyAndTheCredentialsInOrder() {
    var secrets =
        List.of(
            PullSecrets.read(pullSecret("team", "hub", auths("https://index.docker.io/v1/"), null)),
            PullSecrets.missing("gone"));
    Explanation e =
        Explanation.of(
            "bitnami/redis:7",
            ImageReference.parse("bitnami/redis:7"),
            "team",
            "default",
            true,
            secrets);
    assertThat(ExplainPrinter.print(e, Format.TABLE, Style.plain()))
        .isEqualTo(
            """
            Image:           bitnami/redis:7
            Name:            docker.io/bitnami/redis
            Registry:        docker.io
            Repository:      bitnami/redis
            Tag:             7
            Digest:          -
            Pull policy:     IfNotPresent (default: tag 7)
            ServiceAccount:  team/default

            Pull Secrets:
              SECRET   STATE     REGISTRIES
              hub      used      index.docker.io
              gone     missing   does not exist

            The kubelet would try, in this order:
              #   SECRET   KEY               MATCHED
              1   hub      index.docker.io   Docker Hub fallback (index.docker.io)
            After these, the node's own credentials and credential-provider plugins, if any.
            """);
  }

  @Test
  void saysWhenNoCredentialFromThePodsSecretsMatchesWithoutClaimingAnAnonymousPull() {
    Explanation e =
        Explanation.of(
            "ghcr.io/org/app",
            ImageReference.parse("ghcr.io/org/app"),
            "team",
            "builder",
            false,
            List.of());
    assertThat(ExplainPrinter.print(e, Format.TABLE, Style.plain()))
        .contains("Pull policy:     Always (default: no tag means :latest)\n")
        .contains("ServiceAccount:  team/builder (not found)\n")
        .doesNotContain("anonymously")
        .endsWith(
            "No credential from the Pod's Secrets matches ghcr.io/org/app; the node's own"
                + " credentials or a credential-provider plugin may still apply.\n");
  }

  @Test
  void saysWhenTheOrderOfTriesIsNotFixed() {
    var secret =
        PullSecrets.read(
            pullSecret("team", "acme", auths("acme.io", "https://acme.io/", "acme.io/team"), null));
    Explanation e =
        Explanation.of(
            "acme.io/team/app",
            ImageReference.parse("acme.io/team/app"),
            "team",
            "default",
            true,
            List.of(secret));
    assertThat(ExplainPrinter.print(e, Format.TABLE, Style.plain()))
        .contains(
            """
              1   acme     acme.io/team   host, port and path
              2   acme     acme.io        host, port and path
              3   acme     acme.io        host, port and path
            The order of tries 2-3 is not fixed: one Secret names that registry several ways, and\
             the kubelet reads them in random map order.
            """);
  }

  @Test
  void saysThatASecretTheKubeletCannotReadStopsEveryPull() {
    var secrets =
        List.of(
            PullSecrets.read(pullSecret("team", "acme", auths("acme.io"), null)),
            PullSecrets.read(
                pullSecret("team", "broken", "{\"auths\":{\"x.io\":{\"username\":5}}}", null)));
    Explanation e =
        Explanation.of(
            "acme.io/app", ImageReference.parse("acme.io/app"), "team", "default", true, secrets);
    assertThat(ExplainPrinter.print(e, Format.TABLE, Style.plain()))
        .contains("  broken   refused   .dockerconfigjson: registry x.io: \"username\" is a number")
        .endsWith(
            "The kubelet would try no credential: Secret broken makes its keyring fail"
                + " (.dockerconfigjson: registry x.io: \"username\" is a number, not a string), so"
                + " every pull fails before any registry is asked, not even anonymously.\n");
  }

  @Test
  void readsADockerConfigFileWithoutACluster() {
    var secret =
        PullSecrets.read(
            "config.json",
            PullSecrets.TYPE_DOCKER_CONFIG_JSON,
            java.util.Map.of(
                PullSecrets.KEY_DOCKER_CONFIG_JSON,
                auths("https://user:hunter2@acme.io/", "bad host")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Explanation e =
        Explanation.offline(
            "acme.io/app",
            ImageReference.parse("acme.io/app"),
            "/etc/config.json (read as a config.json)",
            List.of(secret));
    assertThat(ExplainPrinter.print(e, Format.TABLE, Style.plain()))
        .contains("Docker config:   /etc/config.json (read as a config.json)\n")
        .contains(
            "  config.json   used    acme.io; ignores bad host (not a URL the kubelet can parse)\n")
        .contains("  1   config.json   acme.io   host, port and path\n")
        .doesNotContain("hunter2")
        .doesNotContain("user");
  }
}
