package dev.pullpolicy.plugin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.commands.ListCommand;
import dev.pullpolicy.plugin.commands.StatusCommand;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * When {@code list} and {@code status} may send their first request before the command line is
 * parsed: never when a flag could change the connection (the prefetch would go elsewhere than the
 * command), and the parsed flags agree.
 */
class PrefetchTest {

  /** kubectl's connection flags as the command model has them (ClusterOptions' flag group). */
  private static List<OptionSpec> connectionFlags() {
    List<OptionSpec> flags = new ArrayList<>();
    for (OptionSpec o : new CommandLine(new StatusCommand()).getCommandSpec().options()) {
      if (o.group() != null) {
        flags.add(o);
      }
    }
    assertThat(flags).hasSizeGreaterThan(15);
    return flags;
  }

  @Test
  void everyConnectionFlagInEveryFormStopsThePrefetch() {
    for (OptionSpec o : connectionFlags()) {
      for (String name : o.names()) {
        assertThat(Prefetch.mayStart("list", name)).as(name).isFalse();
        assertThat(Prefetch.mayStart("status", "acme", name, "x")).as(name).isFalse();
        assertThat(Prefetch.mayStart("ls", name + "=x")).as(name).isFalse();
        if (!name.startsWith("--")) {
          // a short flag with its value attached, or clustered after another short option
          assertThat(Prefetch.mayStart("list", name + "x")).as(name).isFalse();
          assertThat(Prefetch.mayStart("status", "-A" + name.substring(1))).as(name).isFalse();
        }
      }
    }
  }

  @Test
  void helpStopsThePrefetch() {
    assertThat(Prefetch.mayStart("list", "--help")).isFalse();
    assertThat(Prefetch.mayStart("status", "-h")).isFalse();
  }

  @Test
  void listAndStatusWithOutputAndNamespaceFlagsArePrefetched() {
    assertThat(Prefetch.mayStart("list")).isTrue();
    assertThat(Prefetch.mayStart("ls", "-o", "wide", "--no-headers")).isTrue();
    assertThat(Prefetch.mayStart("status", "acme", "-n", "default", "-o", "json")).isTrue();
    assertThat(Prefetch.mayStart("status", "-A", "--no-color")).isTrue();
  }

  @Test
  void otherCommandsAreNotPrefetched() {
    assertThat(Prefetch.mayStart()).isFalse();
    for (String command : List.of("doctor", "explain", "create", "version", "completion")) {
      assertThat(Prefetch.mayStart(command)).as(command).isFalse();
    }
  }

  @Test
  void theParsedFlagsSayWhetherTheConnectionIsTheKubeconfigsAlone() {
    assertThat(clusterOptions("list", "-o", "wide").overrides().noneGiven()).isTrue();
    for (OptionSpec o : connectionFlags()) {
      String name = o.longestName();
      if (name.equals("--cache-dir")) {
        continue; // accepted and ignored, as kubectl's discovery cache is not kept
      }
      String value =
          switch (name) {
            case "--request-timeout" -> "=5s";
            case "--as-user-extra" -> "=k=v";
            default -> o.arity().max() == 0 || o.type() == boolean.class ? "" : "=x";
          };
      assertThat(clusterOptions("list", name + value).overrides().noneGiven())
          .as(name + value)
          .isFalse();
    }
  }

  private static ClusterOptions clusterOptions(String... args) {
    CommandLine cl = new CommandLine(new ListCommand());
    cl.parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
    return (ClusterOptions) cl.getCommandSpec().mixins().get("cluster").userObject();
  }
}
