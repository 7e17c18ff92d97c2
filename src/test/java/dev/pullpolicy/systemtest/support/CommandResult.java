package dev.pullpolicy.systemtest.support;

/** What a command printed and how it exited. */
public record CommandResult(int exitCode, String stdout, String stderr) {

  /** The last non-empty line of stdout (scripts print their answer there). */
  public String lastLine() {
    String[] lines = stdout.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  /** Both streams, for assertion messages. */
  public String describe() {
    return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
  }
}
