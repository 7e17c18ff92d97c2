package dev.pullpolicy.plugin.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Where and how to connect, as kubectl works it out: the kubeconfig (one file with {@code
 * --kubeconfig}, else the files of {@code KUBECONFIG} merged, else {@code ~/.kube/config}, else the
 * in-cluster ServiceAccount), then the flags on top. Files named in it are read here; an exec
 * credential plugin runs only when the first request needs it.
 */
public record ClientConfig(
    String context,
    String cluster,
    String user,
    URI server,
    String namespace,
    Trust trust,
    Credentials credentials,
    Impersonation impersonation,
    String proxyUrl,
    boolean disableCompression,
    Duration timeout) {

  /**
   * How the server is verified: not at all ({@code insecure}), against the given CA certificates
   * (PEM), or against the JDK's roots when there are none; {@code serverName} is the name the
   * certificate must carry (and the SNI), null for the URL's host.
   */
  public record Trust(boolean insecure, String caPem, String caSource, String serverName) {}

  /**
   * Who we are: a bearer token (or a file holding one), a client certificate, or an exec plugin.
   */
  public record Credentials(
      String token,
      Path tokenFile,
      String certificatePem,
      String keyPem,
      String certificateSource,
      String keySource,
      ExecConfig exec) {
    static final Credentials NONE = new Credentials(null, null, null, null, null, null, null);

    boolean hasCertificate() {
      return certificatePem != null;
    }
  }

  /** A client-go credential plugin ({@code users[].user.exec}). */
  public record ExecConfig(
      String apiVersion,
      String command,
      List<String> args,
      Map<String, String> env,
      String installHint,
      boolean provideClusterInfo,
      String interactiveMode,
      JsonNode clusterExtension) {}

  /** The {@code Impersonate-*} headers; empty user means none. */
  public record Impersonation(
      String user, String uid, List<String> groups, Map<String, List<String>> extra) {
    static final Impersonation NONE = new Impersonation(null, null, List.of(), Map.of());
  }

  /** The process environment the loading looks at; a map in tests. */
  public interface Environment {
    String get(String name);

    Path home();

    /** The folder of the in-cluster ServiceAccount (token, ca.crt, namespace). */
    default Path serviceAccountDir() {
      return Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    }

    static Environment system() {
      return new Environment() {
        @Override
        public String get(String name) {
          return System.getenv(name);
        }

        @Override
        public Path home() {
          return Path.of(System.getProperty("user.home"));
        }
      };
    }
  }

  /** The kubeconfig files kubectl would read, in merge order; they may not all exist. */
  public static List<Path> kubeconfigFiles(Overrides o, Environment env) {
    if (Overrides.given(o.kubeconfig)) {
      return List.of(Path.of(o.kubeconfig));
    }
    String list = env.get("KUBECONFIG");
    if (list != null && !list.isEmpty()) {
      Set<Path> files = new LinkedHashSet<>();
      for (String p : list.split(File.pathSeparator)) {
        if (!p.isEmpty()) {
          files.add(Path.of(p));
        }
      }
      return List.copyOf(files);
    }
    return List.of(env.home().resolve(".kube").resolve("config"));
  }

  /** The kubeconfig, merged; {@code --kubeconfig} must exist, other files may be missing. */
  public static Kubeconfig kubeconfig(Overrides o, Environment env) {
    List<Path> files = kubeconfigFiles(o, env);
    if (Overrides.given(o.kubeconfig)) {
      if (!Files.isRegularFile(files.get(0))) {
        throw new ConfigException("kubeconfig file " + o.kubeconfig + " does not exist");
      }
      return Kubeconfig.read(files);
    }
    return Kubeconfig.read(files.stream().filter(Files::isRegularFile).toList());
  }

  /** Works out the connection from the kubeconfig and the flags. */
  public static ClientConfig load(Overrides o, Environment env) {
    Kubeconfig kc = kubeconfig(o, env);
    if (kc.isEmpty() && !Overrides.given(o.server) && !Overrides.given(o.context)) {
      ClientConfig inCluster = inCluster(o, env);
      if (inCluster != null) {
        return inCluster;
      }
      throw new ConfigException(
          "no cluster configured: set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config");
    }
    return load(kc, o);
  }

  /** The connection for a kubeconfig already read and the flags. */
  public static ClientConfig load(Kubeconfig kc, Overrides o) {
    String contextName = Overrides.given(o.context) ? o.context : kc.currentContext();
    Kubeconfig.Entry context = contextName == null ? null : kc.contexts().get(contextName);
    if (Overrides.given(o.context) && context == null) {
      throw new ConfigException("context \"" + o.context + "\" does not exist");
    }
    if (contextName != null && context == null) {
      throw new ConfigException(
          "context was not found for specified context: " + contextName + " (check --context)");
    }
    String clusterName =
        Overrides.given(o.cluster) ? o.cluster : context == null ? null : context.text("cluster");
    String userName =
        Overrides.given(o.user) ? o.user : context == null ? null : context.text("user");
    Kubeconfig.Entry cluster = clusterName == null ? null : kc.clusters().get(clusterName);
    Kubeconfig.Entry user = userName == null ? null : kc.users().get(userName);
    if (Overrides.given(o.cluster) && cluster == null) {
      throw new ConfigException("cluster \"" + o.cluster + "\" does not exist");
    }
    if (Overrides.given(o.user) && user == null) {
      throw new ConfigException("auth info \"" + o.user + "\" does not exist");
    }
    String namespace =
        Overrides.given(o.namespace)
            ? o.namespace
            : context == null || context.text("namespace") == null
                ? "default"
                : context.text("namespace");

    String serverText = Overrides.given(o.server) ? o.server : text(cluster, "server");
    if (serverText == null) {
      throw new ConfigException(
          clusterName == null
              ? "no server found: the kubeconfig's context names no cluster (set --server or"
                  + " --context)"
              : "no server found for cluster \"" + clusterName + "\"");
    }
    URI server = serverUri(serverText);
    Trust trust = trust(cluster, clusterName, o);
    Credentials credentials = withClusterExtension(credentials(user, userName, o), cluster);
    Impersonation impersonation = impersonation(user, o);
    String proxy = Overrides.given(o.proxyUrl) ? o.proxyUrl : text(cluster, "proxy-url");
    boolean noCompression =
        o.disableCompression || (cluster != null && cluster.flag("disable-compression"));
    return new ClientConfig(
        contextName,
        clusterName,
        userName,
        server,
        namespace,
        trust,
        credentials,
        impersonation,
        proxy,
        noCompression,
        o.requestTimeout);
  }

  private static String text(Kubeconfig.Entry e, String field) {
    return e == null ? null : e.text(field);
  }

  /** {@code host:port} means https, as in kubectl; a path (behind a proxy) is kept. */
  static URI serverUri(String text) {
    String s = text.contains("://") ? text : "https://" + text;
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
        throw new ConfigException("invalid server URL \"" + text + "\"");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      return new URI(scheme + "://" + uri.getRawAuthority() + path);
    } catch (URISyntaxException e) {
      throw new ConfigException("invalid server URL \"" + text + "\": " + e.getReason());
    }
  }

  private static Trust trust(Kubeconfig.Entry cluster, String clusterName, Overrides o) {
    boolean insecure;
    Path caFile;
    String caData;
    if (o.insecureSkipTlsVerify || Overrides.given(o.certificateAuthority)) {
      // A flag for either replaces the kubeconfig's CA and insecure setting, as in kubectl.
      insecure = o.insecureSkipTlsVerify;
      caFile = Overrides.given(o.certificateAuthority) ? Path.of(o.certificateAuthority) : null;
      caData = null;
    } else {
      insecure = cluster != null && cluster.flag("insecure-skip-tls-verify");
      caFile = cluster == null ? null : cluster.path("certificate-authority");
      caData = text(cluster, "certificate-authority-data");
      if (caFile != null && caData != null) {
        throw new ConfigException(
            "certificate-authority-data and certificate-authority are both specified for cluster \""
                + clusterName
                + "\"");
      }
    }
    if (insecure && (caFile != null || caData != null)) {
      throw new ConfigException(
          "specifying a root certificates file with the insecure flag is not allowed");
    }
    String serverName =
        Overrides.given(o.tlsServerName) || Overrides.given(o.server)
            ? emptyToNull(o.tlsServerName)
            : text(cluster, "tls-server-name");
    if (caFile != null) {
      return new Trust(
          false, readText(caFile, "certificate-authority"), caFile.toString(), serverName);
    }
    if (caData != null) {
      return new Trust(
          false,
          decodeBase64(caData, "certificate-authority-data of cluster \"" + clusterName + "\""),
          "certificate-authority-data of cluster \"" + clusterName + "\"",
          serverName);
    }
    return new Trust(insecure, null, null, serverName);
  }

  private static Credentials credentials(Kubeconfig.Entry user, String userName, Overrides o) {
    String who = "user \"" + userName + "\"";
    String token = Overrides.given(o.token) ? o.token : text(user, "token");
    Path tokenFile = token != null || user == null ? null : user.path("tokenFile");
    PemInput cert =
        pem(
            o.clientCertificate,
            user,
            who,
            "client-certificate",
            "client-cert-data",
            "client-cert");
    PemInput key = pem(o.clientKey, user, who, "client-key", "client-key-data", "client-key");
    String certPem = cert.text();
    String keyPem = key.text();
    if ((certPem == null) != (keyPem == null)) {
      throw new ConfigException(
          certPem == null
              ? "client-key is given without client-certificate for " + who
              : "client-certificate is given without client-key for " + who);
    }
    ExecConfig exec = null;
    // As in client-go, a token or a certificate given otherwise makes the exec plugin unused.
    if (token == null && tokenFile == null && certPem == null && user != null) {
      exec = exec(user, who);
      if (exec == null && user.node("auth-provider").isObject()) {
        String name = user.node("auth-provider").path("name").asText("?");
        throw new ConfigException(
            "the auth-provider \""
                + name
                + "\" of "
                + who
                + " is not supported by kubectl pullpolicy: use an exec credential plugin"
                + " (client.authentication.k8s.io/v1) instead");
      }
    }
    return new Credentials(token, tokenFile, certPem, keyPem, cert.source(), key.source(), exec);
  }

  /** A PEM text and where it came from (for messages); both null when none is given. */
  private record PemInput(String text, String source) {}

  /**
   * A client certificate or key: the flag's file, else the user's {@code FIELD} file or {@code
   * FIELD-data}, never both ({@code bothData} and {@code bothFile} name them as kubectl's message
   * does).
   */
  private static PemInput pem(
      String flag,
      Kubeconfig.Entry user,
      String who,
      String field,
      String bothData,
      String bothFile) {
    if (Overrides.given(flag)) {
      return new PemInput(readText(Path.of(flag), field), flag);
    }
    if (user == null) {
      return new PemInput(null, null);
    }
    Path file = user.path(field);
    String data = user.text(field + "-data");
    if (file != null && data != null) {
      throw new ConfigException(bothData + " and " + bothFile + " are both specified for " + who);
    }
    if (file != null) {
      return new PemInput(readText(file, field), file.toString());
    }
    if (data != null) {
      String source = field + "-data of " + who;
      return new PemInput(decodeBase64(data, source), source);
    }
    return new PemInput(null, null);
  }

  /** The cluster's {@code client.authentication.k8s.io/exec} extension, given to exec plugins. */
  private static Credentials withClusterExtension(Credentials c, Kubeconfig.Entry cluster) {
    if (c.exec() == null || cluster == null) {
      return c;
    }
    for (JsonNode ext : cluster.node("extensions")) {
      if ("client.authentication.k8s.io/exec".equals(ext.path("name").asText())) {
        ExecConfig e = c.exec();
        return new Credentials(
            c.token(),
            c.tokenFile(),
            c.certificatePem(),
            c.keyPem(),
            c.certificateSource(),
            c.keySource(),
            new ExecConfig(
                e.apiVersion(),
                e.command(),
                e.args(),
                e.env(),
                e.installHint(),
                e.provideClusterInfo(),
                e.interactiveMode(),
                ext.path("extension")));
      }
    }
    return c;
  }

  private static ExecConfig exec(Kubeconfig.Entry user, String who) {
    JsonNode exec = user.node("exec");
    if (!exec.isObject()) {
      return null;
    }
    String apiVersion = exec.path("apiVersion").asText("");
    if (!apiVersion.equals(ExecCredentials.V1) && !apiVersion.equals(ExecCredentials.V1BETA1)) {
      throw new ConfigException(
          "exec plugin of "
              + who
              + ": invalid apiVersion \""
              + apiVersion
              + "\" (use "
              + ExecCredentials.V1
              + " or "
              + ExecCredentials.V1BETA1
              + ")");
    }
    String command = exec.path("command").asText("");
    if (command.isEmpty()) {
      throw new ConfigException("exec plugin of " + who + " has no command");
    }
    if (command.contains("/") && !Path.of(command).isAbsolute()) {
      // client-go resolves a command with a path separator against the kubeconfig's folder.
      command = user.resolve(command).toString();
    }
    List<String> args = new ArrayList<>();
    exec.path("args").forEach(a -> args.add(a.asText()));
    Map<String, String> env = new LinkedHashMap<>();
    exec.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    String mode = exec.path("interactiveMode").asText("");
    if (mode.isEmpty()) {
      if (apiVersion.equals(ExecCredentials.V1)) {
        throw new ConfigException(
            "exec plugin of " + who + ": interactiveMode must be specified for " + apiVersion);
      }
      mode = "IfAvailable";
    }
    if (!mode.equals("Never") && !mode.equals("IfAvailable") && !mode.equals("Always")) {
      throw new ConfigException(
          "exec plugin of " + who + ": invalid interactiveMode \"" + mode + "\"");
    }
    return new ExecConfig(
        apiVersion,
        command,
        List.copyOf(args),
        env,
        exec.path("installHint").asText(null),
        exec.path("provideClusterInfo").asBoolean(false),
        mode,
        null);
  }

  private static Impersonation impersonation(Kubeconfig.Entry user, Overrides o) {
    String as = Overrides.given(o.as) ? o.as : text(user, "as");
    String uid = Overrides.given(o.asUid) ? o.asUid : text(user, "as-uid");
    List<String> groups =
        !o.asGroups.isEmpty() ? o.asGroups : user == null ? List.of() : user.texts("as-groups");
    Map<String, List<String>> extra = new LinkedHashMap<>();
    if (!o.asUserExtra.isEmpty()) {
      extra.putAll(o.asUserExtra);
    } else if (user != null) {
      user.node("as-user-extra")
          .fields()
          .forEachRemaining(
              f -> {
                List<String> values = new ArrayList<>();
                f.getValue().forEach(v -> values.add(v.asText()));
                extra.put(f.getKey(), values);
              });
    }
    if (as == null && uid == null && groups.isEmpty() && extra.isEmpty()) {
      return Impersonation.NONE;
    }
    if (as == null) {
      // The API server refuses groups, uid or extra without a user; say it before asking.
      throw new ConfigException(
          "impersonating groups, a uid or extra fields needs a user to impersonate (--as)");
    }
    return new Impersonation(as, uid, List.copyOf(groups), Map.copyOf(extra));
  }

  /** The Pod's own ServiceAccount, when kubectl would use it (no kubeconfig at all). */
  private static ClientConfig inCluster(Overrides o, Environment env) {
    String host = env.get("KUBERNETES_SERVICE_HOST");
    String port = env.get("KUBERNETES_SERVICE_PORT");
    Path dir = env.serviceAccountDir();
    Path tokenFile = dir.resolve("token");
    if (host == null || host.isEmpty() || port == null || port.isEmpty()) {
      return null;
    }
    if (!Files.isRegularFile(tokenFile)) {
      return null;
    }
    String hostPart = host.contains(":") ? "[" + host + "]" : host;
    Path caFile =
        Overrides.given(o.certificateAuthority)
            ? Path.of(o.certificateAuthority)
            : dir.resolve("ca.crt");
    Trust trust =
        o.insecureSkipTlsVerify
            ? new Trust(true, null, null, emptyToNull(o.tlsServerName))
            : new Trust(
                false,
                readText(caFile, "certificate-authority"),
                caFile.toString(),
                emptyToNull(o.tlsServerName));
    Credentials credentials =
        Overrides.given(o.token)
            ? new Credentials(o.token, null, null, null, null, null, null)
            : new Credentials(null, tokenFile, null, null, null, null, null);
    String namespace = o.namespace;
    if (!Overrides.given(namespace)) {
      namespace = env.get("POD_NAMESPACE");
    }
    if (!Overrides.given(namespace)) {
      try {
        namespace = Files.readString(dir.resolve("namespace")).strip();
      } catch (IOException e) {
        namespace = null;
      }
    }
    Overrides noUser = new Overrides();
    noUser.as = o.as;
    noUser.asGroups = o.asGroups;
    noUser.asUid = o.asUid;
    noUser.asUserExtra = o.asUserExtra;
    return new ClientConfig(
        null,
        null,
        null,
        serverUri("https://" + hostPart + ":" + port),
        Overrides.given(namespace) ? namespace : "default",
        trust,
        credentials,
        impersonation(null, noUser),
        emptyToNull(o.proxyUrl),
        o.disableCompression,
        o.requestTimeout);
  }

  private static String readText(Path file, String what) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("cannot read " + what + " " + file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  private static String decodeBase64(String data, String what) {
    try {
      return Pem.text(Base64.getMimeDecoder().decode(data));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(what + " is not valid base64");
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The cluster as an exec plugin sees it with {@code provideClusterInfo}. */
  Map<String, Object> execClusterInfo(Function<String, String> base64) {
    Map<String, Object> c = new LinkedHashMap<>();
    ExecConfig exec = credentials.exec();
    c.put("server", server.toString());
    if (trust.serverName() != null) {
      c.put("tls-server-name", trust.serverName());
    }
    if (trust.insecure()) {
      c.put("insecure-skip-tls-verify", true);
    }
    if (trust.caPem() != null) {
      c.put("certificate-authority-data", base64.apply(trust.caPem()));
    }
    if (proxyUrl != null) {
      c.put("proxy-url", proxyUrl);
    }
    if (disableCompression) {
      c.put("disable-compression", true);
    }
    if (exec != null
        && exec.clusterExtension() != null
        && !exec.clusterExtension().isMissingNode()) {
      c.put("config", exec.clusterExtension());
    }
    return c;
  }
}
