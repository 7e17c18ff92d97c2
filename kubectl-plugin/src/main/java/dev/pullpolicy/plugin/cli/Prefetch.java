package dev.pullpolicy.plugin.cli;

import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.transport.ClientConfig;
import dev.pullpolicy.plugin.transport.KubeApi;

/**
 * The first request of {@code list} and {@code status}, sent while the main thread builds the
 * command model and parses the command line: both commands always read the policies' collection,
 * and on a fresh JVM reading the kubeconfig, setting up TLS and the handshake take about as long as
 * building picocli's model, so doing them side by side saves most of one of them.
 *
 * <p>It is made only when the command line cannot change the connection: no connection flag (nor
 * help) appears in it ({@link #mayStart}, checked again on the parsed flags by {@link
 * ClusterOptions}), and the kubeconfig's user runs no exec plugin (which may prompt). The client is
 * the one the command would make ({@link ClusterOptions#config()} with no flag given) and the
 * command takes it over with the answer, or with the failure, exactly as if it had sent the request
 * itself. A command line that turns out to be wrong (exit 2) then has read the policies once, and
 * nothing else.
 */
public final class Prefetch {
  private Prefetch() {}

  private static Thread thread;
  private static KubeApi api;

  /**
   * The names the command line must not contain for a prefetch: kubectl's connection flags (a long
   * name also stands for {@code --name=value}) and help. Single-dash words are refused when they
   * hold {@code s} (a {@code -s} perhaps clustered with other short options, e.g. {@code -As}), or
   * {@code h} or {@code V}.
   */
  static final String[] CONNECTION_FLAGS = {
    "--kubeconfig",
    "--context",
    "--cluster",
    "--user",
    "--server",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "--token",
    "--insecure-skip-tls-verify",
    "--tls-server-name",
    "--as",
    "--proxy-url",
    "--request-timeout",
    "--disable-compression",
    "--cache-dir",
    "--help",
    "--version",
  };

  /** Whether this command line may be prefetched for (see the class comment). */
  static boolean mayStart(String... args) {
    if (args.length == 0) {
      return false;
    }
    switch (args[0]) {
      case "list", "ls", "status" -> {}
      default -> {
        return false;
      }
    }
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        for (String flag : CONNECTION_FLAGS) {
          // --as also stands for --as-group, --as-uid, --as-user-extra
          if (a.startsWith(flag)) {
            return false;
          }
        }
      } else if (a.startsWith("-")
          && (a.indexOf('s') > 0 || a.indexOf('h') > 0 || a.indexOf('V') > 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Starts the prefetch when this command line allows it (see the class comment); whether it did.
   */
  public static boolean start(String... args) {
    if (!mayStart(args)) {
      return false;
    }
    Thread t = new Thread(Prefetch::run, "prefetch");
    t.setDaemon(true);
    thread = t;
    t.start();
    return true;
  }

  private static void run() {
    try {
      // what ClusterOptions works out when no flag is given (not config(): that takes this
      // prefetch)
      ClientConfig config =
          ClientConfig.load(new ClusterOptions().overrides(), ClientConfig.Environment.system());
      Trace.mark("kubeconfig read");
      if (config.credentials().exec() != null) {
        return;
      }
      KubeApi client = KubeApi.of(config);
      client.prefetch(ClusterReader.POLICIES, ClusterReader.JSON);
      api = client;
    } catch (RuntimeException | LinkageError e) {
      // the command works it out itself and says what is wrong
    }
  }

  /**
   * The client of the prefetch with its answer waiting, once it is done; null when none was made or
   * it got nowhere (the command then makes its own).
   */
  static KubeApi take() {
    Thread t = thread;
    if (t == null) {
      return null;
    }
    thread = null;
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    KubeApi taken = api;
    api = null;
    return taken;
  }
}
