package dev.pullpolicy.plugin;

import dev.pullpolicy.plugin.cli.Completion;
import dev.pullpolicy.plugin.cli.ErrorHandler;
import dev.pullpolicy.plugin.cli.Prefetch;
import dev.pullpolicy.plugin.cli.Trace;
import dev.pullpolicy.plugin.commands.CompletionCommand;
import dev.pullpolicy.plugin.commands.CreateCommand;
import dev.pullpolicy.plugin.commands.DoctorCommand;
import dev.pullpolicy.plugin.commands.ExplainCommand;
import dev.pullpolicy.plugin.commands.ListCommand;
import dev.pullpolicy.plugin.commands.StatusCommand;
import dev.pullpolicy.plugin.commands.VersionCommand;
import dev.pullpolicy.plugin.transport.Warmup;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of {@code kubectl-pullpolicy}. */
public final class Main {
  private Main() {}

  /** The subcommands, by name. */
  private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("list", ListCommand.class);
    COMMANDS.put("status", StatusCommand.class);
    COMMANDS.put("doctor", DoctorCommand.class);
    COMMANDS.put("explain", ExplainCommand.class);
    COMMANDS.put("create", CreateCommand.class);
    COMMANDS.put("version", VersionCommand.class);
    COMMANDS.put("completion", CompletionCommand.class);
  }

  public static void main(String[] args) {
    // picocli looks for Groovy closures in every annotation unless told there are none.
    Trace.mark("main");
    System.setProperty("picocli.disable.closures", "true");
    String first = args.length > 0 ? ("ls".equals(args[0]) ? "list" : args[0]) : "";
    boolean prefetching = Prefetch.start(args);
    Warmup.start(first, !prefetching, PullPolicyCommand.class, COMMANDS.get(first));
    int code = run(args);
    Trace.print();
    System.exit(code);
  }

  /** Runs one command line and returns its exit code. */
  public static int run(String... args) {
    if (args.length > 0 && args[0].equals(COMPLETE)) {
      PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
      new Completion(commandLine(), Completion::defaultApi)
          .complete(List.of(args).subList(1, args.length), out);
      return 0;
    }
    CommandLine cmd = commandLine(args);
    Trace.mark("command model");
    return cmd.execute(args);
  }

  /**
   * The first argument with which kubectl's plugin completion ({@code kubectl_complete-pullpolicy})
   * asks for candidates: not a command users type.
   */
  public static final String COMPLETE = "__complete";

  /** The whole command tree with the error handling wired in. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command tree for these arguments. Building picocli's model of a command costs start-up
   * time, so when the first argument names a command only that one is built; help, completion and
   * unknown commands get the whole tree.
   */
  public static CommandLine commandLine(String[] args) {
    CommandLine cmd = new CommandLine(new PullPolicyCommand());
    String first = args.length > 0 ? ("ls".equals(args[0]) ? "list" : args[0]) : null;
    boolean justOne = first != null && COMMANDS.containsKey(first) && !first.equals("completion");
    COMMANDS.forEach(
        (name, command) -> {
          if (!justOne || name.equals(first)) {
            cmd.addSubcommand(name, instance(command));
          }
        });
    if (!justOne) {
      cmd.addSubcommand("help", new CommandLine.HelpCommand());
    }
    ErrorHandler handler = new ErrorHandler();
    cmd.setExecutionExceptionHandler(handler);
    cmd.setParameterExceptionHandler(handler);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    return cmd;
  }

  private static Object instance(Class<?> command) {
    try {
      return command.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
