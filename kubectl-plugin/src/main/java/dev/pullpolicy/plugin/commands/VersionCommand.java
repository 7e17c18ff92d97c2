package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.plugin.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubectl pullpolicy version}: the plugin's version; needs no cluster. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the plugin's version and the Java runtime it runs on.")
public class VersionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** The plugin's version, from the build. */
  public static String version() {
    Properties p = new Properties();
    try (InputStream in =
        VersionCommand.class.getResourceAsStream("/dev/pullpolicy/plugin/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // no version file: report unknown
    }
    return p.getProperty("version", "unknown");
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("kubectl-pullpolicy version: v" + version());
    out.println("API: pullpolicy.dev/v1alpha1");
    out.println("Java: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
    out.flush();
    return ExitCode.OK;
  }
}
