package dev.pullpolicy.plugin.cli;

/** The exit codes scripts can rely on. */
public final class ExitCode {
  /** All is well. */
  public static final int OK = 0;

  /** An error, or an unhealthy answer (a policy that is not Ready, doctor found problems). */
  public static final int UNHEALTHY = 1;

  /** The command line is wrong. */
  public static final int USAGE = 2;

  private ExitCode() {}
}
