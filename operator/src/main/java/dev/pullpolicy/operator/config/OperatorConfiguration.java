package dev.pullpolicy.operator.config;

import io.fabric8.kubernetes.client.Config;
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
    @ConfigProperty(name = "pullpolicy.leader-election.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(
        name = "pullpolicy.leader-election.lease-name",
        defaultValue = "pullpolicy-operator")
    String leaseName;

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
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(leaseName, ns));
      };
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
    @ConfigProperty(name = "pullpolicy.client.max-concurrent-requests", defaultValue = "64")
    int maxConcurrentRequests;

    @ConfigProperty(
        name = "pullpolicy.client.max-concurrent-requests-per-host",
        defaultValue = "32")
    int maxConcurrentRequestsPerHost;

    @Override
    public void customize(Config config) {
      config.setMaxConcurrentRequests(maxConcurrentRequests);
      config.setMaxConcurrentRequestsPerHost(maxConcurrentRequestsPerHost);
      // tells the operator's requests apart in audit logs
      config.setUserAgent(USER_AGENT + " " + config.getUserAgent());
    }
  }
}
