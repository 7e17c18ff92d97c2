package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.plugin.cli.ClusterOptions;
import dev.pullpolicy.plugin.cli.OutputOptions;
import dev.pullpolicy.plugin.cli.Trace;
import dev.pullpolicy.plugin.cluster.ClusterReader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that reads a cluster and prints an answer; returns the exit code. */
abstract class ClusterCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;

  @Mixin OutputOptions output;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    Trace.mark("command line parsed");
    try {
      return execute(new ClusterReader(cluster::api));
    } finally {
      cluster.close();
    }
  }

  abstract int execute(ClusterReader reader);

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints text as is and flushes. */
  void print(String text) {
    PrintWriter out = out();
    out.print(text);
    out.flush();
    Trace.mark("printed");
  }
}
