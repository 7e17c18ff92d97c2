package dev.pullpolicy.plugin.transport;

import dev.pullpolicy.plugin.cli.Trace;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.SocketException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;

/**
 * The plugin's HTTP client for the API server: {@code HttpURLConnection} (the JDK's lightest
 * client; its keep-alive cache makes one TLS handshake serve every request of a command), the
 * credentials and impersonation headers of the {@link ClientConfig}, kubectl's retry on {@code
 * Retry-After}, and one refresh of exec-plugin credentials on a 401. Failures are {@link
 * KubernetesClientException}s: with the HTTP code and the server's Status for an answer, code 0 and
 * the I/O exception as cause when there was none.
 */
public final class KubeApi {
  /** An answer: the HTTP code and the body. */
  public record Response(int code, byte[] body) {
    public boolean ok() {
      return code >= 200 && code < 300;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final String USER_AGENT =
      "kubectl-pullpolicy ("
          + System.getProperty("os.name", "").toLowerCase()
          + "/"
          + System.getProperty("os.arch", "")
          + ")";
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_RETRIES = 5;

  /** Names were checked during the handshake ({@link Tls}); HttpsURLConnection asks again. */
  private static final HostnameVerifier CHECKED_IN_HANDSHAKE = (host, session) -> true;

  private final ClientConfig config;
  private final Proxies.Choice proxy;
  private SSLSocketFactory sockets;
  private boolean x25519Only = true;
  private String bearer;
  private boolean credentialsLoaded;
  private ExecCredentials.Result exec;
  private boolean execRefreshed;

  private KubeApi(ClientConfig config, Proxies.Choice proxy) {
    this.config = config;
    this.proxy = proxy;
  }

  /** A client for this configuration; nothing is sent until the first request. */
  public static KubeApi of(ClientConfig config) {
    return of(config, System::getenv);
  }

  static KubeApi of(ClientConfig config, Function<String, String> env) {
    Proxies.Choice proxy = Proxies.choose(config.server(), config.proxyUrl(), env);
    if (proxy.userInfo() != null) {
      ProxyCredentials.install(proxy);
    }
    return new KubeApi(config, proxy);
  }

  public ClientConfig config() {
    return config;
  }

  /** A GET; every answer is returned, only failing to get one throws. */
  public Response get(String path, String accept) {
    Prefetched p = prefetched;
    if (p != null && p.path().equals(path) && p.accept().equals(accept)) {
      prefetched = null;
      if (p.failure() != null) {
        throw p.failure();
      }
      return p.response();
    }
    return send("GET", path, accept, null, null);
  }

  /** A GET sent ahead of time; its answer, or failure, is what {@link #get} returns once. */
  private record Prefetched(
      String path, String accept, Response response, KubernetesClientException failure) {}

  private Prefetched prefetched;

  /**
   * Sends a GET that a command will make, ahead of time, and keeps its answer or its failure for
   * the command's {@link #get} of the same path (one thread at a time: the command takes this
   * client over only when the request is done).
   */
  public void prefetch(String path, String accept) {
    try {
      prefetched = new Prefetched(path, accept, send("GET", path, accept, null, null), null);
    } catch (KubernetesClientException e) {
      prefetched = new Prefetched(path, accept, null, e);
    }
  }

  /** A request with an optional body; every answer is returned, only failing to get one throws. */
  public Response send(String method, String path, String accept, String contentType, byte[] body) {
    int retries = 0;
    while (true) {
      Response r = attempt(method, path, accept, contentType, body);
      if (r.code() == 401 && config.credentials().exec() != null && !execRefreshed) {
        // The plugin's credentials may have expired: run it again once, as client-go does.
        execRefreshed = true;
        exec = null;
        credentialsLoaded = false;
        sockets = null;
        continue;
      }
      if ((r.code() == 429 || r.code() >= 500) && retryAfter != null && retries < MAX_RETRIES) {
        retries++;
        sleep(retryAfter);
        continue;
      }
      return r;
    }
  }

  /** The exception for an answer that is not a success: the Status the server sent, if any. */
  public static KubernetesClientException failure(Response r) {
    Status status = null;
    try {
      status = Json.read(r.body(), Status.class);
    } catch (RuntimeException notAStatus) {
      // a proxy's page, or nothing
    }
    if (status != null && status.getMessage() != null) {
      if (status.getCode() == null || status.getCode() == 0) {
        status.setCode(r.code());
      }
      return new KubernetesClientException(status.getMessage(), r.code(), status);
    }
    Status plain = new Status();
    plain.setCode(r.code());
    plain.setReason(reasonOf(r.code()));
    plain.setMessage("the server responded with HTTP " + r.code());
    return new KubernetesClientException(plain.getMessage(), r.code(), plain);
  }

  private static String reasonOf(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "AlreadyExists";
      case 429 -> "TooManyRequests";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> null;
    };
  }

  private String retryAfter;

  private Response attempt(
      String method, String path, String accept, String contentType, byte[] body) {
    loadCredentials();
    URI uri = URI.create(config.server() + path);
    retryAfter = null;
    try {
      return exchange(uri, method, accept, contentType, body);
    } catch (SSLException | SocketException e) {
      // The server may not take the lean offer (a FIPS-only server without X25519, an old proxy
      // without TLS 1.3): try the JDK's defaults. A handshake failure means nothing was sent; some
      // servers answer with another alert (the JDK's own sends unexpected_message for a TLS 1.3
      // offer without a group it has) or reset the connection, which does not say so for sure,
      // so then only a GET is sent again.
      boolean nothingSent = e instanceof SSLHandshakeException;
      if (x25519Only
          && sockets != null
          && !certificateProblem(e)
          && (nothingSent || "GET".equals(method))) {
        x25519Only = false;
        sockets = null;
        try {
          return exchange(uri, method, accept, contentType, body);
        } catch (IOException again) {
          throw ioFailure(method, uri, again);
        }
      }
      throw ioFailure(method, uri, e);
    } catch (IOException e) {
      throw ioFailure(method, uri, e);
    }
  }

  private static boolean certificateProblem(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }

  private static KubernetesClientException ioFailure(String method, URI uri, IOException e) {
    return new KubernetesClientException(
        method + " " + uri + " failed: " + (e.getMessage() == null ? e : e.getMessage()), e);
  }

  private Response exchange(URI uri, String method, String accept, String contentType, byte[] body)
      throws IOException {
    URL url = uri.toURL();
    // Before the connection exists: its constructor takes the default factory.
    SSLSocketFactory factory = uri.getScheme().equals("https") ? sockets() : null;
    HttpURLConnection c = (HttpURLConnection) url.openConnection(proxy.proxy());
    if (c instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(factory);
      https.setHostnameVerifier(CHECKED_IN_HANDSHAKE);
    }
    c.setRequestMethod(method);
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    Duration timeout = config.timeout();
    c.setConnectTimeout(
        (int)
            Math.min(
                Integer.MAX_VALUE,
                (timeout.isZero() ? DEFAULT_CONNECT_TIMEOUT : timeout).toMillis()));
    c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    c.setRequestProperty("Accept", accept);
    if (!config.disableCompression()) {
      // Large lists (all ServiceAccounts, all namespaces) shrink tenfold; inflating is native.
      c.setRequestProperty("Accept-Encoding", "gzip");
    }
    c.setRequestProperty("User-Agent", USER_AGENT);
    if (bearer != null) {
      c.setRequestProperty("Authorization", "Bearer " + bearer);
    }
    ClientConfig.Impersonation as = config.impersonation();
    if (as.user() != null) {
      c.setRequestProperty("Impersonate-User", as.user());
      if (as.uid() != null) {
        c.setRequestProperty("Impersonate-Uid", as.uid());
      }
      for (String group : as.groups()) {
        c.addRequestProperty("Impersonate-Group", group);
      }
      for (Map.Entry<String, List<String>> extra : as.extra().entrySet()) {
        for (String v : extra.getValue()) {
          c.addRequestProperty("Impersonate-Extra-" + extraKey(extra.getKey()), v);
        }
      }
    }
    if (body != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", contentType);
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    if (Trace.on()) {
      c.connect();
      Trace.mark("connected " + method + " " + uri.getPath());
    }
    int code = c.getResponseCode();
    Trace.mark("answer headers " + code);
    retryAfter = c.getHeaderField("Retry-After");
    byte[] bytes;
    try (InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
      if (in == null) {
        bytes = new byte[0];
      } else if ("gzip".equalsIgnoreCase(c.getContentEncoding())) {
        try (InputStream gz = new GZIPInputStream(in)) {
          bytes = gz.readAllBytes();
        }
      } else {
        bytes = in.readAllBytes();
      }
    }
    Trace.mark("answer read " + bytes.length + " bytes");
    return new Response(code, bytes);
  }

  /** Extra keys go into header names percent-encoded, as client-go does. */
  private static String extraKey(String key) {
    StringBuilder b = new StringBuilder();
    for (byte x : key.getBytes(StandardCharsets.UTF_8)) {
      char ch = (char) (x & 0xff);
      if ((ch >= 'a' && ch <= 'z')
          || (ch >= 'A' && ch <= 'Z')
          || (ch >= '0' && ch <= '9')
          || "-!#$&'*+.^_`|~".indexOf(ch) >= 0) {
        b.append(ch);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }

  private void loadCredentials() {
    if (credentialsLoaded) {
      return;
    }
    ClientConfig.Credentials creds = config.credentials();
    bearer = creds.token();
    if (bearer == null && creds.tokenFile() != null) {
      try {
        bearer = Files.readString(creds.tokenFile()).strip();
      } catch (IOException e) {
        throw new ConfigException("cannot read tokenFile " + creds.tokenFile() + ": " + e, e);
      }
    }
    if (creds.exec() != null && exec == null) {
      exec = ExecCredentials.run(config);
      bearer = exec.token();
    }
    credentialsLoaded = true;
  }

  private SSLSocketFactory sockets() {
    if (sockets == null) {
      ClientConfig.Credentials creds = config.credentials();
      String certPem = creds.certificatePem();
      String keyPem = creds.keyPem();
      String certSource = creds.certificateSource();
      String keySource = creds.keySource();
      if (exec != null && exec.certificatePem() != null) {
        certPem = exec.certificatePem();
        keyPem = exec.keyPem();
        certSource = "the exec plugin's clientCertificateData";
        keySource = "the exec plugin's clientKeyData";
      }
      List<X509Certificate> chain = null;
      PrivateKey key = null;
      if (certPem != null) {
        chain = Pem.certificates(certPem, certSource);
        key = Pem.privateKey(keyPem, keySource);
        Trace.mark("client certificate and key");
      }
      sockets =
          Tls.socketFactory(config.trust(), config.server().getHost(), chain, key, x25519Only);
      // HttpsURLConnection builds the JDK's default SSLContext (all of cacerts) unless a default
      // factory is set; each connection is given this one anyway.
      HttpsURLConnection.setDefaultSSLSocketFactory(sockets);
      Trace.mark("tls context");
    }
    return sockets;
  }

  private static void sleep(String retryAfter) {
    long seconds;
    try {
      seconds = Long.parseLong(retryAfter.strip());
    } catch (NumberFormatException e) {
      seconds = 1;
    }
    try {
      Thread.sleep(Math.max(1, Math.min(seconds, 10)) * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Credentials in a proxy URL, for the proxy's 407 (the JDK turns Basic off for tunnels). */
  private static final class ProxyCredentials extends java.net.Authenticator {
    private final String user;
    private final char[] password;

    private ProxyCredentials(String user, char[] password) {
      this.user = user;
      this.password = password;
    }

    static void install(Proxies.Choice choice) {
      String info = choice.userInfo();
      int colon = info.indexOf(':');
      String user = colon < 0 ? info : info.substring(0, colon);
      String password = colon < 0 ? "" : info.substring(colon + 1);
      System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
      java.net.Authenticator.setDefault(new ProxyCredentials(user, password.toCharArray()));
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication() {
      return getRequestorType() == RequestorType.PROXY
          ? new PasswordAuthentication(user, password)
          : null;
    }
  }
}
