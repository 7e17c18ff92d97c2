package dev.pullpolicy.api.selection;

import java.util.List;

/**
 * Namespace name globs of {@code namespaces.include} and {@code namespaces.exclude}: {@code *} any
 * run of characters (also none), {@code ?} exactly one character, every other character literal (no
 * classes, no escapes: the schema allows only {@code a-z 0-9 - . * ?}). The whole name must match.
 */
public final class NameGlobs {
  private NameGlobs() {}

  /**
   * True when the glob matches the whole name. No regular expression and no allocation: a linear
   * scan that backtracks to the last {@code *} only.
   */
  public static boolean matches(String glob, String name) {
    int g = 0;
    int n = 0;
    int star = -1; // position in glob just after the last '*' seen
    int mark = 0; // position in name where that '*' started matching
    int gl = glob.length();
    int nl = name.length();
    while (n < nl) {
      if (g < gl) {
        char c = glob.charAt(g);
        if (c == '*') {
          star = ++g;
          mark = n;
          continue;
        }
        if (c == '?' || c == name.charAt(n)) {
          g++;
          n++;
          continue;
        }
      }
      if (star < 0) {
        return false;
      }
      g = star; // let the last '*' take one more character
      n = ++mark;
    }
    while (g < gl && glob.charAt(g) == '*') {
      g++;
    }
    return g == gl;
  }

  /** True when any of the globs matches the name; false for an empty list. */
  public static boolean anyMatches(List<String> globs, String name) {
    for (int i = 0, size = globs.size(); i < size; i++) {
      if (matches(globs.get(i), name)) {
        return true;
      }
    }
    return false;
  }
}
