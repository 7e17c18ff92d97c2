package dev.pullpolicy.operator.apply;

import dev.pullpolicy.api.v1alpha1.OnConflict;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.operator.apply.Outcome.Result;
import dev.pullpolicy.operator.desired.Copies;
import dev.pullpolicy.operator.desired.NamespacePlan;
import dev.pullpolicy.operator.desired.NamespacePlan.EntryRemoval;
import dev.pullpolicy.operator.desired.NamespacePlan.State;
import dev.pullpolicy.operator.desired.Planner;
import dev.pullpolicy.operator.desired.ServiceAccountEntries;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one place that writes copies and ServiceAccounts. Namespaces are written in parallel on a
 * bounded pool; each ServiceAccount edit is a read-modify-write guarded by resourceVersion.
 */
@ApplicationScoped
public class Writer {
  private static final Logger LOG = Logger.getLogger(Writer.class);
  private static final int SA_ATTEMPTS = 6;

  /** How long a seen conflict (an unmanaged Secret) is trusted before it is read again. */
  static final Duration CONFLICT_RECHECK = Duration.ofSeconds(30);

  @Inject KubernetesClient client;

  @ConfigProperty(name = "pullpolicy.write-concurrency", defaultValue = "16")
  int concurrency;

  private ExecutorService pool;
  private final Clock clock = Clock.systemUTC();

  /** policy name → namespace → when an unmanaged Secret with the target name was seen. */
  private final Map<String, Map<String, Instant>> conflicts = new ConcurrentHashMap<>();

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

  /** Applies the plans; returns one outcome per plan. Quiet plans cost no API call. */
  public List<Outcome> apply(
      PullCredentialPolicy policy,
      List<NamespacePlan> plans,
      Collection<SecretReference> allSources) {
    List<CompletableFuture<Outcome>> futures = new ArrayList<>(plans.size());
    for (NamespacePlan p : plans) {
      if (p.quiet()) {
        futures.add(CompletableFuture.completedFuture(quietOutcome(policy, p)));
      } else {
        futures.add(CompletableFuture.supplyAsync(() -> applyOne(policy, p, allSources), pool()));
      }
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  private Outcome quietOutcome(PullCredentialPolicy policy, NamespacePlan p) {
    return switch (p.state()) {
      case SYNCED ->
          new Outcome(
              p.namespace(),
              Result.SYNCED,
              null,
              null,
              p.serviceAccountsSelected(),
              p.serviceAccountsPatched(),
              false);
      case CONFLICT ->
          new Outcome(p.namespace(), Result.CONFLICT, p.reason(), p.message(), 0, 0, false);
      default -> new Outcome(p.namespace(), Result.NONE, null, null, 0, 0, false);
    };
  }

  private Outcome applyOne(
      PullCredentialPolicy policy, NamespacePlan p, Collection<SecretReference> allSources) {
    String ns = p.namespace();
    String me = policy.getMetadata().getName();
    boolean wrote = false;
    try {
      for (Secret stale : p.deletes()) {
        deleteCopy(stale);
        wrote = true;
      }
      for (EntryRemoval r : p.removeEntries()) {
        wrote |=
            editServiceAccount(
                    r.serviceAccount(),
                    sa -> ServiceAccountEntries.withoutEntry(sa, r.secretName(), me))
                .edited();
      }
      if (!p.selected()) {
        return new Outcome(ns, Result.NONE, null, null, 0, 0, wrote);
      }
      if (p.state() == State.CONFLICT) {
        return new Outcome(ns, Result.CONFLICT, p.reason(), p.message(), 0, 0, wrote);
      }
      if (p.state() == State.WRITE) {
        Outcome conflict = writeCopy(policy, p, allSources);
        if (conflict != null) {
          return conflict;
        }
        wrote = true;
      }
      int patched = p.serviceAccountsPatched();
      String target = Copies.targetName(policy);
      for (ServiceAccount sa : p.addEntry()) {
        Edit e = editServiceAccount(sa, s -> ServiceAccountEntries.withEntry(s, target, me));
        wrote |= e.edited();
        if (e.result() != null && ServiceAccountEntries.hasEntry(e.result(), target)) {
          patched++;
        }
      }
      return new Outcome(
          ns, Result.SYNCED, null, null, p.serviceAccountsSelected(), patched, wrote);
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "policy %s: writing namespace %s failed: HTTP %d %s", me, ns, e.getCode(), reasonOf(e));
      return new Outcome(ns, Result.FAILED, reasonOf(e), messageOf(e), 0, 0, wrote);
    } catch (RuntimeException e) {
      LOG.warnf("policy %s: writing namespace %s failed: %s", me, ns, e.getClass().getSimpleName());
      return new Outcome(
          ns, Result.FAILED, "WriteFailed", e.getClass().getSimpleName(), 0, 0, wrote);
    }
  }

  /** Creates or updates the copy; returns a conflict outcome, or null when the copy is written. */
  private Outcome writeCopy(
      PullCredentialPolicy policy, NamespacePlan p, Collection<SecretReference> allSources) {
    String ns = p.namespace();
    String me = policy.getMetadata().getName();
    Secret desired = p.desired();
    String name = desired.getMetadata().getName();
    Map<String, Instant> seen = conflicts.computeIfAbsent(me, k -> new ConcurrentHashMap<>());
    if (p.existing() != null) {
      try {
        update(desired, p.existing());
        return null;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT
            && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
        // the cache was behind: decide again from a fresh read
      }
    } else {
      Instant at = policy.getSpec().getOnConflict() == OnConflict.Adopt ? null : seen.get(ns);
      if (at != null && at.plus(CONFLICT_RECHECK).isAfter(clock.instant())) {
        return unmanagedConflict(ns, name);
      }
      if (at == null) {
        try {
          client.secrets().inNamespace(ns).resource(desired).create();
          seen.remove(ns);
          return null;
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            throw e;
          }
        }
      }
    }
    Secret current = client.secrets().inNamespace(ns).withName(name).get();
    if (current == null) {
      client.secrets().inNamespace(ns).resource(desired).create();
      seen.remove(ns);
      return null;
    }
    String owner = Copies.managingPolicy(current);
    if (me.equals(owner) || Copies.hasOwner(current, policy.getMetadata().getUid())) {
      update(desired, current);
      seen.remove(ns);
      return null;
    }
    if (owner != null) {
      return new Outcome(
          ns,
          Result.CONFLICT,
          "OwnedByOtherPolicy",
          "Secret " + ns + "/" + name + " is managed by policy " + owner,
          0,
          0,
          false);
    }
    if (Planner.isSource(allSources, ns, name)) {
      return new Outcome(
          ns,
          Result.CONFLICT,
          "SourceSecret",
          "Secret " + ns + "/" + name + " is a policy's source; it is never overwritten",
          0,
          0,
          false);
    }
    if (policy.getSpec().getOnConflict() == OnConflict.Adopt) {
      if (Objects.equals(current.getType(), desired.getType())) {
        update(desired, current);
      } else {
        // a Secret's type is immutable: replace it
        client.secrets().inNamespace(ns).withName(name).delete();
        client.secrets().inNamespace(ns).resource(desired).create();
      }
      seen.remove(ns);
      LOG.infof("policy %s: adopted Secret %s/%s", me, ns, name);
      return null;
    }
    seen.put(ns, clock.instant());
    return unmanagedConflict(ns, name);
  }

  private static Outcome unmanagedConflict(String ns, String name) {
    return new Outcome(
        ns,
        Result.CONFLICT,
        "Unmanaged",
        "Secret " + ns + "/" + name + " exists and is not managed by pullpolicy (onConflict: Skip)",
        0,
        0,
        false);
  }

  /** True when a conflict was seen for the policy and is due to be read again. */
  public boolean hasConflicts(String policyName) {
    Map<String, Instant> seen = conflicts.get(policyName);
    return seen != null && !seen.isEmpty();
  }

  public void forget(String policyName) {
    conflicts.remove(policyName);
  }

  private void update(Secret desired, Secret current) {
    Secret s = new SecretBuilder(desired).build();
    s.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    client.secrets().inNamespace(s.getMetadata().getNamespace()).resource(s).update();
  }

  /** Deletes a copy we manage (never an unlabelled Secret: callers pass cached managed ones). */
  public void deleteCopy(Secret copy) {
    client
        .secrets()
        .inNamespace(copy.getMetadata().getNamespace())
        .withName(copy.getMetadata().getName())
        .delete();
  }

  /** Writes an orphaned copy (owner reference and labels removed). */
  public void orphanCopy(Secret copy, String policyUid) {
    Secret s = Copies.orphaned(copy, policyUid);
    try {
      client.secrets().inNamespace(s.getMetadata().getNamespace()).resource(s).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return;
      }
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      Secret fresh =
          client
              .secrets()
              .inNamespace(s.getMetadata().getNamespace())
              .withName(s.getMetadata().getName())
              .get();
      if (fresh != null) {
        client
            .secrets()
            .inNamespace(s.getMetadata().getNamespace())
            .resource(Copies.orphaned(fresh, policyUid))
            .update();
      }
    }
  }

  /** The result of a ServiceAccount edit: the ServiceAccount as it is now, and whether we wrote. */
  public record Edit(ServiceAccount result, boolean edited) {}

  /**
   * Read-modify-write of one ServiceAccount: applies {@code edit} to the cached copy and writes it
   * with its resourceVersion; on 409 reads it again and retries.
   */
  public Edit editServiceAccount(
      ServiceAccount cached, Function<ServiceAccount, Optional<ServiceAccount>> edit) {
    String ns = cached.getMetadata().getNamespace();
    String name = cached.getMetadata().getName();
    ServiceAccount current = cached;
    for (int attempt = 0; attempt < SA_ATTEMPTS; attempt++) {
      Optional<ServiceAccount> edited = edit.apply(current);
      if (edited.isEmpty()) {
        return new Edit(current, attempt > 0);
      }
      try {
        return new Edit(
            client.serviceAccounts().inNamespace(ns).resource(edited.get()).update(), true);
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return new Edit(null, false);
        }
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        current = client.serviceAccounts().inNamespace(ns).withName(name).get();
        if (current == null) {
          return new Edit(null, false);
        }
      }
    }
    throw new KubernetesClientException(
        "ServiceAccount " + ns + "/" + name + ": still conflicting after retries",
        HttpURLConnection.HTTP_CONFLICT,
        null);
  }

  /** Runs tasks on the writer pool and waits for all; the first failure is rethrown. */
  public void runAll(List<Runnable> tasks) {
    List<CompletableFuture<Void>> futures =
        tasks.stream().map(t -> CompletableFuture.runAsync(t, pool())).toList();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
  }

  static String reasonOf(KubernetesClientException e) {
    return switch (e.getCode()) {
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      case 422 -> "Invalid";
      default -> "WriteFailed";
    };
  }

  static String messageOf(KubernetesClientException e) {
    // the API server's status message names the object and the problem, not Secret data
    String m = e.getStatus() != null ? e.getStatus().getMessage() : null;
    return m != null ? m : "HTTP " + e.getCode();
  }
}
