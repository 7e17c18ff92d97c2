package dev.pullpolicy.api.kubelet;

/**
 * Go's path/filepath.Match on Linux, which the kubelet applies to each dot-separated label of a
 * registry key's host: {@code *} any run of bytes other than '/', {@code ?} one character, {@code
 * [...]} a character class (with {@code ^} negation and ranges), {@code \} an escape; a malformed
 * pattern matches nothing. Through a URL's host only {@code *} and a bracket that opens an IPv6
 * literal can reach it: {@code ?} starts a query, and {@code \} and a {@code [} after the first
 * byte make the URL invalid.
 */
final class GoGlob {
  private GoGlob() {}

  /** Whether the byte string {@code name} matches {@code pattern}; false for a bad pattern. */
  static boolean matches(String pattern, String name) {
    try {
      return match(pattern, name);
    } catch (BadPattern e) {
      return false;
    }
  }

  private static final class BadPattern extends Exception {
    BadPattern() {
      super(null, null, false, false);
    }
  }

  private static boolean match(String pattern, String name) throws BadPattern {
    outer:
    while (!pattern.isEmpty()) {
      boolean star = false;
      while (!pattern.isEmpty() && pattern.charAt(0) == '*') {
        pattern = pattern.substring(1);
        star = true;
      }
      int cut = chunkEnd(pattern);
      String chunk = pattern.substring(0, cut);
      pattern = pattern.substring(cut);
      if (star && chunk.isEmpty()) {
        return name.indexOf('/') < 0;
      }
      String t = matchChunk(chunk, name);
      if (t != null && (t.isEmpty() || !pattern.isEmpty())) {
        name = t;
        continue;
      }
      if (star) {
        for (int i = 0; i < name.length() && name.charAt(i) != '/'; i++) {
          t = matchChunk(chunk, name.substring(i + 1));
          if (t != null) {
            if (pattern.isEmpty() && !t.isEmpty()) {
              continue;
            }
            name = t;
            continue outer;
          }
        }
      }
      return false;
    }
    return name.isEmpty();
  }

  /** Where the chunk before the next unbracketed '*' ends. */
  private static int chunkEnd(String p) {
    boolean inRange = false;
    for (int i = 0; i < p.length(); i++) {
      switch (p.charAt(i)) {
        case '\\' -> {
          if (i + 1 < p.length()) {
            i++;
          }
        }
        case '[' -> inRange = true;
        case ']' -> inRange = false;
        case '*' -> {
          if (!inRange) {
            return i;
          }
        }
        default -> {}
      }
    }
    return p.length();
  }

  /** Matches a chunk at the start of {@code s}: the rest of {@code s}, or null when no match. */
  private static String matchChunk(String chunk, String s) throws BadPattern {
    boolean failed = false;
    while (!chunk.isEmpty()) {
      failed = failed || s.isEmpty();
      char c = chunk.charAt(0);
      if (c == '[') {
        int r = 0;
        if (!failed) {
          long rs = GoText.decodeRune(s, 0);
          r = GoText.rune(rs);
          s = s.substring(GoText.size(rs));
        }
        chunk = chunk.substring(1);
        boolean negated = false;
        if (!chunk.isEmpty() && chunk.charAt(0) == '^') {
          negated = true;
          chunk = chunk.substring(1);
        }
        boolean match = false;
        int nrange = 0;
        while (true) {
          if (!chunk.isEmpty() && chunk.charAt(0) == ']' && nrange > 0) {
            chunk = chunk.substring(1);
            break;
          }
          long[] lo = escaped(chunk);
          chunk = chunk.substring((int) lo[1]);
          long hi = lo[0];
          if (chunk.charAt(0) == '-') {
            long[] h = escaped(chunk.substring(1));
            hi = h[0];
            chunk = chunk.substring(1 + (int) h[1]);
          }
          match = match || (lo[0] <= r && r <= hi);
          nrange++;
        }
        failed = failed || match == negated;
      } else if (c == '?') {
        if (!failed) {
          failed = s.charAt(0) == '/';
          s = s.substring(GoText.size(GoText.decodeRune(s, 0)));
        }
        chunk = chunk.substring(1);
      } else {
        if (c == '\\') {
          chunk = chunk.substring(1);
          if (chunk.isEmpty()) {
            throw new BadPattern();
          }
        }
        if (!failed) {
          failed = chunk.charAt(0) != s.charAt(0);
          s = s.substring(1);
        }
        chunk = chunk.substring(1);
      }
    }
    return failed ? null : s;
  }

  /** One possibly escaped rune of a class: {rune, bytes consumed}; the rest must not be empty. */
  private static long[] escaped(String chunk) throws BadPattern {
    if (chunk.isEmpty() || chunk.charAt(0) == '-' || chunk.charAt(0) == ']') {
      throw new BadPattern();
    }
    int skip = 0;
    if (chunk.charAt(0) == '\\') {
      skip = 1;
      if (chunk.length() == 1) {
        throw new BadPattern();
      }
    }
    long rs = GoText.decodeRune(chunk, skip);
    int r = GoText.rune(rs);
    int n = GoText.size(rs);
    if (r == GoText.RUNE_ERROR && n == 1) {
      throw new BadPattern();
    }
    if (chunk.length() == skip + n) {
      throw new BadPattern();
    }
    return new long[] {r, skip + n};
  }
}
