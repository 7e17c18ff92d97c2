package dev.pullpolicy.plugin;

import dev.pullpolicy.plugin.cli.ErrorHandler;
import picocli.CommandLine;

/** Entry point of {@code kubectl-pullpolicy}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command tree with the error handling wired in. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new PullPolicyCommand());
    ErrorHandler handler = new ErrorHandler();
    cmd.setExecutionExceptionHandler(handler);
    cmd.setParameterExceptionHandler(handler);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    return cmd;
  }
}
