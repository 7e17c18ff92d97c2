package dev.pullpolicy.operator.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Leader election and API client tuning, from {@code pullpolicy.*} properties. */
public class OperatorConfiguration {
  /** The User-Agent prefix of every request the operator makes. */
  public static final String USER_AGENT = "pullpolicy-operator";

  private static final Logger LOG = Logger.getLogger(OperatorConfiguration.class);
  private static final Path SA_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /**
   * Leader election with a Lease ({@code pullpolicy.leader-election.*}); several replicas are safe.
   * {@code PULLPOLICY_LEADER_ELECTION_ENABLED=false} turns it off for a local run.
   */
  @Singleton
  public static class LeaderElection implements ConfigurationServiceCustomizer {
    @ConfigProperty(
        name = "pullpolicy.leader-election.lease-name",
        defaultValue = "pullpolicy-operator")
    String leaseName;

    @ConfigProperty(name = "pullpolicy.leader-election.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "pullpolicy.leader-election.namespace")
    Optional<String> namespace;

    @Override
    public Consumer<ConfigurationServiceOverrider> overrider() {
      return o -> {
        if (!enabled) {
          LOG.info("leader election disabled (pullpolicy.leader-election.enabled=false)");
          return;
        }
        String ns = leaseNamespace();
        LOG.infof("leader election with Lease %s/%s", ns, leaseName);
        o.withLeaderElectionConfiguration(
            new LeaderElectionConfiguration(
                leaseName,
                ns,
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                System.getenv("HOSTNAME"),
                new LeaderCallbacks(() -> {}, LeaderElection::stoppedLeading, leader -> {}),
                // JOSDK's own exit runs System.exit inside the shutdown hook that stops it, and
                // System.exit there waits for that very hook: SIGTERM never ended the process.
                false));
      };
    }

    /**
     * Leadership lost while running: exit, so that the Pod restarts as a standby rather than a
     * replica that reconciles nothing. During shutdown (SIGTERM) losing it is expected: let the
     * shutdown finish. The exit runs on its own thread so the elector's thread is free to stop.
     */
    static void stoppedLeading() {
      if (shuttingDown()) {
        LOG.info("stopped leading: shutting down");
        return;
      }
      LOG.warn("lost leadership; exiting so that a replica takes over");
      Thread exit = new Thread(() -> System.exit(1), "leadership-lost-exit");
      exit.setDaemon(false);
      exit.start();
    }

    static boolean shuttingDown() {
      Thread probe = new Thread(() -> {});
      try {
        Runtime.getRuntime().addShutdownHook(probe);
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
      } catch (IllegalStateException e) {
        return true;
      }
    }

    private String leaseNamespace() {
      if (namespace.isPresent() && !namespace.get().isBlank()) {
        return namespace.get().trim();
      }
      String env = System.getenv("POD_NAMESPACE");
      if (env != null && !env.isBlank()) {
        return env.trim();
      }
      if (Files.isReadable(SA_NAMESPACE)) {
        try {
          return Files.readString(SA_NAMESPACE).trim();
        } catch (IOException e) {
          // fall through
        }
      }
      String fromKubeconfig = Config.autoConfigure(null).getNamespace();
      return fromKubeconfig != null && !fromKubeconfig.isBlank() ? fromKubeconfig : "default";
    }
  }

  /** Client concurrency: enough parallel requests for the writer pool, bounded. */
  @ApplicationScoped
  public static class ClientTuning implements KubernetesConfigCustomizer {
    @ConfigProperty(
        name = "pullpolicy.client.max-concurrent-requests-per-host",
        defaultValue = "32")
    int maxConcurrentRequestsPerHost;

    @ConfigProperty(name = "pullpolicy.client.max-concurrent-requests", defaultValue = "64")
    int maxConcurrentRequests;

    @Override
    public void customize(Config config) {
      config.setMaxConcurrentRequests(maxConcurrentRequests);
      config.setMaxConcurrentRequestsPerHost(maxConcurrentRequestsPerHost);
      // tells the operator's requests apart in audit logs
      config.setUserAgent(USER_AGENT + " " + config.getUserAgent());
    }
  }
}
