package dev.pullpolicy.plugin.transport;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Function;

/**
 * The proxy for the API server, as kubectl picks it: the cluster's {@code proxy-url} (or {@code
 * --proxy-url}), else {@code HTTPS_PROXY}/{@code HTTP_PROXY} unless {@code NO_PROXY} exempts the
 * host; loopback hosts never go through a proxy from the environment.
 */
final class Proxies {
  private Proxies() {}

  /** The proxy and its credentials ({@code user:password} from the URL), if any. */
  record Choice(Proxy proxy, String userInfo) {
    static final Choice DIRECT = new Choice(Proxy.NO_PROXY, null);
  }

  static Choice choose(URI server, String proxyUrl, Function<String, String> env) {
    if (proxyUrl != null && !proxyUrl.isEmpty()) {
      return parse(proxyUrl, "proxy-url");
    }
    boolean https = server.getScheme().equals("https");
    String fromEnv = https ? first(env, "HTTPS_PROXY", "https_proxy") : null;
    if (fromEnv == null) {
      fromEnv = https ? null : first(env, "HTTP_PROXY", "http_proxy");
    }
    if (fromEnv == null || exempt(server.getHost(), first(env, "NO_PROXY", "no_proxy"))) {
      return Choice.DIRECT;
    }
    return parse(fromEnv.contains("://") ? fromEnv : "http://" + fromEnv, "the proxy variable");
  }

  private static String first(Function<String, String> env, String a, String b) {
    String v = env.apply(a);
    if (v == null || v.isEmpty()) {
      v = env.apply(b);
    }
    return v == null || v.isEmpty() ? null : v;
  }

  private static Choice parse(String url, String what) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("invalid " + what + " \"" + url + "\"");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      throw new ConfigException("invalid " + what + " \"" + url + "\": no host");
    }
    Proxy.Type type;
    int defaultPort;
    switch (scheme) {
      case "http" -> {
        type = Proxy.Type.HTTP;
        defaultPort = 80;
      }
      case "socks5" -> {
        type = Proxy.Type.SOCKS;
        defaultPort = 1080;
      }
      default ->
          throw new ConfigException(
              "unsupported "
                  + what
                  + " scheme \""
                  + scheme
                  + "\" (kubectl pullpolicy supports http:// and socks5:// proxies)");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : defaultPort;
    return new Choice(
        new Proxy(type, InetSocketAddress.createUnresolved(uri.getHost(), port)),
        uri.getUserInfo());
  }

  /** Go's rules: loopback never, {@code *} all, a name or a domain suffix, an IP or a CIDR. */
  static boolean exempt(String host, String noProxy) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost") || isLoopback(h)) {
      return true;
    }
    if (noProxy == null) {
      return false;
    }
    for (String raw : noProxy.split(",")) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        return true;
      }
      if (entry.contains("/")) {
        if (Tls.isIpLiteral(h) && inCidr(h, entry)) {
          return true;
        }
        continue;
      }
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(':') == colon) {
        entry = entry.substring(0, colon); // a port in an entry: the host part decides
      }
      if (entry.startsWith("*.")) {
        entry = entry.substring(1);
      }
      if (entry.startsWith(".")) {
        if (h.endsWith(entry)) {
          return true;
        }
      } else if (h.equals(entry) || h.endsWith("." + entry)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLoopback(String h) {
    return h.equals("::1") || (Tls.isIpLiteral(h) && h.startsWith("127."));
  }

  private static boolean inCidr(String ip, String cidr) {
    int slash = cidr.indexOf('/');
    String base = cidr.substring(0, slash);
    if (!Tls.isIpLiteral(base)) {
      return false;
    }
    int bits;
    try {
      bits = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    byte[] a;
    byte[] b;
    try {
      a = java.net.InetAddress.getByName(ip).getAddress();
      b = java.net.InetAddress.getByName(base).getAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
    if (a.length != b.length || bits < 0 || bits > a.length * 8) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >> (i % 8);
      if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
