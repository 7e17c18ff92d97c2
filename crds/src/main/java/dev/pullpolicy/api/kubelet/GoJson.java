package dev.pullpolicy.api.kubelet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * JSON read the way Go's encoding/json reads it: strict RFC 8259 syntax over the whole document
 * first (no comments, no trailing commas, no byte-order mark, nothing after the value, at most
 * 10000 levels of nesting), control characters refused inside strings, but bytes that are not UTF-8
 * accepted and read as U+FFFD, and lone UTF-16 surrogate escapes read as U+FFFD. Strings are byte
 * strings ({@link GoText}). Duplicate object members are all kept, in order: what they mean is the
 * decoder's business.
 */
final class GoJson {
  private GoJson() {}

  static final int MAX_DEPTH = 10000;

  /** A JSON value and where it is in the document. */
  sealed interface Value permits Obj, Arr, Str, Num, Bool, Null {}

  record Member(String name, Value value) {}

  record Obj(List<Member> members) implements Value {}

  record Arr(List<Value> items) implements Value {}

  record Str(String value) implements Value {}

  record Num(String text) implements Value {}

  record Bool(boolean value) implements Value {}

  record Null() implements Value {}

  /** Why a document is not JSON, with the byte offset; never quotes the document. */
  static final class SyntaxError extends Exception {
    final int offset;

    SyntaxError(String what, int offset) {
      super(what + " at byte " + offset, null, false, false);
      this.offset = offset;
    }
  }

  /** Parses a whole document given as a byte string. */
  static Value parse(String doc) throws SyntaxError {
    return new Parser(doc).document();
  }

  /** The type name Go uses in its messages for a JSON value ("string", "number", ...). */
  static String kind(Value v) {
    if (v instanceof Obj) {
      return "object";
    } else if (v instanceof Arr) {
      return "array";
    } else if (v instanceof Str) {
      return "string";
    } else if (v instanceof Num) {
      return "number";
    } else if (v instanceof Bool) {
      return "bool";
    }
    return "null";
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    /** A container being filled: an object (with its pending member name) or an array. */
    private static final class Open {
      final List<Member> members;
      final List<Value> items;
      String name;

      Open(boolean object) {
        members = object ? new ArrayList<>() : null;
        items = object ? null : new ArrayList<>();
      }

      Value close() {
        return members != null ? new Obj(members) : new Arr(items);
      }

      void add(Value v) {
        if (members != null) {
          members.add(new Member(name, v));
          name = null;
        } else {
          items.add(v);
        }
      }
    }

    Value document() throws SyntaxError {
      Deque<Open> stack = new ArrayDeque<>();
      Value done = null;
      ws();
      while (true) {
        // expect a value
        if (i >= s.length()) {
          throw new SyntaxError("unexpected end of JSON input", i);
        }
        char c = s.charAt(i);
        Value scalar = null;
        if (c == '{' || c == '[') {
          if (stack.size() >= MAX_DEPTH) {
            throw new SyntaxError("exceeded max depth", i);
          }
          i++;
          ws();
          Open open = new Open(c == '{');
          char close = c == '{' ? '}' : ']';
          if (i < s.length() && s.charAt(i) == close) {
            i++;
            scalar = open.close();
          } else {
            stack.push(open);
            if (c == '{') {
              open.name = memberName();
            }
            continue;
          }
        } else {
          scalar = scalar();
        }
        // a value is complete: hand it up, closing containers as they end
        Value v = scalar;
        while (true) {
          if (stack.isEmpty()) {
            done = v;
            break;
          }
          Open top = stack.peek();
          top.add(v);
          ws();
          if (i >= s.length()) {
            throw new SyntaxError("unexpected end of JSON input", i);
          }
          char next = s.charAt(i);
          if (next == ',') {
            i++;
            ws();
            if (top.members != null) {
              top.name = memberName();
            }
            break;
          }
          char close = top.members != null ? '}' : ']';
          if (next != close) {
            throw new SyntaxError(
                "invalid character after "
                    + (top.members != null ? "object key:value pair" : "array element"),
                i);
          }
          i++;
          stack.pop();
          v = top.close();
        }
        if (done != null) {
          break;
        }
      }
      ws();
      if (i < s.length()) {
        throw new SyntaxError("invalid character after top-level value", i);
      }
      return done;
    }

    private String memberName() throws SyntaxError {
      if (i >= s.length()) {
        throw new SyntaxError("unexpected end of JSON input", i);
      }
      if (s.charAt(i) != '"') {
        throw new SyntaxError("invalid character looking for beginning of object key string", i);
      }
      String name = string();
      ws();
      if (i >= s.length()) {
        throw new SyntaxError("unexpected end of JSON input", i);
      }
      if (s.charAt(i) != ':') {
        throw new SyntaxError("invalid character after object key", i);
      }
      i++;
      ws();
      return name;
    }

    private Value scalar() throws SyntaxError {
      char c = s.charAt(i);
      if (c == '"') {
        return new Str(string());
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        return number();
      }
      if (s.startsWith("true", i)) {
        i += 4;
        return new Bool(true);
      }
      if (s.startsWith("false", i)) {
        i += 5;
        return new Bool(false);
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return new Null();
      }
      throw new SyntaxError("invalid character looking for beginning of value", i);
    }

    private Num number() throws SyntaxError {
      int start = i;
      if (s.charAt(i) == '-') {
        i++;
      }
      if (i >= s.length()) {
        throw new SyntaxError("unexpected end of JSON input", i);
      }
      char c = s.charAt(i);
      if (c == '0') {
        i++;
      } else if (c >= '1' && c <= '9') {
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
        }
      } else {
        throw new SyntaxError("invalid character in numeric literal", i);
      }
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        digits();
      }
      if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        i++;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
          i++;
        }
        digits();
      }
      return new Num(s.substring(start, i));
    }

    private void digits() throws SyntaxError {
      if (i >= s.length()) {
        throw new SyntaxError("unexpected end of JSON input", i);
      }
      if (!isDigit(s.charAt(i))) {
        throw new SyntaxError("invalid character in numeric literal", i);
      }
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    /** Reads a string starting at its quote; returns its value as a byte string. */
    private String string() throws SyntaxError {
      i++; // opening quote
      StringBuilder out = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw new SyntaxError("unexpected end of JSON input", i);
        }
        char c = s.charAt(i);
        if (c == '"') {
          i++;
          return out.toString();
        }
        if (c < 0x20) {
          throw new SyntaxError("invalid character in string literal", i);
        }
        if (c == '\\') {
          if (i + 1 >= s.length()) {
            throw new SyntaxError("unexpected end of JSON input", i + 1);
          }
          char e = s.charAt(i + 1);
          switch (e) {
            case '"', '\\', '/' -> {
              out.append(e);
              i += 2;
            }
            case 'b' -> {
              out.append('\b');
              i += 2;
            }
            case 'f' -> {
              out.append('\f');
              i += 2;
            }
            case 'n' -> {
              out.append('\n');
              i += 2;
            }
            case 'r' -> {
              out.append('\r');
              i += 2;
            }
            case 't' -> {
              out.append('\t');
              i += 2;
            }
            case 'u' -> {
              int r = hex4(i + 2);
              i += 6;
              if (r >= 0xD800 && r < 0xE000) {
                // a surrogate: only a high one followed by an escaped low one makes a rune
                int r2 = -1;
                if (r < 0xDC00
                    && i + 1 < s.length()
                    && s.charAt(i) == '\\'
                    && s.charAt(i + 1) == 'u') {
                  r2 = hex4(i + 2);
                }
                if (r2 >= 0xDC00 && r2 < 0xE000) {
                  r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
                  i += 6;
                } else {
                  r = GoText.RUNE_ERROR;
                }
              }
              GoText.appendRune(out, r);
            }
            default -> throw new SyntaxError("invalid character in string escape code", i + 1);
          }
          continue;
        }
        if (c < 0x80) {
          out.append(c);
          i++;
          continue;
        }
        long rs = GoText.decodeRune(s, i);
        if (GoText.rune(rs) == GoText.RUNE_ERROR && GoText.size(rs) == 1) {
          GoText.appendRune(out, GoText.RUNE_ERROR);
          i++;
        } else {
          out.append(s, i, i + GoText.size(rs));
          i += GoText.size(rs);
        }
      }
    }

    /** Four hex digits at {@code at}, or a syntax error (Go's scanner checks them). */
    private int hex4(int at) throws SyntaxError {
      if (at + 4 > s.length()) {
        // the scanner reports the first missing or bad character
        for (int k = at; k < s.length(); k++) {
          if (Character.digit(s.charAt(k), 16) < 0) {
            throw new SyntaxError("invalid character in \\u hexadecimal character escape", k);
          }
        }
        throw new SyntaxError("unexpected end of JSON input", s.length());
      }
      int r = 0;
      for (int k = at; k < at + 4; k++) {
        char c = s.charAt(k);
        int d = c < 0x80 ? Character.digit(c, 16) : -1;
        if (d < 0) {
          throw new SyntaxError("invalid character in \\u hexadecimal character escape", k);
        }
        r = r * 16 + d;
      }
      return r;
    }

    private void ws() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          i++;
        } else {
          break;
        }
      }
    }
  }
}
