package dev.pullpolicy.api.kubelet;

/**
 * The part of Go's net/url (Go 1.26, strict colons in hosts) that the kubelet's keyring uses:
 * {@code url.Parse} of an {@code http://} or {@code https://} URL, giving the host (user-info
 * removed, percent-escapes decoded) and the decoded path, or the reason the URL is refused; and
 * {@code net.SplitHostPort}. All strings are byte strings ({@link GoText}).
 */
final class GoUrl {
  private GoUrl() {}

  /** A parsed URL: host with port, and path. */
  record Parsed(String host, String path) {}

  /** A URL Go refuses; the message is Go's reason without the URL. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private static final int HOST = 1;
  private static final int ZONE = 2;
  private static final int PATH = 3;
  private static final int USER_PASSWORD = 4;
  private static final int FRAGMENT = 5;

  /** url.Parse for a URL that starts with {@code http://} or {@code https://}. */
  static Parsed parse(String raw) throws Invalid {
    int hash = raw.indexOf('#');
    String u = hash < 0 ? raw : raw.substring(0, hash);
    String frag = hash < 0 ? "" : raw.substring(hash + 1);
    for (int i = 0; i < u.length(); i++) {
      char b = u.charAt(i);
      if (b < ' ' || b == 0x7f) {
        throw new Invalid("net/url: invalid control character in URL");
      }
    }
    int colon = u.indexOf(':');
    String scheme = u.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
    String rest = u.substring(colon + 1);
    int q = rest.indexOf('?');
    if (rest.endsWith("?") && q == rest.length() - 1) {
      rest = rest.substring(0, rest.length() - 1);
    } else if (q >= 0) {
      rest = rest.substring(0, q);
    }
    String host = "";
    if (rest.startsWith("//")) {
      String authority = rest.substring(2);
      int slash = authority.indexOf('/');
      rest = slash < 0 ? "" : authority.substring(slash);
      authority = slash < 0 ? authority : authority.substring(0, slash);
      host = authority(scheme, authority);
    }
    String path = unescape(rest, PATH);
    if (!frag.isEmpty()) {
      unescape(frag, FRAGMENT);
    }
    return new Parsed(host, path);
  }

  private static String authority(String scheme, String authority) throws Invalid {
    int at = authority.lastIndexOf('@');
    String host = parseHost(scheme, at < 0 ? authority : authority.substring(at + 1));
    if (at >= 0) {
      String userinfo = authority.substring(0, at);
      if (!validUserinfo(userinfo)) {
        throw new Invalid("net/url: invalid userinfo");
      }
      try {
        int c = userinfo.indexOf(':');
        if (c < 0) {
          unescape(userinfo, USER_PASSWORD);
        } else {
          unescape(userinfo.substring(0, c), USER_PASSWORD);
          unescape(userinfo.substring(c + 1), USER_PASSWORD);
        }
      } catch (Invalid e) {
        // Go quotes the bad escape; it may be part of a password, so it is not repeated here
        throw new Invalid("invalid URL escape in user-info");
      }
    }
    return host;
  }

  private static boolean validUserinfo(String s) {
    for (int i = 0; i < s.length(); ) {
      long rs = GoText.decodeRune(s, i);
      int r = GoText.rune(rs);
      i += GoText.size(rs);
      if ((r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')) {
        continue;
      }
      if ("-._:~!$&'()*+,;=%@".indexOf(r) < 0 || r > 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String parseHost(String scheme, String host) throws Invalid {
    int open = host.lastIndexOf('[');
    if (open > 0) {
      throw new Invalid("invalid IP-literal");
    }
    if (open == 0) {
      int close = host.lastIndexOf(']');
      if (close < 0) {
        throw new Invalid("missing ']' in host");
      }
      String colonPort = host.substring(close + 1);
      if (!validOptionalPort(colonPort)) {
        throw new Invalid("invalid port " + GoQuote.quote(colonPort) + " after host");
      }
      String hostname = host.substring(1, close);
      String unescaped;
      int zone = hostname.indexOf("%25");
      if (zone >= 0) {
        unescaped =
            unescape(hostname.substring(0, zone), HOST) + unescape(hostname.substring(zone), ZONE);
      } else {
        unescaped = unescape(hostname, HOST);
      }
      String problem = GoIp.parseAddr(unescaped);
      if (problem != null) {
        throw new Invalid("invalid host: " + problem);
      }
      if (GoIp.isIPv4(unescaped)) {
        throw new Invalid("invalid IP-literal");
      }
      return "[" + unescaped + "]" + colonPort;
    }
    int i = host.indexOf(':');
    if (i >= 0) {
      // Go 1.26 (urlstrictcolons=1): for http and https the port starts at the first colon.
      String colonPort = host.substring(i);
      if (!validOptionalPort(colonPort)) {
        throw new Invalid("invalid port " + GoQuote.quote(colonPort) + " after host");
      }
    }
    return unescape(host, HOST);
  }

  private static boolean validOptionalPort(String port) {
    if (port.isEmpty()) {
      return true;
    }
    if (port.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < port.length(); i++) {
      char b = port.charAt(i);
      if (b < '0' || b > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int unhex(char c) {
    return Character.digit(c, 16);
  }

  /** Go's url.unescape for the modes the parser uses. */
  private static String unescape(String s, int mode) throws Invalid {
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%') {
        n++;
        if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
          String bad = s.substring(i, Math.min(s.length(), i + 3));
          throw new Invalid("invalid URL escape " + GoQuote.quote(bad));
        }
        if (mode == HOST && unhex(s.charAt(i + 1)) < 8 && !s.startsWith("%25", i)) {
          throw new Invalid("invalid URL escape " + GoQuote.quote(s.substring(i, i + 3)));
        }
        if (mode == ZONE) {
          int v = unhex(s.charAt(i + 1)) << 4 | unhex(s.charAt(i + 2));
          if (!s.startsWith("%25", i) && v != ' ' && shouldEscapeInHost(v)) {
            throw new Invalid("invalid URL escape " + GoQuote.quote(s.substring(i, i + 3)));
          }
        }
        i += 3;
      } else {
        if ((mode == HOST || mode == ZONE) && c < 0x80 && shouldEscapeInHost(c)) {
          throw new Invalid(
              "invalid character " + GoQuote.quote(String.valueOf(c)) + " in host name");
        }
        i++;
      }
    }
    if (n == 0) {
      return s;
    }
    StringBuilder t = new StringBuilder(s.length() - 2 * n);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        t.append((char) (unhex(s.charAt(i + 1)) << 4 | unhex(s.charAt(i + 2))));
        i += 2;
      } else {
        t.append(c);
      }
    }
    return t.toString();
  }

  /** Go's shouldEscape(c, encodeHost) for an ASCII byte. */
  private static boolean shouldEscapeInHost(int c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return false;
    }
    return "!$&'()*+,;=:[]<>\"-_.~".indexOf(c) < 0;
  }

  /** Host and port of a host[:port] as net.SplitHostPort splits it, or null when it fails. */
  static String[] splitHostPort(String hostport) {
    int i = hostport.lastIndexOf(':');
    if (i < 0) {
      return null;
    }
    String host;
    int j = 0;
    int k = 0;
    if (hostport.charAt(0) == '[') {
      int end = hostport.indexOf(']');
      if (end < 0) {
        return null;
      }
      if (end + 1 == hostport.length() || end + 1 != i) {
        return null;
      }
      host = hostport.substring(1, end);
      j = 1;
      k = end + 1;
    } else {
      host = hostport.substring(0, i);
      if (host.indexOf(':') >= 0) {
        return null;
      }
    }
    if (hostport.indexOf('[', j) >= 0 || hostport.indexOf(']', k) >= 0) {
      return null;
    }
    return new String[] {host, hostport.substring(i + 1)};
  }
}
