package dev.pullpolicy.plugin.cli;

/** Terminal styling; a no-op when colour is off. */
public final class Style {
  private static final Style PLAIN = new Style(false);
  private static final Style COLOUR = new Style(true);

  private final boolean enabled;

  private Style(boolean enabled) {
    this.enabled = enabled;
  }

  public static Style of(boolean colour) {
    return colour ? COLOUR : PLAIN;
  }

  public static Style plain() {
    return PLAIN;
  }

  public boolean enabled() {
    return enabled;
  }

  public String good(String s) {
    return wrap("32", s);
  }

  public String bad(String s) {
    return wrap("31", s);
  }

  public String warn(String s) {
    return wrap("33", s);
  }

  public String bold(String s) {
    return wrap("1", s);
  }

  public String dim(String s) {
    return wrap("2", s);
  }

  private String wrap(String code, String s) {
    return enabled ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }

  /** Whether stdout is a terminal and NO_COLOR is unset. */
  static boolean terminalWantsColour() {
    String noColor = System.getenv("NO_COLOR");
    if (noColor != null && !noColor.isEmpty()) {
      return false;
    }
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    if (Runtime.version().feature() >= 22) {
      try {
        return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
      } catch (ReflectiveOperationException e) {
        return false;
      }
    }
    return true;
  }
}
