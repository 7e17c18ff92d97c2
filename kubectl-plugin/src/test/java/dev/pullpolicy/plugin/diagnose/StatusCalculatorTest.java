package dev.pullpolicy.plugin.diagnose;

import static dev.pullpolicy.plugin.Fixtures.auths;
import static dev.pullpolicy.plugin.Fixtures.namespace;
import static dev.pullpolicy.plugin.Fixtures.policy;
import static dev.pullpolicy.plugin.Fixtures.pullSecret;
import static dev.pullpolicy.plugin.Fixtures.serviceAccount;
import static dev.pullpolicy.plugin.Fixtures.withFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.print.StatusPrinter;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusCalculatorTest {

  private static final Map<String, String> OURS =
      Map.of("pullpolicy.dev/policy", "acme", "app.kubernetes.io/managed-by", "pullpolicy");

  @Test
  void tellsEveryCopyStateApart() {
    var policy = withFailure(policy("acme", "False", 1, 5), "team-c", "Conflict");
    NamespaceSelection sel = new NamespaceSelection();
    sel.setInclude(List.of("team-*"));
    policy.getSpec().setNamespaces(sel);
    Namespace terminating =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("team-f")
            .endMetadata()
            .withNewStatus()
            .withPhase("Terminating")
            .endStatus()
            .build();
    List<Namespace> namespaces =
        List.of(
            namespace("other"),
            namespace("team-a"),
            namespace("team-b"),
            namespace("team-c"),
            namespace("team-d"),
            namespace("team-e", Map.of("pullpolicy.dev/ignore", "true")),
            terminating);
    Secret source = pullSecret("pullpolicy-system", "acme-creds", auths("registry.acme.io"), null);
    Map<String, Secret> copies = new HashMap<>();
    copies.put("team-a", pullSecret("team-a", "acme", auths("registry.acme.io"), OURS));
    copies.put("team-b", pullSecret("team-b", "acme", auths("old.acme.io"), OURS));
    copies.put("team-c", pullSecret("team-c", "acme", auths("registry.acme.io"), Map.of()));
    var sas =
        Map.of(
            "team-a", List.of(serviceAccount("team-a", "default", "acme")),
            "team-b", List.of(serviceAccount("team-b", "default"), serviceAccount("team-b", "ci")),
            "team-d", List.of(serviceAccount("team-d", "default", "other", "acme")));

    PolicyStatus status =
        StatusCalculator.compute(
            policy, namespaces, Optional.of(copies), Optional.of(List.of(source)), sas);

    String out = StatusPrinter.print(List.of(status), Format.TABLE, false, Style.plain());
    assertThat(out)
        .isEqualTo(
            """
            Policy:      acme
            Ready:       False (NamespacesFailed)
            Sources:     pullpolicy-system/acme-creds
            Secret:      acme
            Registries:  registry.acme.io

            NAMESPACE   COPY          SERVICEACCOUNTS   ERROR
            team-a      Synced        1/1
            team-b      Stale         0/1
            team-c      Conflict      0/0               Conflict: a Secret acme exists
            team-d      Missing       1/1
            team-e      Ignored       -
            team-f      Terminating   -
            """);
    assertThat(status.isReady()).isFalse();
  }

  @Test
  void saysSoWhenSecretsMayNotBeRead() {
    var policy = policy("acme", "True", 1, 1);
    PolicyStatus status =
        StatusCalculator.compute(
            policy, List.of(namespace("team-a")), Optional.empty(), Optional.empty(), Map.of());
    String out = StatusPrinter.print(List.of(status), Format.TABLE, true, Style.plain());
    assertThat(out)
        .contains("Note:        Secrets may not be read with these credentials")
        .endsWith("team-a   Unknown   0/0\n");
  }

  @Test
  void neverPrintsSecretData() {
    var policy = policy("acme", "True", 1, 1);
    Secret source = pullSecret("pullpolicy-system", "acme-creds", auths("registry.acme.io"), null);
    var copies = Map.of("team-a", pullSecret("team-a", "acme", auths("registry.acme.io"), OURS));
    PolicyStatus status =
        StatusCalculator.compute(
            policy,
            List.of(namespace("team-a")),
            Optional.of(copies),
            Optional.of(List.of(source)),
            Map.of());
    for (Format f : Format.values()) {
      String out = StatusPrinter.print(List.of(status), f, false, Style.plain());
      assertThat(out).doesNotContain("secret-password").doesNotContain("dXNlcjpzZWNyZXQ");
    }
  }
}
