package dev.pullpolicy.plugin.cli;

/**
 * An error with a one-line message for users and the exit code it maps to: {@link ExitCode#ERROR}
 * unless said otherwise ({@link #usage} for a wrong command line).
 */
public class PluginException extends RuntimeException {
  private final int exitCode;

  public PluginException(String message) {
    this(message, ExitCode.ERROR, null);
  }

  public PluginException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public static PluginException usage(String message) {
    return new PluginException(message, ExitCode.USAGE, null);
  }

  public int exitCode() {
    return exitCode;
  }
}
