package dev.pullpolicy.api.kubelet;

/** Go's strconv.Quote of a byte string, for messages that name a character or an escape. */
final class GoQuote {
  private GoQuote() {}

  static String quote(String byteString) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < byteString.length(); ) {
      long rs = GoText.decodeRune(byteString, i);
      int r = GoText.rune(rs);
      int size = GoText.size(rs);
      if (r == GoText.RUNE_ERROR && size == 1) {
        out.append(String.format("\\x%02x", (int) byteString.charAt(i)));
        i++;
        continue;
      }
      i += size;
      switch (r) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case 7 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 0x0B -> out.append("\\v");
        default -> {
          if (isPrint(r)) {
            out.appendCodePoint(r);
          } else if (r < ' ' || r == 0x7f) {
            out.append(String.format("\\x%02x", r));
          } else if (r < 0x10000) {
            out.append(String.format("\\u%04x", r));
          } else {
            out.append(String.format("\\U%08x", r));
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static boolean isPrint(int r) {
    if (r == ' ') {
      return true;
    }
    if (!Character.isDefined(r) || Character.isISOControl(r)) {
      return false;
    }
    int type = Character.getType(r);
    return type != Character.FORMAT
        && type != Character.SURROGATE
        && type != Character.PRIVATE_USE
        && type != Character.UNASSIGNED
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR
        && type != Character.SPACE_SEPARATOR;
  }
}
