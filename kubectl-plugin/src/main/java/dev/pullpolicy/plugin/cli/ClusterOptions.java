package dev.pullpolicy.plugin.cli;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.io.File;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** kubectl's connection flags, shared by every command that talks to a cluster. */
public class ClusterOptions {

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
  String kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context to use.")
  String context;

  @Option(
      names = "--request-timeout",
      paramLabel = "DURATION",
      defaultValue = "0",
      description =
          "How long to wait for one request to the server (e.g. 1s, 2m, 3h; 0 = no timeout).")
  String requestTimeout;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print a stack trace on errors.")
  boolean verbose;

  private static final File IN_CLUSTER_TOKEN =
      new File("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private Config config;
  private KubernetesClient client;

  /** The client configuration from the kubeconfig and the flags; read once. */
  public Config config() {
    if (config == null) {
      Config c;
      try {
        if (kubeconfig != null) {
          File file = new File(kubeconfig);
          if (!file.isFile()) {
            throw new PluginException("kubeconfig file " + kubeconfig + " does not exist");
          }
          c = Config.fromKubeconfig(context, file);
        } else {
          c = Config.autoConfigure(context);
          if (c.getCurrentContext() == null && !IN_CLUSTER_TOKEN.isFile()) {
            // fabric8 would fall back to https://kubernetes.default.svc and fail to resolve it.
            throw new PluginException(
                "no cluster configured: set KUBECONFIG, pass --kubeconfig, or create"
                    + " ~/.kube/config");
          }
        }
      } catch (PluginException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new PluginException(
            "cannot load kubeconfig: " + ErrorHandler.message(e), ExitCode.UNHEALTHY, e);
      }
      if (context != null
          && (c.getCurrentContext() == null || !context.equals(c.getCurrentContext().getName()))) {
        throw new PluginException("context \"" + context + "\" does not exist");
      }
      long timeout = parseDuration(requestTimeout).toMillis();
      c.setRequestTimeout((int) Math.min(Integer.MAX_VALUE, timeout));
      if (timeout > 0) {
        c.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, timeout));
      }
      // A few quick retries, as kubectl does: an API server answers 429 (with Retry-After) while
      // its caches initialise, and fabric8 retries that and 5xx. A refused connection then fails
      // after about 0.7 s instead of at once.
      c.setRequestRetryBackoffLimit(3);
      c.setRequestRetryBackoffInterval(100);
      // A CLI makes a few requests and exits: HTTP/1.1 starts faster than HTTP/2's set-up.
      c.setHttp2Disable(true);
      impersonation(c);
      config = c;
    }
    return config;
  }

  /**
   * Honours the kubeconfig user's {@code as} and {@code as-groups} (impersonation), as kubectl
   * does; fabric8 does not read them.
   */
  private static void impersonation(Config c) {
    NamedContext current = c.getCurrentContext();
    if (current == null || current.getContext() == null || current.getContext().getUser() == null) {
      return;
    }
    File file = KubeConfigUtils.getFileWithNamedAuthInfo(current);
    if (file == null || !file.isFile()) {
      return;
    }
    String user = current.getContext().getUser();
    for (NamedAuthInfo info : KubeConfigUtils.parseConfig(file).getUsers()) {
      if (user.equals(info.getName()) && info.getUser() != null) {
        AuthInfo auth = info.getUser();
        if (auth.getAs() != null && !auth.getAs().isEmpty()) {
          c.setImpersonateUsername(auth.getAs());
          if (auth.getAsGroups() != null) {
            c.setImpersonateGroups(auth.getAsGroups().toArray(String[]::new));
          }
        }
      }
    }
  }

  /** The namespace of the current context, or {@code default}. */
  public String defaultNamespace() {
    String ns = config().getNamespace();
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  /** The client, built on first use. */
  public KubernetesClient client() {
    if (client == null) {
      client = new KubernetesClientBuilder().withConfig(config()).build();
    }
    return client;
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

  /** Closes the client if one was built. */
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
