package dev.pullpolicy.api.kubelet;

import java.nio.charset.StandardCharsets;

/**
 * Go strings in Java. The kubelet works on Go strings, which are byte sequences: a registry key can
 * hold bytes that are not UTF-8 (a percent-escape decodes to any byte), and text is compared,
 * sorted and matched byte by byte. Here such a string is a "byte string": a Java {@code String}
 * with one char (0..255) per byte, so that comparisons and indexes are Go's.
 */
final class GoText {
  private GoText() {}

  static final int RUNE_ERROR = 0xFFFD;

  /** The byte string of {@code bytes}. */
  static String bytes(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** The bytes of a byte string. */
  static byte[] toBytes(String byteString) {
    return byteString.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The byte string of a Java string's UTF-8 encoding. */
  static String utf8(String text) {
    return bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A byte string as text: UTF-8 decoded the way Go ranges over a string, each byte that does not
   * start a valid sequence becoming U+FFFD (so Go's JSON output of the same string reads equal).
   */
  static String text(String byteString) {
    StringBuilder out = new StringBuilder(byteString.length());
    int i = 0;
    while (i < byteString.length()) {
      long rs = decodeRune(byteString, i);
      out.appendCodePoint(rune(rs));
      i += size(rs);
    }
    return out.toString();
  }

  /** Packs a rune and its size, as Go's utf8.DecodeRuneInString returns them. */
  static long decodeRune(String s, int i) {
    int n = s.length() - i;
    if (n <= 0) {
      return pack(RUNE_ERROR, 0);
    }
    int b0 = s.charAt(i);
    if (b0 < 0x80) {
      return pack(b0, 1);
    }
    int need;
    int min;
    int lo = 0x80;
    int hi = 0xBF;
    int r;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
      min = 0x80;
      r = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      min = 0x800;
      r = b0 & 0x0F;
      if (b0 == 0xE0) {
        lo = 0xA0;
      } else if (b0 == 0xED) {
        hi = 0x9F; // no surrogates
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      min = 0x10000;
      r = b0 & 0x07;
      if (b0 == 0xF0) {
        lo = 0x90;
      } else if (b0 == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return pack(RUNE_ERROR, 1);
    }
    if (n < need + 1) {
      return pack(RUNE_ERROR, 1);
    }
    for (int k = 1; k <= need; k++) {
      int b = s.charAt(i + k);
      int l = k == 1 ? lo : 0x80;
      int h = k == 1 ? hi : 0xBF;
      if (b < l || b > h) {
        return pack(RUNE_ERROR, 1);
      }
      r = (r << 6) | (b & 0x3F);
    }
    return r < min ? pack(RUNE_ERROR, 1) : pack(r, need + 1);
  }

  static int rune(long packed) {
    return (int) (packed >>> 8);
  }

  static int size(long packed) {
    return (int) (packed & 0xFF);
  }

  private static long pack(int rune, int size) {
    return ((long) rune << 8) | size;
  }

  /** Appends the UTF-8 encoding of a rune to a byte string builder (as Go's utf8.AppendRune). */
  static void appendRune(StringBuilder out, int r) {
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) {
      r = RUNE_ERROR;
    }
    if (r < 0x80) {
      out.append((char) r);
    } else if (r < 0x800) {
      out.append((char) (0xC0 | (r >> 6))).append((char) (0x80 | (r & 0x3F)));
    } else if (r < 0x10000) {
      out.append((char) (0xE0 | (r >> 12)))
          .append((char) (0x80 | ((r >> 6) & 0x3F)))
          .append((char) (0x80 | (r & 0x3F)));
    } else {
      out.append((char) (0xF0 | (r >> 18)))
          .append((char) (0x80 | ((r >> 12) & 0x3F)))
          .append((char) (0x80 | ((r >> 6) & 0x3F)))
          .append((char) (0x80 | (r & 0x3F)));
    }
  }

  /** Go's unicode.IsSpace. */
  static boolean isSpace(int r) {
    return switch (r) {
      case '\t',
          '\n',
          0x0B,
          '\f',
          '\r',
          ' ',
          0x85,
          0xA0,
          0x1680,
          0x2028,
          0x2029,
          0x202F,
          0x205F,
          0x3000 ->
          true;
      default -> r >= 0x2000 && r <= 0x200A;
    };
  }

  /** Go's strings.TrimSpace on a byte string (an invalid byte is never space). */
  static String trimSpace(String s) {
    int start = -1;
    int end = 0;
    for (int i = 0; i < s.length(); ) {
      long rs = decodeRune(s, i);
      boolean space = isSpace(rune(rs)) && !(rune(rs) == RUNE_ERROR && size(rs) == 1);
      if (!space) {
        if (start < 0) {
          start = i;
        }
        end = i + size(rs);
      }
      i += size(rs);
    }
    return start < 0 ? "" : s.substring(start, end);
  }

  /**
   * A byte string as a one-line, printable text for messages: invalid bytes and control characters
   * escaped, never longer than {@code max} characters.
   */
  static String printable(String byteString, int max) {
    String t = text(byteString);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < t.length(); ) {
      int cp = t.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
      if (out.length() > max) {
        return out.substring(0, max) + "…";
      }
    }
    return out.toString();
  }
}
