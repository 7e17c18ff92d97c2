package dev.pullpolicy.plugin.print;

import static dev.pullpolicy.plugin.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListPrinterTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:05:00Z");

  @Test
  void printsABorderlessTableLikeKubectl() {
    String out =
        ListPrinter.print(
            List.of(policy("acme", "True", 12, 12), policy("other-registry", "False", 3, 5)),
            NOW,
            Format.TABLE,
            false,
            Style.plain());
    assertThat(out)
        .isEqualTo(
            """
            NAME             READY   SOURCES                                  NAMESPACES   SERVICEACCOUNTS   AGE
            acme             True    pullpolicy-system/acme-creds             12/12        12/12             125m
            other-registry   False   pullpolicy-system/other-registry-creds   3/5          3/5               125m
            """);
  }

  @Test
  void wideAddsSecretRegistriesAndReason() {
    String out =
        ListPrinter.print(
            List.of(policy("acme", "True", 1, 1)), NOW, Format.WIDE, true, Style.plain());
    assertThat(out)
        .isEqualTo(
            "acme   True   pullpolicy-system/acme-creds   1/1   1/1   125m   acme  "
                + " registry.acme.io   AllSynced\n");
  }

  @Test
  void showsUnknownBeforeTheOperatorWroteAStatus() {
    var p = policy("fresh", null, 0, 0);
    p.setStatus(null);
    String out = ListPrinter.print(List.of(p), NOW, Format.TABLE, true, Style.plain());
    assertThat(out).isEqualTo("fresh   Unknown   pullpolicy-system/fresh-creds   -   -   125m\n");
  }

  @Test
  void coloursReadinessOnlyWhenAsked() {
    String out =
        ListPrinter.print(
            List.of(policy("acme", "True", 1, 1)), NOW, Format.TABLE, true, Style.of(true));
    assertThat(out).contains("\u001b[32mTrue\u001b[0m");
    assertThat(out.replaceAll("\u001b\\[[0-9;]*m", ""))
        .isEqualTo("acme   True   pullpolicy-system/acme-creds   1/1   1/1   125m\n");
  }

  @Test
  void printsAListObjectAsYaml() {
    String out =
        ListPrinter.print(
            List.of(policy("acme", "True", 1, 1)), NOW, Format.YAML, false, Style.plain());
    assertThat(out)
        .startsWith(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: pullpolicy.dev/v1alpha1\n"
                + "  kind: PullCredentialPolicy\n  metadata:\n")
        .contains("  spec:\n    sources:\n    - namespace: pullpolicy-system\n");
  }

  @Test
  void agesFollowKubectl() {
    assertThat(Ages.human(java.time.Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Ages.human(java.time.Duration.ofSeconds(330))).isEqualTo("5m30s");
    assertThat(Ages.human(java.time.Duration.ofMinutes(125))).isEqualTo("125m");
    assertThat(Ages.human(java.time.Duration.ofMinutes(200))).isEqualTo("3h20m");
    assertThat(Ages.human(java.time.Duration.ofHours(30))).isEqualTo("30h");
    assertThat(Ages.human(java.time.Duration.ofHours(52))).isEqualTo("2d4h");
    assertThat(Ages.human(java.time.Duration.ofDays(400))).isEqualTo("400d");
    assertThat(Ages.human(java.time.Duration.ofDays(800))).isEqualTo("2y70d");
  }
}
