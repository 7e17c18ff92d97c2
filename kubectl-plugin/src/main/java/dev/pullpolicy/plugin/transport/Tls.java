package dev.pullpolicy.plugin.transport;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS to the API server as kubectl does it: the server's chain verified against the kubeconfig's CA
 * (or the JDK's roots when it names none), the name checked the way Go checks it (subject
 * alternative names only; {@code --tls-server-name} instead of the URL's host when given), a client
 * certificate when there is one.
 *
 * <p>Two start-up costs of the JDK's defaults are avoided: its endpoint identification loads the
 * whole {@code cacerts} store to tell public CAs apart, so the name is checked here instead; and
 * its TLS 1.3 ClientHello computes a P-256 key share beside the X25519 one (the P-256 tables alone
 * take tens of milliseconds in a fresh JVM), so the first attempt offers X25519 only, and TLS 1.3
 * with its three suites only (the JDK otherwise lists and checks every TLS 1.2 suite too, a few
 * milliseconds), and {@link KubeApi} retries with the JDK's defaults if a server refuses that (a
 * server without X25519, or one that speaks TLS 1.2 at most).
 */
final class Tls {
  private Tls() {}

  /** Raised when the server's certificate is not trusted or not for the name asked for. */
  static final class ServerCertificateException extends CertificateException {
    ServerCertificateException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A socket factory for one server. {@code x25519Only}: offer only TLS 1.3 with X25519 (see the
   * class comment); {@link KubeApi} retries with the JDK's defaults when a server refuses that.
   */
  static SSLSocketFactory socketFactory(
      ClientConfig.Trust trust,
      String host,
      List<X509Certificate> clientChain,
      PrivateKey clientKey,
      boolean x25519Only) {
    try {
      TrustManager trustManager =
          trust.insecure()
              ? new TrustAll()
              : new Verifying(roots(trust), expectedName(trust, host));
      dev.pullpolicy.plugin.cli.Trace.mark("trust manager");
      KeyManager[] keyManagers =
          clientKey == null
              ? new KeyManager[0]
              : new KeyManager[] {
                new FixedKey(clientChain.toArray(X509Certificate[]::new), clientKey)
              };
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trustManager}, null);
      dev.pullpolicy.plugin.cli.Trace.mark("SSLContext");
      String sni = sniName(trust, host);
      return new Configuring(context.getSocketFactory(), sni, x25519Only);
    } catch (GeneralSecurityException e) {
      throw new ConfigException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static String expectedName(ClientConfig.Trust trust, String host) {
    return trust.serverName() != null ? trust.serverName() : host;
  }

  /** The SNI: the server name when given, else the host unless it is an IP address. */
  private static String sniName(ClientConfig.Trust trust, String host) {
    String name = expectedName(trust, host);
    return isIpLiteral(name) ? null : name;
  }

  private static X509TrustManager roots(ClientConfig.Trust trust) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    if (trust.caPem() == null) {
      factory.init((KeyStore) null);
    } else {
      List<X509Certificate> cas = Pem.certificates(trust.caPem(), trust.caSource());
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        store.load(null, null);
      } catch (IOException e) {
        throw new GeneralSecurityException(e);
      }
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      factory.init(store);
    }
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  // ---------------------------------------------------------------- names, as Go checks them

  /** Throws unless the certificate is for {@code name} (an IP address or a DNS name). */
  static void checkName(X509Certificate cert, String name) throws ServerCertificateException {
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dns.add(String.valueOf(san.get(1)));
          } else if (type == 7) {
            ips.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new ServerCertificateException("x509: cannot read the certificate's names", e);
    }
    String host = name;
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (isIpLiteral(host)) {
      byte[] wanted = ipBytes(host);
      for (String ip : ips) {
        if (isIpLiteral(ip) && Arrays.equals(ipBytes(ip), wanted)) {
          return;
        }
      }
      throw new ServerCertificateException(
          ips.isEmpty()
              ? "x509: cannot validate certificate for "
                  + host
                  + " because it doesn't contain"
                  + " any IP SANs"
              : "x509: certificate is valid for " + String.join(", ", ips) + ", not " + host,
          null);
    }
    String candidate = host.toLowerCase(Locale.ROOT);
    for (String pattern : dns) {
      if (matches(pattern.toLowerCase(Locale.ROOT), candidate)) {
        return;
      }
    }
    // Go lists the DNS names only when a DNS name was wanted.
    throw new ServerCertificateException(
        dns.isEmpty()
            ? "x509: certificate is not valid for any names, but wanted to match " + host
            : "x509: certificate is valid for " + String.join(", ", dns) + ", not " + host,
        null);
  }

  /** A DNS name against a SAN: equal, or {@code *.rest} matching one whole leftmost label. */
  static boolean matches(String pattern, String host) {
    String p = stripDot(pattern);
    String h = stripDot(host);
    if (p.isEmpty() || h.isEmpty()) {
      return false;
    }
    String[] pp = p.split("\\.", -1);
    String[] hp = h.split("\\.", -1);
    if (pp.length != hp.length) {
      return false;
    }
    for (int i = 0; i < pp.length; i++) {
      if (hp[i].isEmpty()) {
        return false;
      }
      if (i == 0 && pp[i].equals("*")) {
        continue;
      }
      if (!pp[i].equals(hp[i])) {
        return false;
      }
    }
    return true;
  }

  private static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** An IPv4 dotted quad or an IPv6 literal (never a DNS lookup). */
  static boolean isIpLiteral(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    if (s.indexOf(':') >= 0) {
      return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ipBytes(String literal) {
    try {
      // A literal is parsed, never looked up.
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      return new byte[0];
    }
  }

  // ---------------------------------------------------------------- managers

  /** The server's chain against the roots, then its name; the JDK's identity check is not used. */
  private static final class Verifying extends ClientSide {
    private final X509TrustManager roots;
    private final String name;

    Verifying(X509TrustManager roots, String name) {
      this.roots = roots;
      this.name = name;
    }

    private void check(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        roots.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        throw new ServerCertificateException(
            inChain(e, java.security.cert.CertificateExpiredException.class)
                    || inChain(e, java.security.cert.CertificateNotYetValidException.class)
                ? "x509: certificate has expired or is not yet valid"
                : "x509: certificate signed by unknown authority",
            e);
      }
      checkName(chain[0], name);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return roots.getAcceptedIssuers();
    }
  }

  private static boolean inChain(Throwable e, Class<? extends Throwable> type) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** A trust manager of a client: it never checks a client's certificate. */
  private abstract static class ClientSide extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("not a server");
    }
  }

  /** {@code insecure-skip-tls-verify}: any certificate, any name, as kubectl then does. */
  private static final class TrustAll extends ClientSide {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** The one client certificate of the kubeconfig, whatever the server asks for. */
  private static final class FixedKey extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final X509Certificate[] chain;
    private final PrivateKey key;

    FixedKey(X509Certificate[] chain, PrivateKey key) {
      this.chain = chain;
      this.key = key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  // ---------------------------------------------------------------- sockets

  /**
   * {@code SSLParameters.setNamedGroups} (JDK 20+), looked up once; null on older JDKs. Called
   * through core reflection, not a method handle: invoking a handle makes the JVM generate adapter
   * classes on the first call, which the launcher's {@code useNativeAccessorOnly} reflection does
   * not.
   */
  private static final Method SET_NAMED_GROUPS = stringsSetter("setNamedGroups");

  private static Method stringsSetter(String name) {
    try {
      return SSLParameters.class.getMethod(name, String[].class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** The cipher suites of TLS 1.3, as the JDK orders them. */
  private static final String[] TLS13_SUITES = {
    "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"
  };

  /**
   * Sets the SNI and, on a first attempt ({@code x25519Only}), a lean offer on every socket it
   * makes: TLS 1.3 with X25519 only.
   */
  private static final class Configuring extends SSLSocketFactory {
    private final SSLSocketFactory base;
    private final String sni;
    private final boolean x25519Only;

    Configuring(SSLSocketFactory base, String sni, boolean x25519Only) {
      this.base = base;
      this.sni = sni;
      this.x25519Only = x25519Only;
    }

    private Socket configure(Socket socket) {
      if (socket instanceof SSLSocket ssl && (sni != null || x25519Only)) {
        SSLParameters params = ssl.getSSLParameters();
        if (sni != null) {
          params.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (x25519Only && SET_NAMED_GROUPS != null) {
          try {
            SET_NAMED_GROUPS.invoke(params, (Object) new String[] {"x25519"});
          } catch (ReflectiveOperationException e) {
            // keep the JDK's groups
          }
        }
        if (x25519Only) {
          // TLS 1.3 and its own suites only: the ClientHello then lists and checks a few
          // suites instead of every TLS 1.2 one (measured, docs/benchmarks.md).
          params.setProtocols(new String[] {"TLSv1.3"});
          params.setCipherSuites(TLS13_SUITES.clone());
        }
        ssl.setSSLParameters(params);
      }
      return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return base.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return base.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return configure(base.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return configure(base.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return configure(base.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return configure(base.createSocket(host, port, local, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return configure(base.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
        throws IOException {
      return configure(base.createSocket(host, port, local, localPort));
    }
  }
}
