package dev.pullpolicy.api.kubelet;

/**
 * Which strings Go's netip.ParseAddr accepts as an IP address (the bracketed hosts of URLs must be
 * IPv6 addresses, with an optional zone): four decimal octets without leading zeros, or up to eight
 * groups of at most four hex digits with at most one {@code ::}, possibly ending in an embedded
 * IPv4 address.
 */
final class GoIp {
  private GoIp() {}

  /** Null when {@code s} is an address, else Go's reason. */
  static String parseAddr(String s) {
    for (int i = 0; i < s.length(); i++) {
      switch (s.charAt(i)) {
        case '.':
          return ipv4Fields(s, 0, s.length());
        case ':':
          return ipv6(s);
        case '%':
          return "missing IPv6 address";
        default:
      }
    }
    return "unable to parse IP";
  }

  /** Whether ParseAddr reads {@code s} as an IPv4 address (true only when it parses). */
  static boolean isIPv4(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        return ipv4Fields(s, 0, s.length()) == null;
      }
      if (c == ':' || c == '%') {
        return false;
      }
    }
    return false;
  }

  private static String ipv4Fields(String in, int off, int end) {
    String s = in.substring(off, end);
    int val = 0;
    int pos = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 1 && val == 0) {
          return "IPv4 field has octet with leading zero";
        }
        val = val * 10 + (c - '0');
        digits++;
        if (val > 255) {
          return "IPv4 field has value >255";
        }
      } else if (c == '.') {
        if (i == 0 || i == s.length() - 1 || s.charAt(i - 1) == '.') {
          return "IPv4 field must have at least one digit";
        }
        if (pos == 3) {
          return "IPv4 address too long";
        }
        pos++;
        val = 0;
        digits = 0;
      } else {
        return "unexpected character";
      }
    }
    return pos < 3 ? "IPv4 address too short" : null;
  }

  private static String ipv6(String in) {
    String s = in;
    String zone = "";
    int pct = s.indexOf('%');
    if (pct >= 0) {
      zone = s.substring(pct + 1);
      s = s.substring(0, pct);
      if (zone.isEmpty()) {
        return "zone must be a non-empty string";
      }
    }
    int ellipsis = -1;
    if (s.length() >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
      ellipsis = 0;
      s = s.substring(2);
      if (s.isEmpty()) {
        return null;
      }
    }
    int i = 0;
    while (i < 16) {
      int off = 0;
      int acc = 0;
      for (; off < s.length(); off++) {
        int d = hex(s.charAt(off));
        if (d < 0) {
          break;
        }
        acc = (acc << 4) + d;
        if (off > 3) {
          return "each group must have 4 or less digits";
        }
        if (acc > 0xFFFF) {
          return "IPv6 field has value >=2^16";
        }
      }
      if (off == 0) {
        return "each colon-separated field must have at least one digit";
      }
      if (off < s.length() && s.charAt(off) == '.') {
        if (ellipsis < 0 && i != 12) {
          return "embedded IPv4 address must replace the final 2 fields of the address";
        }
        if (i + 4 > 16) {
          return "too many hex fields to fit an embedded IPv4 at the end of the address";
        }
        int end = in.length();
        if (!zone.isEmpty()) {
          end -= zone.length() + 1;
        }
        String err = ipv4Fields(in, end - s.length(), end);
        if (err != null) {
          return err;
        }
        s = "";
        i += 4;
        break;
      }
      i += 2;
      s = s.substring(off);
      if (s.isEmpty()) {
        break;
      }
      if (s.charAt(0) != ':') {
        return "unexpected character, want colon";
      } else if (s.length() == 1) {
        return "colon must be followed by more characters";
      }
      s = s.substring(1);
      if (s.charAt(0) == ':') {
        if (ellipsis >= 0) {
          return "multiple :: in address";
        }
        ellipsis = i;
        s = s.substring(1);
        if (s.isEmpty()) {
          break;
        }
      }
    }
    if (!s.isEmpty()) {
      return "trailing garbage after address";
    }
    if (i < 16) {
      if (ellipsis < 0) {
        return "address string too short";
      }
    } else if (ellipsis >= 0) {
      return "the :: must expand to at least one field of zeros";
    }
    return null;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
