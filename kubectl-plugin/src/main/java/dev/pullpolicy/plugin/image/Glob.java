package dev.pullpolicy.plugin.image;

/**
 * Shell-style glob matching of one name against one pattern, as Go's {@code filepath.Match} does it
 * for a single DNS label: {@code *} any run, {@code ?} one character, {@code [a-z]} and {@code
 * [^a-z]} classes, {@code \} escapes. A malformed pattern matches nothing.
 */
public final class Glob {
  private Glob() {}

  /** Whether {@code name} matches {@code pattern} as a whole. */
  public static boolean matches(String pattern, String name) {
    return match(pattern, 0, name, 0);
  }

  private static boolean match(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      switch (c) {
        case '*' -> {
          for (int k = si; k <= s.length(); k++) {
            if (match(p, pi + 1, s, k)) {
              return true;
            }
          }
          return false;
        }
        case '?' -> {
          if (si >= s.length()) {
            return false;
          }
          pi++;
          si++;
        }
        case '[' -> {
          if (si >= s.length()) {
            return false;
          }
          int end = classEnd(p, pi);
          if (end < 0 || !classMatches(p.substring(pi + 1, end), s.charAt(si))) {
            return false;
          }
          pi = end + 1;
          si++;
        }
        case '\\' -> {
          if (pi + 1 >= p.length() || si >= s.length() || p.charAt(pi + 1) != s.charAt(si)) {
            return false;
          }
          pi += 2;
          si++;
        }
        default -> {
          if (si >= s.length() || c != s.charAt(si)) {
            return false;
          }
          pi++;
          si++;
        }
      }
    }
    return si == s.length();
  }

  private static int classEnd(String p, int open) {
    int i = open + 1;
    if (i < p.length() && p.charAt(i) == '^') {
      i++;
    }
    if (i < p.length() && p.charAt(i) == ']') {
      return -1; // an empty class is malformed for Go
    }
    for (; i < p.length(); i++) {
      if (p.charAt(i) == '\\') {
        i++;
      } else if (p.charAt(i) == ']') {
        return i;
      }
    }
    return -1;
  }

  private static boolean classMatches(String body, char ch) {
    boolean negate = body.startsWith("^");
    int i = negate ? 1 : 0;
    boolean found = false;
    while (i < body.length()) {
      char lo = body.charAt(i);
      if (lo == '\\' && i + 1 < body.length()) {
        lo = body.charAt(++i);
      }
      char hi = lo;
      if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
        hi = body.charAt(i + 2);
        if (hi == '\\' && i + 3 < body.length()) {
          hi = body.charAt(i + 3);
          i++;
        }
        i += 2;
      }
      if (lo <= ch && ch <= hi) {
        found = true;
      }
      i++;
    }
    return found != negate;
  }
}
