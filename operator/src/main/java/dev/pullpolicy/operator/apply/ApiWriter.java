package dev.pullpolicy.operator.apply;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@link Writer} on the fabric8 client: one request per call, a client exception turned into its
 * status code and message. Writes of one reconcile run on a bounded pool ({@code
 * pullpolicy.write-concurrency}).
 */
@ApplicationScoped
public class ApiWriter implements Writer {
  private static final PatchContext MERGE_PATCH = PatchContext.of(PatchType.JSON_MERGE);

  private final KubernetesClient client;
  private final int concurrency;
  private ExecutorService pool;

  @Inject
  public ApiWriter(
      KubernetesClient client,
      @ConfigProperty(name = "pullpolicy.write-concurrency", defaultValue = "16") int concurrency) {
    this.client = client;
    this.concurrency = concurrency;
  }

  @Override
  public Response<Secret> createSecret(Secret secret) {
    return call(
        () ->
            client
                .secrets()
                .inNamespace(secret.getMetadata().getNamespace())
                .resource(secret)
                .create());
  }

  @Override
  public Response<Secret> updateSecret(Secret secret) {
    return call(
        () ->
            client
                .secrets()
                .inNamespace(secret.getMetadata().getNamespace())
                .resource(secret)
                .update());
  }

  @Override
  public Response<Secret> getSecret(String namespace, String name) {
    return read(() -> client.secrets().inNamespace(namespace).withName(name).get());
  }

  @Override
  public Response<Void> deleteSecret(String namespace, String name) {
    return call(
        () -> {
          client.secrets().inNamespace(namespace).withName(name).delete();
          return null;
        });
  }

  @Override
  public Response<ServiceAccount> patchServiceAccount(
      ServiceAccount current, ServiceAccount edited) {
    String patch = ServiceAccountPatch.of(current, edited);
    return call(
        () ->
            client
                .serviceAccounts()
                .inNamespace(current.getMetadata().getNamespace())
                .withName(current.getMetadata().getName())
                .patch(MERGE_PATCH, patch));
  }

  @Override
  public Response<ServiceAccount> getServiceAccount(String namespace, String name) {
    return read(() -> client.serviceAccounts().inNamespace(namespace).withName(name).get());
  }

  @Override
  public Response<Event> createEvent(Event event) {
    return call(
        () ->
            client
                .v1()
                .events()
                .inNamespace(event.getMetadata().getNamespace())
                .resource(event)
                .create());
  }

  @Override
  public <T> List<T> inParallel(List<Supplier<T>> tasks) {
    List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
    for (Supplier<T> t : tasks) {
      futures.add(CompletableFuture.supplyAsync(t, pool()));
    }
    List<T> results = new ArrayList<>(futures.size());
    for (CompletableFuture<T> f : futures) {
      results.add(f.join());
    }
    return results;
  }

  private static <T> Response<T> call(Supplier<T> request) {
    try {
      return new Response<>(200, request.get(), null);
    } catch (KubernetesClientException e) {
      String m = e.getStatus() != null ? e.getStatus().getMessage() : null;
      return new Response<>(
          e.getCode(), null, m != null ? m : "HTTP " + e.getCode(), namespaceGone(e));
    } catch (RuntimeException e) {
      return new Response<>(0, null, e.getClass().getSimpleName());
    }
  }

  /** The cause the NamespaceLifecycle admission plugin gives when a namespace is being deleted. */
  static final String NAMESPACE_TERMINATING = "NamespaceTerminating";

  /**
   * True when the API server refused the request because its namespace is being deleted (403 with
   * the cause NamespaceTerminating) or no longer exists (404 about the namespace itself).
   */
  static boolean namespaceGone(KubernetesClientException e) {
    StatusDetails d = e.getStatus() == null ? null : e.getStatus().getDetails();
    if (d == null) {
      return false;
    }
    if (e.getCode() == Response.FORBIDDEN && d.getCauses() != null) {
      return d.getCauses().stream().anyMatch(c -> NAMESPACE_TERMINATING.equals(c.getReason()));
    }
    return e.getCode() == Response.NOT_FOUND && "namespaces".equals(d.getKind());
  }

  /** A read: fabric8 answers 404 with null, which is a result, not a failure. */
  private static <T> Response<T> read(Supplier<T> request) {
    Response<T> r = call(request);
    return r.succeeded() && r.object() == null ? new Response<>(Response.NOT_FOUND, null, null) : r;
  }

  private synchronized ExecutorService pool() {
    if (pool == null) {
      AtomicInteger n = new AtomicInteger();
      pool =
          Executors.newFixedThreadPool(
              concurrency,
              r -> {
                Thread t = new Thread(r, "pullpolicy-writer-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return pool;
  }

  @PreDestroy
  void shutdown() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
