package dev.pullpolicy.plugin.cli;

import dev.pullpolicy.plugin.transport.ClientConfig;
import dev.pullpolicy.plugin.transport.KubeApi;
import dev.pullpolicy.plugin.transport.Overrides;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * kubectl's connection flags, shared by every command that talks to a cluster: a plugin receives
 * what users type after {@code kubectl pullpolicy}, and they type what they type for {@code kubectl
 * get}. Each flag wins over the kubeconfig, as in kubectl ({@link ClientConfig}).
 */
public class ClusterOptions {

  /** The flags, under their own heading in {@code --help}. */
  @ArgGroup(validate = false, heading = "%nConnection (as for kubectl):%n", order = 100)
  Flags flags = new Flags();

  @Option(
      names = {"-v", "--v", "--verbose"},
      arity = "0",
      parameterConsumer = LogLevel.class,
      description = "Print a stack trace on errors (kubectl's -v=LEVEL is taken the same way).")
  boolean verbose;

  /** kubectl's {@code -v} takes a log level ({@code -v=6}, {@code -v 6}): taken, not required. */
  static final class LogLevel implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec option, CommandSpec command) {
      if (!args.isEmpty() && args.peek().matches("\\d+")) {
        args.pop();
      }
      option.setValue(true);
    }
  }

  /** kubectl's flags, same names and meanings. */
  static class Flags {
    @Option(
        names = "--kubeconfig",
        paramLabel = "FILE",
        description = "Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
    String kubeconfig;

    @Option(
        names = "--context",
        paramLabel = "NAME",
        description = "The kubeconfig context to use.")
    String context;

    @Option(
        names = "--cluster",
        paramLabel = "NAME",
        description = "The kubeconfig cluster to use.")
    String cluster;

    @Option(names = "--user", paramLabel = "NAME", description = "The kubeconfig user to use.")
    String user;

    @Option(
        names = {"-s", "--server"},
        paramLabel = "URL",
        description = "The address and port of the Kubernetes API server.")
    String server;

    @Option(
        names = "--certificate-authority",
        paramLabel = "FILE",
        description = "Path to a cert file for the certificate authority.")
    String certificateAuthority;

    @Option(
        names = "--client-certificate",
        paramLabel = "FILE",
        description = "Path to a client certificate file for TLS.")
    String clientCertificate;

    @Option(
        names = "--client-key",
        paramLabel = "FILE",
        description = "Path to a client key file for TLS.")
    String clientKey;

    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        description = "Bearer token for authentication to the API server.")
    String token;

    @Option(
        names = "--insecure-skip-tls-verify",
        arity = "0..1",
        fallbackValue = "true",
        paramLabel = "BOOL",
        description =
            "Do not check the server's certificate: this makes your HTTPS connections insecure.")
    boolean insecureSkipTlsVerify;

    @Option(
        names = "--tls-server-name",
        paramLabel = "NAME",
        description =
            "Server name to use for certificate validation (and SNI); default: the server's"
                + " host name.")
    String tlsServerName;

    @Option(
        names = "--as",
        paramLabel = "USER",
        description = "Username to impersonate for the operation (a user or a ServiceAccount).")
    String as;

    @Option(
        names = "--as-group",
        paramLabel = "GROUP",
        description = "Group to impersonate for the operation; repeat for several.")
    List<String> asGroups = new ArrayList<>();

    @Option(names = "--as-uid", paramLabel = "UID", description = "UID to impersonate.")
    String asUid;

    @Option(
        names = "--as-user-extra",
        paramLabel = "KEY=VALUE",
        description = "User extra to impersonate; repeat for several.")
    List<String> asUserExtra = new ArrayList<>();

    @Option(
        names = "--proxy-url",
        paramLabel = "URL",
        description = "Proxy to reach the API server through (http:// or socks5://).")
    String proxyUrl;

    @Option(
        names = "--request-timeout",
        paramLabel = "DURATION",
        defaultValue = "0",
        description =
            "How long to wait for one request to the server (e.g. 1s, 2m, 3h; 0 = no timeout).")
    String requestTimeout = "0";

    @Option(
        names = "--disable-compression",
        arity = "0..1",
        fallbackValue = "true",
        paramLabel = "BOOL",
        description = "Do not ask the server for gzip-compressed answers.")
    boolean disableCompression;

    // kubectl's flag for its discovery cache: accepted so that a command line copied from kubectl
    // does not fail; the plugin keeps no such cache.
    @Option(names = "--cache-dir", hidden = true)
    String cacheDir;
  }

  private ClientConfig config;
  private KubeApi api;

  /** The overrides the flags make. */
  public Overrides overrides() {
    return new Overrides()
        .kubeconfig(flags.kubeconfig)
        .context(flags.context)
        .cluster(flags.cluster)
        .user(flags.user)
        .server(flags.server)
        .certificateAuthority(flags.certificateAuthority)
        .clientCertificate(flags.clientCertificate)
        .clientKey(flags.clientKey)
        .token(flags.token)
        .insecureSkipTlsVerify(flags.insecureSkipTlsVerify)
        .tlsServerName(flags.tlsServerName)
        .as(flags.as)
        .asGroups(flags.asGroups)
        .asUid(flags.asUid)
        .asUserExtra(userExtra(flags.asUserExtra))
        .proxyUrl(flags.proxyUrl)
        .disableCompression(flags.disableCompression)
        .requestTimeout(parseDuration(flags.requestTimeout));
  }

  /** The connection from the kubeconfig and the flags; worked out once. */
  public ClientConfig config() {
    if (config == null) {
      Overrides overrides = overrides();
      // a prefetch (list, status) used this same configuration: no flag given
      KubeApi early = overrides.noneGiven() ? Prefetch.take() : null;
      if (early != null) {
        api = early;
        config = early.config();
      } else {
        config = ClientConfig.load(overrides, ClientConfig.Environment.system());
      }
    }
    return config;
  }

  /** The namespace of the current context, or {@code default}. */
  public String defaultNamespace() {
    return config().namespace();
  }

  /** The API client, made on first use. */
  public KubeApi api() {
    if (api == null) {
      ClientConfig c = config();
      if (api == null) {
        api = KubeApi.of(c);
      }
      Trace.mark("kubeconfig read");
    }
    return api;
  }

  /** Whether {@code -v} was given. */
  public boolean verbose() {
    return verbose;
  }

  private static Map<String, List<String>> userExtra(List<String> pairs) {
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw PluginException.usage("invalid --as-user-extra \"" + pair + "\": use KEY=VALUE");
      }
      extra
          .computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>())
          .add(pair.substring(eq + 1));
    }
    return extra;
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

  /** Parses kubectl's duration flags: a number with an optional unit (ms, s, m, h). */
  public static Duration parseDuration(String text) {
    Duration total = Duration.ZERO;
    Matcher m = DURATION.matcher(text);
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      total =
          total.plus(
              switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
              });
      end = m.end();
    }
    if (end != text.length() || text.isEmpty()) {
      throw PluginException.usage(
          "invalid --request-timeout \"" + text + "\": use a number with a unit, e.g. 5s, 1m");
    }
    return total;
  }

  /** Nothing to close: connections end with the process. Kept for the commands' structure. */
  public void close() {}
}
