package dev.pullpolicy.plugin.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.plugin.cli.PluginException;
import dev.pullpolicy.plugin.cli.Trace;
import dev.pullpolicy.plugin.diagnose.Repairs;
import dev.pullpolicy.plugin.transport.Json;
import dev.pullpolicy.plugin.transport.KubeApi;
import dev.pullpolicy.plugin.transport.KubeApi.Response;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The reads the plugin makes, in one place; it never writes. Each is one GET through {@link
 * KubeApi} decoded into the Kubernetes model classes; an answer the caller cannot use throws {@link
 * KubernetesClientException} with the server's code and Status. Pull Secrets (for {@code doctor}
 * and {@code explain}) are read one by one and a 403 on them is remembered, not thrown. {@code
 * status} reads Secrets' metadata only ({@link #secretsMetadata}): no Secret data reaches the
 * plugin.
 */
public class ClusterReader {
  public static final String JSON = "application/json";

  /** The path of the policies' collection. */
  public static final String POLICIES =
      "/apis/"
          + PullCredentialPolicy.GROUP
          + "/"
          + PullCredentialPolicy.VERSION
          + "/pullcredentialpolicies";

  private final Supplier<KubeApi> api;
  private final Map<String, Optional<Secret>> secrets = new HashMap<>();
  private final Map<String, Boolean> secretsForbidden = new HashMap<>();

  /** A reader whose client is made on first use (so commands can check their input first). */
  public ClusterReader(Supplier<KubeApi> api) {
    this.api = api;
  }

  /** The API client, for a read this class does not have yet. */
  public KubeApi api() {
    return api.get();
  }

  public List<PullCredentialPolicy> policies() {
    Response r = api().get(POLICIES, JSON);
    if (r.code() == 404) {
      throw new PluginException(
          "the server does not know PullCredentialPolicy (is the pullpolicy CRD installed?"
              + " kubectl apply -f crds/)");
    }
    return items(r, PullCredentialPolicy.class).stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  public PullCredentialPolicy policy(String name) {
    Response r = api().get(POLICIES + "/" + segment(name), JSON);
    if (r.code() == 404) {
      if (isObjectNotFound(r, name)) {
        throw new PluginException(
            "pullcredentialpolicies.pullpolicy.dev \"" + name + "\" not found");
      }
      throw new PluginException(
          "the server does not know PullCredentialPolicy (is the pullpolicy CRD installed?)");
    }
    return object(r, PullCredentialPolicy.class);
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
    return items(api().get("/api/v1/namespaces", JSON), Namespace.class).stream()
        .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
        .toList();
  }

  /** A namespace, or empty when it does not exist or may not be read. */
  public Optional<Namespace> namespace(String name) {
    Response r = api().get("/api/v1/namespaces/" + segment(name), JSON);
    if (r.code() == 403 || r.code() == 404) {
      return Optional.empty();
    }
    return Optional.of(object(r, Namespace.class));
  }

  /**
   * Whether the server says the namespace does not exist; false when it exists or may not be read
   * (who may not read namespaces is given the benefit of the doubt).
   */
  public boolean namespaceMissing(String name) {
    Response r = api().get("/api/v1/namespaces/" + segment(name), JSON);
    if (r.code() == 404) {
      return true;
    }
    if (r.code() == 403 || r.ok()) {
      return false;
    }
    throw KubeApi.failure(r);
  }

  public List<ServiceAccount> serviceAccounts(String namespace) {
    return items(
        api().get("/api/v1/namespaces/" + segment(namespace) + "/serviceaccounts", JSON),
        ServiceAccount.class);
  }

  /** ServiceAccounts in every namespace. */
  public List<ServiceAccount> allServiceAccounts() {
    return items(api().get("/api/v1/serviceaccounts", JSON), ServiceAccount.class);
  }

  public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
    Response r =
        api()
            .get(
                "/api/v1/namespaces/" + segment(namespace) + "/serviceaccounts/" + segment(name),
                JSON);
    if (r.code() == 404) {
      return Optional.empty();
    }
    return Optional.of(object(r, ServiceAccount.class));
  }

  /** Pods in a namespace, or in every namespace when {@code namespace} is null. */
  public List<Pod> pods(String namespace) {
    String path =
        namespace == null ? "/api/v1/pods" : "/api/v1/namespaces/" + segment(namespace) + "/pods";
    Response r = api().get(path, JSON);
    if (!r.ok()) {
      throw KubeApi.failure(r);
    }
    // Pods go through Jackson data-binding: their model has types of its own (quantities,
    // int-or-string ports) that the light binding leaves alone.
    return Json.itemsByDatabind(r.body(), Pod.class).stream()
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
    Response r =
        api()
            .get(
                "/api/v1/namespaces/"
                    + segment(namespace)
                    + "/events?fieldSelector="
                    + URLEncoder.encode(
                        "involvedObject.kind=Pod,type=Warning", StandardCharsets.UTF_8),
                JSON);
    if (r.code() == 403 || r.code() == 404) {
      return Optional.empty();
    }
    if (!r.ok()) {
      throw KubeApi.failure(r);
    }
    // Events go through data-binding: their times are types of their own (MicroTime).
    return Optional.of(Json.itemsByDatabind(r.body(), Event.class));
  }

  /**
   * A Pod's controller (ReplicaSet, StatefulSet, DaemonSet or Job) by kind and name: the object,
   * null when it does not exist, or forbidden.
   */
  public Repairs.OwnerRead controller(String namespace, String kind, String name) {
    record Resource(String group, String plural, Class<? extends HasMetadata> type) {}
    Resource resource =
        switch (kind) {
          case "ReplicaSet" -> new Resource("apps/v1", "replicasets", ReplicaSet.class);
          case "StatefulSet" -> new Resource("apps/v1", "statefulsets", StatefulSet.class);
          case "DaemonSet" -> new Resource("apps/v1", "daemonsets", DaemonSet.class);
          case "Job" -> new Resource("batch/v1", "jobs", Job.class);
          default -> throw new IllegalArgumentException("not a controller doctor reads: " + kind);
        };
    Response r =
        api()
            .get(
                "/apis/"
                    + resource.group()
                    + "/namespaces/"
                    + segment(namespace)
                    + "/"
                    + resource.plural()
                    + "/"
                    + segment(name),
                JSON);
    return switch (r.code()) {
      case 403 -> new Repairs.OwnerRead(null, true);
      case 404 -> new Repairs.OwnerRead(null, false);
      default -> {
        if (!r.ok()) {
          throw KubeApi.failure(r);
        }
        try {
          // Pod templates carry quantities and int-or-string ports: data-binding, as for Pods.
          yield new Repairs.OwnerRead(Json.mapper().readValue(r.body(), resource.type()), false);
        } catch (IOException e) {
          throw new UncheckedIOException("the API server's answer does not parse", e);
        }
      }
    };
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
      Response r =
          api().get("/api/v1/namespaces/" + segment(namespace) + "/secrets/" + segment(name), JSON);
      if (r.code() == 403) {
        secretsForbidden.put(namespace, true);
        return new SecretRead(null, true);
      }
      cached = r.code() == 404 ? Optional.empty() : Optional.of(object(r, Secret.class));
      secrets.put(key, cached);
    }
    return new SecretRead(cached.orElse(null), false);
  }

  /** The names of every policy (for completion): one metadata-only list. */
  public List<String> policyNames() {
    return names(POLICIES);
  }

  /** The names of every namespace (for completion): one metadata-only list. */
  public List<String> namespaceNames() {
    return names("/api/v1/namespaces");
  }

  private List<String> names(String path) {
    return items(api().get(path, PARTIAL_LIST), PartialObject.class).stream()
        .map(o -> o.metadata().getName())
        .sorted()
        .toList();
  }

  /** The Accept header of a metadata-only list: the API server answers without data. */
  static final String PARTIAL_LIST =
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

  /** The Accept header of a metadata-only read. */
  static final String PARTIAL = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

  /** The metadata of an object, as the API server's metadata-only answers carry it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record PartialObject(ObjectMeta metadata) {}

  /**
   * The metadata of every Secret with that name, in every namespace, by namespace; empty when the
   * caller may not list Secrets cluster-wide. Metadata only: the answer holds no data.
   */
  public Optional<Map<String, ObjectMeta>> secretsMetadata(String name) {
    Response r =
        api()
            .get(
                "/api/v1/secrets?fieldSelector="
                    + URLEncoder.encode("metadata.name=" + name, StandardCharsets.UTF_8),
                PARTIAL_LIST);
    if (r.code() == 403) {
      return Optional.empty();
    }
    Map<String, ObjectMeta> byNamespace = new HashMap<>();
    for (PartialObject o : items(r, PartialObject.class)) {
      byNamespace.put(o.metadata().getNamespace(), o.metadata());
    }
    return Optional.of(byNamespace);
  }

  /** The metadata of one Secret, metadata only: found, absent, or forbidden. */
  public MetadataRead secretMetadata(String namespace, String name) {
    Response r =
        api()
            .get("/api/v1/namespaces/" + segment(namespace) + "/secrets/" + segment(name), PARTIAL);
    return switch (r.code()) {
      case 403 -> new MetadataRead(null, true);
      case 404 -> new MetadataRead(null, false);
      default -> new MetadataRead(object(r, PartialObject.class).metadata(), false);
    };
  }

  /** A metadata-only read: the metadata (null when absent) or forbidden. */
  public record MetadataRead(ObjectMeta metadata, boolean forbidden) {}

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

  // ---------------------------------------------------------------- decoding

  private static <T> List<T> items(Response r, Class<T> type) {
    if (!r.ok()) {
      throw KubeApi.failure(r);
    }
    List<T> items = Json.items(r.body(), type);
    Trace.mark("bound " + items.size() + " " + type.getSimpleName());
    return items;
  }

  private static <T> T object(Response r, Class<T> type) {
    if (!r.ok()) {
      throw KubeApi.failure(r);
    }
    T object = Json.read(r.body(), type);
    Trace.mark("bound " + type.getSimpleName());
    return object;
  }

  /** A 404 about the object itself (its name in the Status), not about the resource type. */
  private static boolean isObjectNotFound(Response r, String name) {
    try {
      Status s = Json.read(r.body(), Status.class);
      return s.getDetails() != null && name.equals(s.getDetails().getName());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A name as one URL path segment. */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
