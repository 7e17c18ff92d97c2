package dev.pullpolicy.plugin.cli;

/**
 * The exit codes scripts can rely on, as {@code kubectl diff} has them: 0 all is well, 1 the answer
 * is "a problem was found", above 1 the command could not give an answer.
 */
public final class ExitCode {
  /** All is well: every policy shown is Ready, doctor found nothing. */
  public static final int OK = 0;

  /** The command ran and found a problem: a policy shown is not Ready, doctor found a cause. */
  public static final int PROBLEM_FOUND = 1;

  /** The command line or its input is wrong (nothing was asked of the cluster). */
  public static final int USAGE = 2;

  /**
   * The command could not run: no kubeconfig, the API server unreachable or refusing, the object
   * asked about not there, the CRD not installed.
   */
  public static final int ERROR = 3;

  /**
   * Formerly "an error or an unhealthy answer"; errors now have their own code. Kept for callers
   * not yet moved (they raise errors), to be replaced by {@link #ERROR}.
   */
  @Deprecated public static final int UNHEALTHY = ERROR;

  private ExitCode() {}
}
