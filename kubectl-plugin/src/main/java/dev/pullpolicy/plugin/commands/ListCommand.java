package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.plugin.cli.ExitCode;
import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.print.ListPrinter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubectl pullpolicy list}: every policy with its readiness and counts. */
@Command(
    name = "list",
    aliases = "ls",
    mixinStandardHelpOptions = true,
    description = {
      "List every PullCredentialPolicy: READY, SOURCES, NAMESPACES synced/selected,"
          + " SERVICEACCOUNTS patched/selected, AGE."
    })
public class ListCommand extends ClusterCommand {

  // Policies are cluster-scoped: kubectl get accepts and ignores these for such objects, so do we.
  @Option(
      names = {"-n", "--namespace"},
      hidden = true)
  String namespace;

  @Option(
      names = {"-A", "--all-namespaces"},
      hidden = true)
  boolean allNamespaces;

  @Override
  int execute(ClusterReader reader) {
    var policies = reader.policies();
    if (policies.isEmpty()
        && !dev.pullpolicy.plugin.print.Structured.isStructured(output.format())) {
      err().println("No PullCredentialPolicy found.");
      err().flush();
      return ExitCode.OK;
    }
    print(
        ListPrinter.print(
            policies, Instant.now(), output.format(), output.noHeaders(), output.style()));
    return ExitCode.OK;
  }
}
