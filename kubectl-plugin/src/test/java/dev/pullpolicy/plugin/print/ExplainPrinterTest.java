package dev.pullpolicy.plugin.print;

import static dev.pullpolicy.plugin.Fixtures.auths;
import static dev.pullpolicy.plugin.Fixtures.pullSecret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.cluster.PullSecret;
import dev.pullpolicy.plugin.diagnose.Explanation;
import dev.pullpolicy.plugin.image.ImageReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplainPrinterTest {

  @Test
  void showsTheReferenceThePolicyAndTheCredentialsInOrder() {
    var secrets =
        List.of(
            PullSecret.of(pullSecret("team", "hub", auths("https://index.docker.io/v1/"), null)),
            PullSecret.missing("gone"));
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
              hub      ok        https://index.docker.io/v1/
              gone     missing   not found

            The kubelet would try, in this order:
              #   SECRET   KEY                           MATCHED
              1   hub      https://index.docker.io/v1/   Docker Hub fallback (index.docker.io)
            """);
  }

  @Test
  void saysWhenNoCredentialMatches() {
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
        .endsWith(
            "The kubelet would try no credential: no key matches ghcr.io/org/app, so it pulls"
                + " anonymously.\n");
  }
}
