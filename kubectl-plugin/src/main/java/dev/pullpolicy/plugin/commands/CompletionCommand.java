package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.plugin.cli.ExitCode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl pullpolicy completion bash|zsh}: a shell completion script. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a completion script for bash or zsh for the kubectl-pullpolicy command.",
      "bash: source <(kubectl pullpolicy completion bash)",
      "zsh:  autoload -U +X bashcompinit && bashcompinit; source <(kubectl pullpolicy completion"
          + " zsh)"
    })
public class CompletionCommand implements Callable<Integer> {

  /** The shells with a completion script. */
  public enum Shell {
    bash,
    zsh
  }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine root = spec.commandLine();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    String script = AutoComplete.bash("kubectl-pullpolicy", root);
    PrintWriter out = spec.commandLine().getOut();
    out.print(script);
    out.flush();
    return ExitCode.OK;
  }
}
