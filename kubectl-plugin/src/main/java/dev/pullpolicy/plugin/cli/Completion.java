package dev.pullpolicy.plugin.cli;

import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.transport.ClientConfig;
import dev.pullpolicy.plugin.transport.KubeApi;
import dev.pullpolicy.plugin.transport.Kubeconfig;
import dev.pullpolicy.plugin.transport.Overrides;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Shell completion the way kubectl asks a plugin for it (kubectl 1.26+): kubectl runs {@code
 * kubectl_complete-pullpolicy} with the words typed after {@code kubectl pullpolicy}, the last one
 * being the word to complete, and passes on what it prints: one candidate per line ({@code
 * value<TAB>description}), then {@code :<directive>} (cobra's protocol). Commands and flags come
 * from the command tree; names from where they live: contexts, clusters and users from the
 * kubeconfig, policies and namespaces from the cluster, with the connection flags already typed. A
 * completion never fails: without an answer it offers nothing.
 */
public final class Completion {
  /** cobra's ShellCompDirectiveDefault: the shell may complete file names. */
  static final int FILES = 0;

  /** cobra's ShellCompDirectiveNoFileComp: only the candidates given. */
  static final int NO_FILES = 4;

  /** A short wait by default: a shell waits for the answer. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static final List<String> FILE_OPTIONS =
      List.of(
          "--kubeconfig",
          "--certificate-authority",
          "--client-certificate",
          "--client-key",
          "--dockerconfig");

  private final CommandLine root;
  private final Function<ClusterOptions, KubeApi> api;

  /**
   * Completion over a command tree; {@code api} gives a client for the connection flags typed so
   * far.
   */
  public Completion(CommandLine root, Function<ClusterOptions, KubeApi> api) {
    this.root = root;
    this.api = api;
  }

  /** The candidates for the last word and the directive, as printed. */
  public void complete(List<String> words, PrintWriter out) {
    Result r;
    try {
      r = candidates(words);
    } catch (RuntimeException e) {
      r = new Result(List.of(), NO_FILES);
    }
    for (String c : r.candidates()) {
      out.println(c);
    }
    out.println(":" + r.directive());
    out.flush();
  }

  /** Candidates (each {@code value} or {@code value<TAB>description}) and a directive. */
  record Result(List<String> candidates, int directive) {}

  Result candidates(List<String> words) {
    List<String> typed = words.isEmpty() ? List.of() : words.subList(0, words.size() - 1);
    String word = words.isEmpty() ? "" : words.get(words.size() - 1);

    CommandLine command = root;
    List<String> commandArgs = new ArrayList<>();
    OptionSpec pending = null;
    int positionals = 0;
    boolean onlyPositionals = false;
    for (String w : typed) {
      if (pending != null) {
        commandArgs.add(w);
        pending = null;
        continue;
      }
      if (!onlyPositionals && w.equals("--")) {
        onlyPositionals = true;
        continue;
      }
      if (!onlyPositionals && w.startsWith("-") && w.length() > 1) {
        String name = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
        OptionSpec option = command.getCommandSpec().findOption(name);
        commandArgs.add(w);
        if (option != null && !w.contains("=") && takesValue(option)) {
          pending = option;
        }
        continue;
      }
      if (command == root && root.getSubcommands().containsKey(w)) {
        command = root.getSubcommands().get(w);
        continue;
      }
      commandArgs.add(w);
      positionals++;
    }

    if (pending != null) {
      return values(pending, command, commandArgs, word);
    }
    if (!onlyPositionals && word.startsWith("-")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        OptionSpec option = command.getCommandSpec().findOption(word.substring(0, eq));
        if (option == null) {
          return new Result(List.of(), NO_FILES);
        }
        Result values = values(option, command, commandArgs, word.substring(eq + 1));
        List<String> prefixed = new ArrayList<>();
        values.candidates().forEach(c -> prefixed.add(word.substring(0, eq + 1) + c));
        return new Result(prefixed, values.directive());
      }
      return new Result(options(command.getCommandSpec(), word), NO_FILES);
    }
    if (command == root) {
      return new Result(subcommands(word), NO_FILES);
    }
    return positional(command, commandArgs, positionals, word);
  }

  private static boolean takesValue(OptionSpec option) {
    return option.arity().min() > 0;
  }

  private List<String> subcommands(String prefix) {
    List<String> out = new ArrayList<>();
    root.getSubcommands()
        .forEach(
            (name, sub) -> {
              CommandSpec spec = sub.getCommandSpec();
              if (name.startsWith(prefix)
                  && !spec.usageMessage().hidden()
                  && spec.name().equals(name)) {
                out.add(withDescription(name, spec.usageMessage().description()));
              }
            });
    return out;
  }

  private static List<String> options(CommandSpec spec, String prefix) {
    List<String> out = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      for (String name : o.names()) {
        if (name.startsWith(prefix) && (name.startsWith("--") || prefix.length() <= 2)) {
          out.add(withDescription(name, o.description()));
        }
      }
    }
    return out;
  }

  private Result values(OptionSpec option, CommandLine command, List<String> typed, String prefix) {
    String name = option.longestName();
    if (FILE_OPTIONS.contains(name)) {
      return new Result(List.of(), FILES);
    }
    List<String> names =
        switch (name) {
          case "--context" -> kubeconfigNames(command, typed, Kubeconfig::contexts);
          case "--cluster" -> kubeconfigNames(command, typed, Kubeconfig::clusters);
          case "--user" -> kubeconfigNames(command, typed, Kubeconfig::users);
          case "--namespace" -> fromCluster(command, typed, ClusterReader::namespaceNames);
          default -> {
            List<String> fixed = new ArrayList<>();
            if (option.completionCandidates() != null) {
              option.completionCandidates().forEach(fixed::add);
            }
            yield fixed;
          }
        };
    return new Result(startingWith(names, prefix), NO_FILES);
  }

  private Result positional(CommandLine command, List<String> typed, int index, String word) {
    String name = command.getCommandName();
    List<String> names =
        switch (name) {
          case "status" ->
              index == 0 ? fromCluster(command, typed, ClusterReader::policyNames) : List.of();
          case "completion" -> index == 0 ? List.of("bash", "zsh") : List.of();
          case "help" -> index == 0 ? new ArrayList<>(root.getSubcommands().keySet()) : List.of();
          default -> List.of();
        };
    return new Result(startingWith(names, word), NO_FILES);
  }

  /** The connection flags typed so far, read by the command's own options. */
  private static ClusterOptions connection(CommandLine command, List<String> typed) {
    CommandLine parser = new CommandLine(freshInstance(command));
    parser.setUnmatchedArgumentsAllowed(true);
    parser.setCaseInsensitiveEnumValuesAllowed(true);
    try {
      parser.parseArgs(typed.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      // what could be read was read
    }
    if (parser.getMixins().get("cluster") instanceof ClusterOptions options) {
      return options;
    }
    return new ClusterOptions();
  }

  private static Object freshInstance(CommandLine command) {
    try {
      return command.getCommand().getClass().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> kubeconfigNames(
      CommandLine command,
      List<String> typed,
      Function<Kubeconfig, Map<String, Kubeconfig.Entry>> names) {
    Overrides overrides = connection(command, typed).overrides();
    Kubeconfig kc = ClientConfig.kubeconfig(overrides, ClientConfig.Environment.system());
    return new ArrayList<>(names.apply(kc).keySet());
  }

  private List<String> fromCluster(
      CommandLine command, List<String> typed, Function<ClusterReader, List<String>> read) {
    ClusterOptions options = connection(command, typed);
    return read.apply(new ClusterReader(() -> api.apply(options)));
  }

  /** The default client for completion: the typed connection, a short timeout by default. */
  public static KubeApi defaultApi(ClusterOptions options) {
    Overrides o = options.overrides();
    ClientConfig config = ClientConfig.load(o, ClientConfig.Environment.system());
    if (config.timeout().isZero()) {
      config =
          new ClientConfig(
              config.context(),
              config.cluster(),
              config.user(),
              config.server(),
              config.namespace(),
              config.trust(),
              config.credentials(),
              config.impersonation(),
              config.proxyUrl(),
              config.disableCompression(),
              TIMEOUT);
    }
    return KubeApi.of(config);
  }

  private static List<String> startingWith(List<String> names, String prefix) {
    return names.stream().filter(n -> n.startsWith(prefix)).sorted().toList();
  }

  private static String withDescription(String value, String[] description) {
    if (description == null || description.length == 0) {
      return value;
    }
    String first = description[0].replaceAll("\\$\\{[^}]*}", "").strip();
    for (String end : List.of(". ", ": ")) {
      int stop = first.indexOf(end);
      if (stop > 0) {
        first = first.substring(0, stop);
      }
    }
    if (first.endsWith(".")) {
      first = first.substring(0, first.length() - 1);
    }
    return first.isEmpty() ? value : value + "\t" + first;
  }
}
