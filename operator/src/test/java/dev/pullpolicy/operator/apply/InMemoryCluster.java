package dev.pullpolicy.operator.apply;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.operator.cache.CachedCopy;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A {@link Writer} over objects held in memory, with the API server's optimistic concurrency as far
 * as the {@link Applier} relies on it: create answers 409 when the name is taken, update answers
 * 409 on a stale resourceVersion and 404 when the object is gone. Requests are logged, and a test
 * can make the next request of a kind answer a given status. Unit tests only: behaviour against the
 * real API server is proven by the system tests.
 */
public final class InMemoryCluster implements Writer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Secret> secrets = new TreeMap<>();
  private final Map<String, ServiceAccount> serviceAccounts = new TreeMap<>();
  private final List<String> requests = new ArrayList<>();
  private final Map<String, Integer> failNext = new TreeMap<>();
  private final java.util.Set<String> terminating = new java.util.TreeSet<>();
  private int version = 100;

  /** A cluster holding these objects (Secrets and ServiceAccounts). */
  public static InMemoryCluster of(List<? extends HasMetadata> objects) {
    InMemoryCluster c = new InMemoryCluster();
    objects.forEach(c::with);
    return c;
  }

  /** Puts an object as if it existed already (no request logged). */
  public InMemoryCluster with(HasMetadata object) {
    if (object instanceof Secret s) {
      secrets.put(key(s), stamp(new SecretBuilder(s).build()));
    } else if (object instanceof ServiceAccount sa) {
      serviceAccounts.put(key(sa), stamp(new ServiceAccountBuilder(sa).build()));
    } else {
      throw new IllegalArgumentException("not held: " + object.getKind());
    }
    return this;
  }

  /** The next request of that verb and resource (e.g. "update secrets") answers this code. */
  public InMemoryCluster failNext(String request, int code) {
    failNext.put(request, code);
    return this;
  }

  /**
   * The namespace is being deleted from now on: a create there answers as the API server's
   * NamespaceLifecycle admission does (403, cause NamespaceTerminating).
   */
  InMemoryCluster terminating(String namespace) {
    terminating.add(namespace);
    return this;
  }

  /** Changes a held Secret behind the cache's back (a new resourceVersion). */
  void edit(String namespace, String name, UnaryOperator<Secret> edit) {
    secrets.put(namespace + "/" + name, stamp(edit.apply(secrets.get(namespace + "/" + name))));
  }

  /** Removes every object of the namespace (it was deleted), without a request. */
  public synchronized void deleteNamespace(String namespace) {
    secrets.keySet().removeIf(k -> k.startsWith(namespace + "/"));
    serviceAccounts.keySet().removeIf(k -> k.startsWith(namespace + "/"));
  }

  public List<String> requests() {
    return requests;
  }

  /** Every Secret held, as stored (with data, ordered by key). */
  public List<Secret> stored() {
    return secrets.values().stream().map(s -> new SecretBuilder(s).build()).toList();
  }

  /**
   * Every Secret held, as the operator's informer cache holds them (copies without data, ordered by
   * key).
   */
  public List<Secret> secrets() {
    return secrets.values().stream()
        .map(s -> (Secret) CachedCopy.of(new SecretBuilder(s).build()))
        .toList();
  }

  /** Every ServiceAccount held, as an informer cache would hold them. */
  public List<ServiceAccount> serviceAccounts() {
    return serviceAccounts.values().stream()
        .map(s -> new ServiceAccountBuilder(s).build())
        .toList();
  }

  public Secret secret(String namespace, String name) {
    return secrets.get(namespace + "/" + name);
  }

  public ServiceAccount serviceAccount(String namespace, String name) {
    return serviceAccounts.get(namespace + "/" + name);
  }

  @Override
  public synchronized Response<Secret> createSecret(Secret secret) {
    return request(
        "create secrets",
        key(secret),
        () -> {
          if (terminating.contains(secret.getMetadata().getNamespace())) {
            return new Response<>(
                403,
                null,
                "unable to create new content in namespace "
                    + secret.getMetadata().getNamespace()
                    + " because it is being terminated",
                true);
          }
          if (secrets.containsKey(key(secret))) {
            return failure(
                409, "secrets \"" + secret.getMetadata().getName() + "\" already exists");
          }
          Secret s = stamp(new SecretBuilder(secret).build());
          secrets.put(key(s), s);
          return Response.ok(s);
        });
  }

  @Override
  public synchronized Response<Secret> updateSecret(Secret secret) {
    return request(
        "update secrets",
        key(secret),
        () -> {
          Secret current = secrets.get(key(secret));
          if (current == null) {
            return failure(404, "not found");
          }
          if (!Objects.equals(
              current.getMetadata().getResourceVersion(),
              secret.getMetadata().getResourceVersion())) {
            return failure(409, "the object has been modified");
          }
          Secret s = stamp(new SecretBuilder(secret).build());
          secrets.put(key(s), s);
          return Response.ok(s);
        });
  }

  @Override
  public synchronized Response<Secret> getSecret(String namespace, String name) {
    return request(
        "get secrets",
        namespace + "/" + name,
        () -> {
          Secret s = secrets.get(namespace + "/" + name);
          return s == null ? failure(404, null) : Response.ok(new SecretBuilder(s).build());
        });
  }

  @Override
  public synchronized Response<Void> deleteSecret(String namespace, String name) {
    return request(
        "delete secrets",
        namespace + "/" + name,
        () -> {
          secrets.remove(namespace + "/" + name);
          return Response.ok(null);
        });
  }

  /**
   * Applies the merge patch as the API server does: 409 when its resourceVersion is not the stored
   * one; the annotations it names are set (or removed, when null), its entry list replaces the
   * stored one; the rest of the stored object stays.
   */
  @Override
  @SuppressWarnings("unchecked")
  public synchronized Response<ServiceAccount> patchServiceAccount(
      ServiceAccount current, ServiceAccount edited) {
    String patch = ServiceAccountPatch.of(current, edited);
    return request(
        "patch serviceaccounts",
        key(current),
        () -> {
          ServiceAccount stored = serviceAccounts.get(key(current));
          if (stored == null) {
            return failure(404, "not found");
          }
          Map<String, Object> p;
          try {
            p = JSON.readValue(patch, Map.class);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          Map<String, Object> meta = (Map<String, Object>) p.get("metadata");
          if (!Objects.equals(
              stored.getMetadata().getResourceVersion(), meta.get("resourceVersion"))) {
            return failure(409, "the object has been modified");
          }
          ServiceAccount s = new ServiceAccountBuilder(stored).build();
          Map<String, String> annotations = (Map<String, String>) meta.get("annotations");
          if (annotations != null) {
            Map<String, String> merged =
                new TreeMap<>(
                    s.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : s.getMetadata().getAnnotations());
            annotations.forEach(
                (k, v) -> {
                  if (v == null) {
                    merged.remove(k);
                  } else {
                    merged.put(k, v);
                  }
                });
            s.getMetadata().setAnnotations(merged.isEmpty() ? null : merged);
          }
          if (p.containsKey("imagePullSecrets")) {
            List<LocalObjectReference> refs = new ArrayList<>();
            for (Map<String, String> r : (List<Map<String, String>>) p.get("imagePullSecrets")) {
              refs.add(new LocalObjectReference(r.get("name")));
            }
            s.setImagePullSecrets(refs);
          }
          stamp(s);
          serviceAccounts.put(key(s), s);
          return Response.ok(s);
        });
  }

  @Override
  public synchronized Response<ServiceAccount> getServiceAccount(String namespace, String name) {
    return request(
        "get serviceaccounts",
        namespace + "/" + name,
        () -> {
          ServiceAccount s = serviceAccounts.get(namespace + "/" + name);
          return s == null ? failure(404, null) : Response.ok(new ServiceAccountBuilder(s).build());
        });
  }

  @Override
  public synchronized Response<Event> createEvent(Event event) {
    return request("create events", event.getMetadata().getNamespace(), () -> Response.ok(event));
  }

  @Override
  public <T> List<T> inParallel(List<Supplier<T>> tasks) {
    List<T> results = new ArrayList<>();
    tasks.forEach(t -> results.add(t.get()));
    return results;
  }

  private <T> Response<T> request(String request, String key, Supplier<Response<T>> answer) {
    requests.add(request + " " + key);
    Integer code = failNext.remove(request);
    return code != null ? failure(code, "injected HTTP " + code) : answer.get();
  }

  private static <T> Response<T> failure(int code, String message) {
    return new Response<>(code, null, message);
  }

  private <T extends HasMetadata> T stamp(T object) {
    object.getMetadata().setResourceVersion(String.valueOf(++version));
    return object;
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }
}
