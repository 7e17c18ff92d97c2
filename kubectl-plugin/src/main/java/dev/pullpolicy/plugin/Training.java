package dev.pullpolicy.plugin;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The training run behind the launcher's start-up cache: runs every command once against a tiny
 * in-process fake API server, so that the classes a real run needs (picocli, the fabric8 client and
 * its JSON set-up, the printers) are recorded. Touches nothing outside a temp dir.
 */
public final class Training {
  private Training() {}

  private static final String AUTH =
      Base64.getEncoder()
          .encodeToString(
              "{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNz\"}}}"
                  .getBytes(StandardCharsets.UTF_8));

  private static final String POLICY =
      "{\"apiVersion\":\"pullpolicy.dev/v1alpha1\",\"kind\":\"PullCredentialPolicy\","
          + "\"metadata\":{\"name\":\"train\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},"
          + "\"spec\":{\"sources\":[{\"namespace\":\"src\",\"name\":\"creds\"}]},"
          + "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Synced\","
          + "\"message\":\"ok\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}],"
          + "\"registries\":[\"registry.example.com\"],"
          + "\"namespaces\":{\"selected\":1,\"synced\":1},\"serviceAccounts\":{\"selected\":1,\"patched\":1}}}";

  private static final String NAMESPACE =
      "{\"metadata\":{\"name\":\"team\",\"labels\":{\"a\":\"b\"}},\"status\":{\"phase\":\"Active\"}}";

  private static final String SECRET =
      "{\"metadata\":{\"name\":\"train\",\"namespace\":\"team\",\"labels\":{\"pullpolicy.dev/policy\":\"train\"}},"
          + "\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":{\".dockerconfigjson\":\""
          + AUTH
          + "\"}}";

  private static final String SERVICE_ACCOUNT =
      "{\"metadata\":{\"name\":\"default\",\"namespace\":\"team\"},\"imagePullSecrets\":[{\"name\":\"train\"}]}";

  private static final String POD =
      "{\"metadata\":{\"name\":\"web\",\"namespace\":\"team\"},"
          + "\"spec\":{\"serviceAccountName\":\"default\",\"containers\":[{\"name\":\"app\",\"image\":\"registry.example.com/app:1\"}]},"
          + "\"status\":{\"containerStatuses\":[{\"name\":\"app\",\"image\":\"registry.example.com/app:1\","
          + "\"ready\":false,\"restartCount\":0,\"imageID\":\"\","
          + "\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\",\"message\":\"x\"}}}]}}";

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("kubectl-pullpolicy-training");
    Tls tls = Tls.make(dir);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    HttpServer server;
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls.context()));
      server = https;
    } else {
      server = HttpServer.create(address, 0);
    }
    Map<String, String> lists =
        Map.of(
            "/apis/pullpolicy.dev/v1alpha1/pullcredentialpolicies", list(POLICY),
            "/api/v1/namespaces", list(NAMESPACE),
            "/api/v1/serviceaccounts", list(SERVICE_ACCOUNT),
            "/api/v1/namespaces/team/serviceaccounts", list(SERVICE_ACCOUNT),
            "/api/v1/pods", list(POD),
            "/api/v1/namespaces/team/pods", list(POD),
            "/api/v1/secrets", list(SECRET));
    Map<String, String> objects =
        Map.of(
            "/apis/pullpolicy.dev/v1alpha1/pullcredentialpolicies/train", POLICY,
            "/api/v1/namespaces/team", NAMESPACE,
            "/api/v1/namespaces/team/secrets/train", SECRET,
            "/api/v1/namespaces/src/secrets/creds", SECRET,
            "/api/v1/namespaces/team/serviceaccounts/default", SERVICE_ACCOUNT);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String body = lists.getOrDefault(path, objects.get(path));
          int code = body == null ? 404 : 200;
          if (body == null) {
            body =
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(code, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    Path kubeconfig = dir.resolve("config");
    String port = String.valueOf(server.getAddress().getPort());
    Files.writeString(
        kubeconfig,
        tls == null
            ? "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server:"
                + " http://127.0.0.1:"
                + port
                + "\ncontexts:\n- name: t\n  context:\n    cluster: t\n    user: t\n    namespace:"
                + " team\ncurrent-context: t\nusers:\n- name: t\n  user:\n    token: training\n"
            : "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server:"
                + " https://127.0.0.1:"
                + port
                + "\n    certificate-authority-data: "
                + tls.certificateData()
                + "\ncontexts:\n- name: t\n  context:\n    cluster: t\n    user: t\n    namespace:"
                + " team\ncurrent-context: t\nusers:\n- name: t\n  user:\n"
                + "    client-certificate-data: "
                + tls.certificateData()
                + "\n    client-key-data: "
                + tls.keyData()
                + "\n");
    String k = kubeconfig.toString();
    try {
      run("list", "--kubeconfig", k);
      run("list", "--kubeconfig", k, "-o", "wide");
      run("list", "--kubeconfig", k, "-o", "yaml");
      run("status", "--kubeconfig", k);
      run("status", "train", "--kubeconfig", k, "-o", "json");
      run("doctor", "--kubeconfig", k, "-A");
      run("doctor", "--kubeconfig", k, "-n", "team");
      run("explain", "registry.example.com/app:1", "--kubeconfig", k, "-n", "team");
      run("create", "x", "--from-secret", "a/b", "--dry-run=client", "-o", "yaml");
      run("version");
      run("list", "--help");
      run("nonsense");
    } finally {
      server.stop(0);
      Files.deleteIfExists(kubeconfig);
      Files.deleteIfExists(dir.resolve("tls.p12"));
      Files.deleteIfExists(dir);
    }
  }

  /**
   * A throw-away key and self-signed certificate for the loopback server, made with the JDK's
   * keytool, so that the training covers TLS and client-certificate set-up as real clusters use
   * them. Null when keytool is not there (the training then runs over plain HTTP).
   */
  record Tls(SSLContext context, String certificateData, String keyData) {
    static Tls make(Path dir) {
      try {
        Path store = dir.resolve("tls.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p =
            new ProcessBuilder(
                    keytool,
                    "-genkeypair",
                    "-alias",
                    "t",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=127.0.0.1",
                    "-ext",
                    "SAN=ip:127.0.0.1",
                    "-keystore",
                    store.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    "training",
                    "-keypass",
                    "training")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) {
          return null;
        }
        char[] password = "training".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
          ks.load(in, password);
        }
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        var mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        String cert =
            "-----BEGIN CERTIFICATE-----\n"
                + mime.encodeToString(ks.getCertificate("t").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        String key =
            "-----BEGIN PRIVATE KEY-----\n"
                + mime.encodeToString(ks.getKey("t", password).getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Base64.Encoder b64 = Base64.getEncoder();
        return new Tls(
            ctx,
            b64.encodeToString(cert.getBytes(StandardCharsets.US_ASCII)),
            b64.encodeToString(key.getBytes(StandardCharsets.US_ASCII)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (Exception e) {
        return null;
      }
    }
  }

  private static String list(String item) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
        + item
        + "]}";
  }

  private static void run(String... args) {
    var cmd = Main.commandLine(args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    if (System.getenv("PULLPOLICY_TRAINING_DEBUG") != null) {
      System.err.println(String.join(" ", args) + " -> " + code + "\n" + out + err);
    }
  }
}
