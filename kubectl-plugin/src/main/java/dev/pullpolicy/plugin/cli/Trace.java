package dev.pullpolicy.plugin.cli;

/**
 * Start-up markers for measuring where a command's time goes: with {@code PULLPOLICY_TRACE} set in
 * the environment, each {@link #mark} is kept (wall-clock time since the epoch in microseconds, the
 * thread, a label) and {@link #print} writes them to stderr at exit, so that a caller who noted the
 * time before starting the process can tell JVM start from the plugin's own steps. Without the
 * variable a mark costs one field read. Never prints what a request or answer holds.
 */
public final class Trace {
  private Trace() {}

  private static final boolean ON = System.getenv("PULLPOLICY_TRACE") != null;
  private static final StringBuilder MARKS = ON ? new StringBuilder() : null;

  public static boolean on() {
    return ON;
  }

  /** Notes that a step ends now. */
  public static void mark(String label) {
    if (ON) {
      java.time.Instant now = java.time.Instant.now();
      long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
      synchronized (MARKS) {
        MARKS
            .append("trace ")
            .append(micros)
            .append(' ')
            .append(Thread.currentThread().getName())
            .append(' ')
            .append(label)
            .append('\n');
      }
    }
  }

  /** Writes the marks to stderr (the command's output is done by then). */
  public static void print() {
    if (ON) {
      mark("exit");
      synchronized (MARKS) {
        System.err.print(MARKS);
        System.err.flush();
      }
    }
  }
}
