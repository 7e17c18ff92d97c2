package dev.pullpolicy.plugin.cluster;

import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.plugin.cli.PluginException;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The reads the plugin makes, in one place. It never writes, except {@link #create}. Secrets are
 * read one by one (never listed cluster-wide) and a 403 on them is remembered, not thrown.
 */
public class ClusterReader {
  private final Supplier<KubernetesClient> client;
  private final Map<String, Optional<Secret>> secrets = new HashMap<>();
  private final Map<String, Boolean> secretsForbidden = new HashMap<>();

  /** A reader whose client is made on first use (so commands can check their input first). */
  public ClusterReader(Supplier<KubernetesClient> client) {
    this.client = client;
  }

  public KubernetesClient client() {
    return client.get();
  }

  public List<PullCredentialPolicy> policies() {
    try {
      return client().resources(PullCredentialPolicy.class).list().getItems().stream()
          .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
          .toList();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new PluginException(
            "the server does not know PullCredentialPolicy (is the pullpolicy CRD installed?"
                + " kubectl apply -f crds/)");
      }
      throw e;
    }
  }

  public PullCredentialPolicy policy(String name) {
    PullCredentialPolicy p;
    try {
      p = client().resources(PullCredentialPolicy.class).withName(name).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new PluginException(
            "the server does not know PullCredentialPolicy (is the pullpolicy CRD installed?)");
      }
      throw e;
    }
    if (p == null) {
      throw new PluginException("pullcredentialpolicies.pullpolicy.dev \"" + name + "\" not found");
    }
    return p;
  }

  /** Every policy, or an empty list when the caller may not list them. */
  public Optional<List<PullCredentialPolicy>> policiesIfAllowed() {
    try {
      return Optional.of(policies());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return Optional.empty();
      }
      throw e;
    } catch (PluginException e) {
      return Optional.of(List.of());
    }
  }

  public List<Namespace> namespaces() {
    return client().namespaces().list().getItems().stream()
        .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
        .toList();
  }

  /** A namespace, or empty when it does not exist or may not be read. */
  public Optional<Namespace> namespace(String name) {
    try {
      return Optional.ofNullable(client().namespaces().withName(name).get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public List<ServiceAccount> serviceAccounts(String namespace) {
    return client().serviceAccounts().inNamespace(namespace).list().getItems();
  }

  /** ServiceAccounts in every namespace. */
  public List<ServiceAccount> allServiceAccounts() {
    return client().serviceAccounts().inAnyNamespace().list().getItems();
  }

  public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
    return Optional.ofNullable(
        client().serviceAccounts().inNamespace(namespace).withName(name).get());
  }

  /** Pods in a namespace, or in every namespace when {@code namespace} is null. */
  public List<Pod> pods(String namespace) {
    var pods =
        namespace == null
            ? client().pods().inAnyNamespace().list().getItems()
            : client().pods().inNamespace(namespace).list().getItems();
    return pods.stream()
        .sorted(
            Comparator.comparing((Pod p) -> p.getMetadata().getNamespace())
                .thenComparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /**
   * Reads one Secret; {@link SecretRead#forbidden()} when the caller may not (remembered per
   * namespace, so a user without access is told once and the plugin carries on).
   */
  public SecretRead secret(String namespace, String name) {
    if (Boolean.TRUE.equals(secretsForbidden.get(namespace))) {
      return new SecretRead(null, true);
    }
    String key = namespace + "/" + name;
    Optional<Secret> cached = secrets.get(key);
    if (cached == null) {
      try {
        cached =
            Optional.ofNullable(client().secrets().inNamespace(namespace).withName(name).get());
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403) {
          secretsForbidden.put(namespace, true);
          return new SecretRead(null, true);
        }
        throw e;
      }
      secrets.put(key, cached);
    }
    return new SecretRead(cached.orElse(null), false);
  }

  /** The outcome of reading a Secret: the Secret (null when missing) or forbidden. */
  public record SecretRead(Secret secret, boolean forbidden) {
    /** What the kubelet can make of it as a pull Secret. */
    public PullSecret asPullSecret(String name) {
      if (forbidden) {
        return PullSecrets.forbidden(name);
      }
      return secret == null ? PullSecrets.missing(name) : PullSecrets.read(secret);
    }
  }
}
