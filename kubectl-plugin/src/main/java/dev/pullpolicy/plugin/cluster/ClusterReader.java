package dev.pullpolicy.plugin.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.plugin.cli.PluginException;
import dev.pullpolicy.plugin.diagnose.Repairs;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The reads the plugin makes, in one place; it never writes. Pull Secrets (for {@code doctor} and
 * {@code explain}) are read one by one and a 403 on them is remembered, not thrown. {@code status}
 * reads Secrets' metadata only ({@link #secretsMetadata}): no Secret data reaches the plugin.
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
   * The Warning Events about Pods in a namespace (the kubelet's {@code Failed to pull image …} and
   * {@code Error: …}), or empty when the caller may not list Events or the server has none to give.
   */
  public Optional<List<Event>> podWarningEvents(String namespace) {
    try {
      return Optional.of(
          client()
              .v1()
              .events()
              .inNamespace(namespace)
              .withField("involvedObject.kind", "Pod")
              .withField("type", "Warning")
              .list()
              .getItems());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 || e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * A Pod's controller (ReplicaSet, StatefulSet, DaemonSet or Job) by kind and name: the object,
   * null when it does not exist, or forbidden.
   */
  public Repairs.OwnerRead controller(String namespace, String kind, String name) {
    try {
      HasMetadata o =
          switch (kind) {
            case "ReplicaSet" ->
                client().apps().replicaSets().inNamespace(namespace).withName(name).get();
            case "StatefulSet" ->
                client().apps().statefulSets().inNamespace(namespace).withName(name).get();
            case "DaemonSet" ->
                client().apps().daemonSets().inNamespace(namespace).withName(name).get();
            case "Job" -> client().batch().v1().jobs().inNamespace(namespace).withName(name).get();
            default -> throw new IllegalArgumentException("not a controller doctor reads: " + kind);
          };
      return new Repairs.OwnerRead(o, false);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return new Repairs.OwnerRead(null, true);
      }
      throw e;
    }
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

  /** The Accept header of a metadata-only list: the API server answers without data. */
  static final String PARTIAL_LIST =
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

  /** The Accept header of a metadata-only read. */
  static final String PARTIAL = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

  /** The metadata of an object, as the API server's metadata-only answers carry it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record PartialObject(ObjectMeta metadata) {}

  /** A metadata-only list. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record PartialList(List<PartialObject> items) {}

  /**
   * The metadata of every Secret with that name, in every namespace, by namespace; empty when the
   * caller may not list Secrets cluster-wide. Metadata only: the answer holds no data.
   */
  public Optional<Map<String, ObjectMeta>> secretsMetadata(String name) {
    String url =
        URLUtils.join(client().getMasterUrl().toString(), "api", "v1", "secrets")
            + "?fieldSelector="
            + URLUtils.encodeToUTF("metadata.name=" + name);
    MetadataAnswer answer = getMetadata(url, PARTIAL_LIST);
    if (answer.code() == 403) {
      return Optional.empty();
    }
    PartialList list =
        client().getKubernetesSerialization().unmarshal(answer.body(), PartialList.class);
    Map<String, ObjectMeta> byNamespace = new HashMap<>();
    if (list.items() != null) {
      for (PartialObject o : list.items()) {
        byNamespace.put(o.metadata().getNamespace(), o.metadata());
      }
    }
    return Optional.of(byNamespace);
  }

  /** The metadata of one Secret, metadata only: found, absent, or forbidden. */
  public MetadataRead secretMetadata(String namespace, String name) {
    String url =
        URLUtils.join(
            client().getMasterUrl().toString(),
            "api/v1/namespaces",
            URLUtils.encodeToUTF(namespace),
            "secrets",
            URLUtils.encodeToUTF(name));
    MetadataAnswer answer = getMetadata(url, PARTIAL);
    return switch (answer.code()) {
      case 403 -> new MetadataRead(null, true);
      case 404 -> new MetadataRead(null, false);
      default ->
          new MetadataRead(
              client()
                  .getKubernetesSerialization()
                  .unmarshal(answer.body(), PartialObject.class)
                  .metadata(),
              false);
    };
  }

  /** A metadata-only read: the metadata (null when absent) or forbidden. */
  public record MetadataRead(ObjectMeta metadata, boolean forbidden) {}

  private record MetadataAnswer(int code, String body) {}

  /** One GET with a metadata-only Accept header; 403 and 404 are answers, other failures throw. */
  private MetadataAnswer getMetadata(String url, String accept) {
    KubernetesClient c = client();
    HttpRequest.Builder builder =
        c.getHttpClient().newHttpRequestBuilder().uri(url).setHeader("Accept", accept);
    int timeout = c.getConfiguration().getRequestTimeout();
    if (timeout > 0) {
      builder.timeout(timeout, TimeUnit.MILLISECONDS);
    }
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = c.getHttpClient().sendAsync(request, String.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof KubernetesClientException k
          ? k
          : new KubernetesClientException("GET " + url + " failed", e.getCause());
    }
    int code = response.code();
    if (code == 403 || code == 404 || response.isSuccessful()) {
      return new MetadataAnswer(code, response.body());
    }
    Status status;
    try {
      status = c.getKubernetesSerialization().unmarshal(response.body(), Status.class);
    } catch (RuntimeException notAStatus) {
      status = null;
    }
    throw status != null && status.getMessage() != null
        ? new KubernetesClientException(status.getMessage(), code, status)
        : new KubernetesClientException("HTTP " + code + " from " + url, code, null);
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
