package dev.pullpolicy.operator.sources;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * Watches exactly the source Secrets that policies name: one informer per source, scoped to its
 * namespace and to its name (a {@code metadata.name} field selector), started when a policy first
 * names it and stopped when none does. Never a cluster-wide Secret list or watch. Any change to a
 * source triggers the policies that name it.
 */
public class SourceSecrets extends AbstractEventSource<Secret, PullCredentialPolicy> {
  private static final Logger LOG = Logger.getLogger(SourceSecrets.class);

  private final KubernetesClient client;
  private final Map<SecretReference, SharedIndexInformer<Secret>> informers = new HashMap<>();
  private final Map<SecretReference, Set<String>> users = new HashMap<>();
  private final BiConsumer<String, Instant> onSourceChange;

  /**
   * @param onSourceChange told (policy name, when) about every change to a source of that policy
   */
  public SourceSecrets(KubernetesClient client, BiConsumer<String, Instant> onSourceChange) {
    super(Secret.class, "source-secrets");
    this.client = client;
    this.onSourceChange = onSourceChange;
  }

  /**
   * Makes sure exactly the given sources are watched for the policy (starting informers for new
   * ones, waiting for their first list, stopping those no policy names any more).
   */
  public synchronized void track(String policy, Collection<SecretReference> sources) {
    Set<SecretReference> wanted = new HashSet<>(sources);
    for (SecretReference ref : List.copyOf(users.keySet())) {
      if (!wanted.contains(ref)) {
        release(policy, ref);
      }
    }
    watchFor(policy, wanted);
  }

  /**
   * Starts watching the sources of the policies that exist, in the background, when the operator
   * starts: while the other caches fill and before leadership, instead of at each policy's first
   * reconcile, which would then wait for the source's first list (about 0.2 s after a restart,
   * docs/benchmarks.md). Only adds: the reconcile's {@link #track} decides what stays watched (a
   * source a policy no longer names is released at its next reconcile). A failure is left to the
   * first reconcile, which starts what it needs as before.
   */
  @Override
  public void start() {
    super.start();
    Thread ahead = new Thread(this::watchSourcesOfExistingPolicies, "source-secrets-ahead");
    ahead.setDaemon(true);
    ahead.start();
  }

  void watchSourcesOfExistingPolicies() {
    try {
      for (PullCredentialPolicy p :
          client.resources(PullCredentialPolicy.class).list().getItems()) {
        if (!isRunning()) {
          return;
        }
        if (p.getSpec() != null && p.getSpec().getSources() != null) {
          watchFor(p.getMetadata().getName(), p.getSpec().getSources());
        }
      }
    } catch (RuntimeException e) {
      LOG.debugf("sources not watched ahead of the first reconcile: %s", e.getMessage());
    }
  }

  /** Watches the sources for the policy (starting informers for new ones), releasing nothing. */
  synchronized void watchFor(String policy, Collection<SecretReference> sources) {
    for (SecretReference ref : sources) {
      users.computeIfAbsent(ref, k -> new HashSet<>()).add(policy);
      informers.computeIfAbsent(ref, this::watch);
    }
  }

  /** Stops watching on behalf of the policy (it is being deleted). */
  public synchronized void untrack(String policy) {
    for (SecretReference ref : List.copyOf(users.keySet())) {
      release(policy, ref);
    }
  }

  private void release(String policy, SecretReference ref) {
    Set<String> u = users.get(ref);
    if (u == null || !u.remove(policy) || !u.isEmpty()) {
      return;
    }
    users.remove(ref);
    SharedIndexInformer<Secret> informer = informers.remove(ref);
    if (informer != null) {
      informer.stop();
      LOG.debugf("stopped watching source %s", ref);
    }
  }

  private SharedIndexInformer<Secret> watch(SecretReference ref) {
    LOG.debugf("watching source %s", ref);
    // withName(..).inform(..) lists and watches with fieldSelector metadata.name=<name> in the
    // source's namespace, and returns once the first list is in the store.
    return client
        .secrets()
        .inNamespace(ref.getNamespace())
        .withName(ref.getName())
        .inform(new Handler(ref), 0);
  }

  /** The source as cached (null when it does not exist). Call {@link #track} first. */
  public synchronized Secret get(SecretReference ref) {
    SharedIndexInformer<Secret> informer = informers.get(ref);
    if (informer == null) {
      return null;
    }
    return informer.getStore().getByKey(ref.getNamespace() + "/" + ref.getName());
  }

  private synchronized Set<String> usersOf(SecretReference ref) {
    return Set.copyOf(users.getOrDefault(ref, Set.of()));
  }

  private void changed(SecretReference ref) {
    if (!isRunning()) {
      return;
    }
    Instant now = Instant.now();
    for (String policy : usersOf(ref)) {
      onSourceChange.accept(policy, now);
      getEventHandler().handleEvent(new Event(new ResourceID(policy)));
    }
  }

  @Override
  public Set<Secret> getSecondaryResources(PullCredentialPolicy policy) {
    Set<Secret> result = new HashSet<>();
    for (SecretReference ref : policy.getSpec().getSources()) {
      Secret s = get(ref);
      if (s != null) {
        result.add(s);
      }
    }
    return result;
  }

  @Override
  public synchronized void stop() {
    informers.values().forEach(SharedIndexInformer::stop);
    informers.clear();
    users.clear();
    super.stop();
  }

  private final class Handler implements ResourceEventHandler<Secret> {
    private final SecretReference ref;

    Handler(SecretReference ref) {
      this.ref = ref;
    }

    @Override
    public void onAdd(Secret obj) {
      changed(ref);
    }

    @Override
    public void onUpdate(Secret oldObj, Secret newObj) {
      if (!java.util.Objects.equals(
          oldObj.getMetadata().getResourceVersion(), newObj.getMetadata().getResourceVersion())) {
        changed(ref);
      }
    }

    @Override
    public void onDelete(Secret obj, boolean deletedFinalStateUnknown) {
      changed(ref);
    }
  }
}
