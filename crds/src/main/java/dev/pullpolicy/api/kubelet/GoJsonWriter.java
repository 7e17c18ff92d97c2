package dev.pullpolicy.api.kubelet;

/**
 * Writes a {@link GoJson} value back as compact JSON (a byte string): every member kept, in order,
 * strings escaped as Jackson escapes them, numbers as written. Decoding the output with Go gives
 * what decoding the input gave.
 */
final class GoJsonWriter {
  private GoJsonWriter() {}

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  static String compact(GoJson.Value v) {
    StringBuilder out = new StringBuilder();
    write(v, out);
    return out.toString();
  }

  /** A JSON string literal for a byte string. */
  static String quote(String byteString) {
    StringBuilder out = new StringBuilder(byteString.length() + 2);
    string(byteString, out);
    return out.toString();
  }

  /** Writes without recursion: documents may nest 10000 levels deep. */
  private static void write(GoJson.Value root, StringBuilder out) {
    java.util.ArrayDeque<Object> todo = new java.util.ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Object next = todo.pop();
      if (next instanceof String literal) {
        out.append(literal);
      } else if (next instanceof GoJson.Member m) {
        string(m.name(), out);
        out.append(':');
        todo.push(m.value());
      } else if (next instanceof GoJson.Obj o) {
        out.append('{');
        todo.push("}");
        for (int i = o.members().size() - 1; i >= 0; i--) {
          todo.push(o.members().get(i));
          if (i > 0) {
            todo.push(",");
          }
        }
      } else if (next instanceof GoJson.Arr a) {
        out.append('[');
        todo.push("]");
        for (int i = a.items().size() - 1; i >= 0; i--) {
          todo.push(a.items().get(i));
          if (i > 0) {
            todo.push(",");
          }
        }
      } else if (next instanceof GoJson.Str str) {
        string(str.value(), out);
      } else if (next instanceof GoJson.Num n) {
        out.append(n.text());
      } else if (next instanceof GoJson.Bool bool) {
        out.append(bool.value());
      } else {
        out.append("null");
      }
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
