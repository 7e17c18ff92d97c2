package dev.pullpolicy.systemtest.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Completion through kubectl's own plugin completion ({@code kubectl __complete pullpolicy ...},
 * which runs {@code kubectl_complete-pullpolicy} found beside the plugin on PATH), as a shell's
 * completion script asks for it.
 */
@SystemTest
class PluginCompletionIT {

  private static List<String> candidates(CommandResult r) {
    return r.stdout().lines().filter(l -> !l.startsWith(":")).map(l -> l.split("\t")[0]).toList();
  }

  private static String directive(CommandResult r) {
    return r.stdout().lines().filter(l -> l.startsWith(":")).findFirst().orElse("(none)");
  }

  @Test
  void kubectlCompletesThePluginsCommandsAndFlags(TestCluster cluster) {
    CommandResult commands = cluster.kubectl("__complete", "pullpolicy", "");
    assertThat(commands.exitCode()).as(commands.describe()).isZero();
    assertThat(candidates(commands))
        .contains("list", "status", "doctor", "explain", "create", "version");
    assertThat(directive(commands)).isEqualTo(":4");

    CommandResult flags = cluster.kubectl("__complete", "pullpolicy", "status", "--as");
    assertThat(candidates(flags)).contains("--as", "--as-group", "--as-uid");
  }

  @Test
  void kubectlCompletesNamesFromTheClusterAndTheKubeconfig(
      TestCluster cluster, KubernetesClient client) {
    String ns = cluster.newNamespace("pp-complete");
    String name = cluster.uniqueName("pp-complete");
    PullCredentialPolicy p = new PullCredentialPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    spec.setSources(List.of(new SecretReference(ns, "creds")));
    p.setSpec(spec);
    p.setStatus(null);
    client.resources(PullCredentialPolicy.class).resource(p).create();
    try {
      CommandResult policies =
          cluster.kubectl("__complete", "pullpolicy", "status", name.substring(0, 12));
      assertThat(candidates(policies)).as(policies.describe()).contains(name);

      CommandResult namespaces =
          cluster.kubectl("__complete", "pullpolicy", "doctor", "-n", ns.substring(0, 12));
      assertThat(candidates(namespaces)).as(namespaces.describe()).contains(ns);

      CommandResult contexts = cluster.kubectl("__complete", "pullpolicy", "list", "--context", "");
      assertThat(candidates(contexts)).as(contexts.describe()).isNotEmpty();
      assertThat(directive(contexts)).isEqualTo(":4");

      // with the flags typed so far: a user who may not list policies is offered none
      CommandResult refused =
          cluster.kubectl(
              "__complete", "pullpolicy", "status", "--as", cluster.uniqueName("nobody"), "");
      assertThat(refused.exitCode()).as(refused.describe()).isZero();
      assertThat(candidates(refused)).isEmpty();
    } finally {
      client.resources(PullCredentialPolicy.class).withName(name).delete();
    }
  }
}
