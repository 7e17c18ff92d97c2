package dev.pullpolicy.plugin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kubectl pullpolicy}: the root command; it only lists its subcommands. */
@Command(
    name = "kubectl pullpolicy",
    mixinStandardHelpOptions = false,
    description = {
      "Shows what pullpolicy did (PullCredentialPolicy status per namespace) and why Pods cannot"
          + " pull their images."
    },
    usageHelpAutoWidth = true,
    footer = {"", "Use \"kubectl pullpolicy <command> --help\" for more about a command."})
public class PullPolicyCommand implements Runnable {

  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required");
  }
}
