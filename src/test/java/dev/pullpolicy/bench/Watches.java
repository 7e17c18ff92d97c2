package dev.pullpolicy.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's own view of the cluster: a watch on the Secrets labelled with this run's label
 * (the operator's copies and the floor's Secrets both carry it) and a watch on every
 * ServiceAccount. Convergences registered here are fed by every event; the moment a watch sees a
 * {@code default} ServiceAccount appear is recorded for the new-namespace latency.
 */
final class Watches implements AutoCloseable {

  private final SharedIndexInformer<Secret> secrets;
  private final SharedIndexInformer<ServiceAccount> serviceAccounts;
  private final List<Convergence<Secret>> secretConvergences = new CopyOnWriteArrayList<>();
  private final List<Convergence<ServiceAccount>> saConvergences = new CopyOnWriteArrayList<>();
  private final Map<String, Long> serviceAccountAddedAt = new ConcurrentHashMap<>();

  Watches(KubernetesClient client, String runLabel, String runId) throws Exception {
    secrets = client.secrets().inAnyNamespace().withLabel(runLabel, runId).runnableInformer(0);
    secrets.addEventHandler(handler(secretConvergences, null));
    serviceAccounts = client.serviceAccounts().inAnyNamespace().runnableInformer(0);
    serviceAccounts.addEventHandler(handler(saConvergences, serviceAccountAddedAt));
    secrets.start().toCompletableFuture().get(5, TimeUnit.MINUTES);
    serviceAccounts.start().toCompletableFuture().get(5, TimeUnit.MINUTES);
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(
      List<Convergence<T>> convergences, Map<String, Long> addedAt) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        long now = System.nanoTime();
        if (addedAt != null) {
          addedAt.putIfAbsent(key(obj), now);
        }
        convergences.forEach(c -> c.offer(key(obj), obj, now));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        long now = System.nanoTime();
        convergences.forEach(c -> c.offer(key(newObj), newObj, now));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /** Registers a convergence on the Secrets and feeds it what the watch already holds. */
  Convergence<Secret> onSecrets(Convergence<Secret> c) {
    secretConvergences.add(c);
    long now = System.nanoTime();
    secrets.getStore().list().forEach(s -> c.offer(key(s), s, now));
    return c;
  }

  /** Registers a convergence on the ServiceAccounts and feeds it what the watch already holds. */
  Convergence<ServiceAccount> onServiceAccounts(Convergence<ServiceAccount> c) {
    saConvergences.add(c);
    long now = System.nanoTime();
    serviceAccounts.getStore().list().forEach(s -> c.offer(key(s), s, now));
    return c;
  }

  void remove(Convergence<?> c) {
    secretConvergences.remove(c);
    saConvergences.remove(c);
  }

  /** When the watch first saw this ServiceAccount (nanoTime), or null. */
  Long serviceAccountAddedAt(String namespace, String name) {
    return serviceAccountAddedAt.get(namespace + "/" + name);
  }

  Secret secret(String namespace, String name) {
    return secrets.getStore().getByKey(namespace + "/" + name);
  }

  ServiceAccount serviceAccount(String namespace, String name) {
    return serviceAccounts.getStore().getByKey(namespace + "/" + name);
  }

  @Override
  public void close() {
    secrets.close();
    serviceAccounts.close();
  }
}
