package dev.pullpolicy.operator;

import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.v1alpha1.Failure;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.operator.apply.Applier;
import dev.pullpolicy.operator.apply.Outcome;
import dev.pullpolicy.operator.events.DirtyNamespaces;
import dev.pullpolicy.operator.status.StatusFactory;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides what each reconcile of a policy plans, and runs that {@link PolicyPass}: every namespace
 * (a full pass) when the policy has no {@link PolicyMemory} yet, when what its last full pass was
 * based on changed (spec, the sources' data, any policy's sources), or when that pass is one resync
 * interval old; otherwise only the namespaces events marked since its last reconcile ({@link
 * DirtyNamespaces}) and those its status reports failures in (a partial pass). The status always
 * covers every namespace: the memory holds the outcomes of the ones not planned.
 *
 * <p>So the cost of an event does not grow with the number of namespaces, and correctness never
 * depends on an event being seen: a missed mark is caught up by the next full pass, at the latest
 * one resync interval later.
 */
public final class PolicyPasses {

  /** What the informers hold, whole and by namespace. */
  public interface Caches {
    Collection<Namespace> namespaces();

    Collection<Secret> copies();

    Collection<ServiceAccount> serviceAccounts();

    Optional<Namespace> namespace(String name);

    Collection<Secret> copiesIn(String namespace);

    Collection<ServiceAccount> serviceAccountsIn(String namespace);
  }

  /**
   * What one pass did.
   *
   * @param full whether it planned every namespace
   * @param planned how many namespaces it planned
   * @param applied its plans and their outcomes
   * @param status the policy's status after it (every namespace)
   */
  public record Pass(
      boolean full, int planned, PolicyPass.Applied applied, PullCredentialPolicyStatus status) {

    /** True when a write failed in some namespace. */
    public boolean failed() {
      return applied.outcomes().stream().anyMatch(o -> o.result() == Outcome.Result.FAILED);
    }

    /** How many namespaces saw a write. */
    public long namespacesWritten() {
      return applied.outcomes().stream().filter(Outcome::wrote).count();
    }
  }

  private final Applier applier;
  private final StatusFactory statuses;
  private final DirtyNamespaces dirty = new DirtyNamespaces();
  private final Map<String, PolicyMemory> memories = new ConcurrentHashMap<>();

  public PolicyPasses(Applier applier, StatusFactory statuses) {
    this.applier = applier;
    this.statuses = statuses;
  }

  /**
   * Marks the namespace for the policies an event about it concerns; adds the policies whose status
   * counts it (a namespace that stopped matching, with nothing of theirs in it). Called by the
   * event mappers, before the event triggers the policies' reconciles.
   *
   * @return the policies to reconcile
   */
  public Set<String> marked(Set<String> policies, String namespace, boolean namespaceEvent) {
    Set<String> affected = policies;
    if (namespaceEvent) {
      for (Map.Entry<String, PolicyMemory> e : memories.entrySet()) {
        if (e.getValue().mentions(namespace) && !affected.contains(e.getKey())) {
          if (affected == policies) {
            affected = new HashSet<>(policies);
          }
          affected.add(e.getKey());
        }
      }
    }
    dirty.mark(affected, namespace);
    return affected;
  }

  /**
   * Plans and applies one pass of the policy, full or partial (see the class comment).
   *
   * @param allPolicies every policy
   * @param startedAt when the reconcile started
   * @param fullPassInterval the resync interval: a full pass at least this often
   */
  public Pass run(
      PullCredentialPolicy policy,
      List<PullCredentialPolicy> allPolicies,
      MergedConfig config,
      Caches caches,
      Instant startedAt,
      Duration fullPassInterval) {
    String name = policy.getMetadata().getName();
    PolicyMemory.Basis basis =
        new PolicyMemory.Basis(
            policy.getMetadata().getUid(),
            policy.getMetadata().getGeneration(),
            config.hash(),
            Ownership.sourcesOf(allPolicies));
    // drained before the caches are read: a later event marks its namespace for the next pass
    Set<String> marked = dirty.drain(name);
    PolicyMemory memory = memories.get(name);
    Pass pass;
    if (memory == null || !memory.allowsPartialPass(basis, startedAt, fullPassInterval)) {
      Collection<Namespace> every = caches.namespaces();
      PolicyPass.Applied applied =
          new PolicyPass(policy, allPolicies, every, caches.copies(), caches.serviceAccounts())
              .apply(config, applier);
      memories.put(
          name, PolicyMemory.afterFullPass(basis, startedAt, applied.plans(), applied.outcomes()));
      pass =
          new Pass(
              true,
              every.size(),
              applied,
              PolicyPass.status(policy, config, statuses, applied.ignored(), applied.outcomes()));
    } else {
      Set<String> scope = new HashSet<>(marked);
      PullCredentialPolicyStatus previous = policy.getStatus();
      if (previous != null && previous.getFailures() != null) {
        for (Failure f : previous.getFailures()) {
          scope.add(f.getNamespace());
        }
      }
      List<Namespace> namespaces = new ArrayList<>(scope.size());
      List<Secret> copies = new ArrayList<>();
      List<ServiceAccount> serviceAccounts = new ArrayList<>();
      for (String ns : scope) {
        caches.namespace(ns).ifPresent(namespaces::add);
        copies.addAll(caches.copiesIn(ns));
        serviceAccounts.addAll(caches.serviceAccountsIn(ns));
      }
      PolicyPass.Applied applied =
          new PolicyPass(policy, allPolicies, namespaces, copies, serviceAccounts)
              .apply(config, applier);
      memory.afterPartialPass(scope, applied.plans(), applied.outcomes());
      pass =
          new Pass(
              false,
              scope.size(),
              applied,
              PolicyPass.status(
                  policy,
                  config,
                  statuses,
                  memory.ignored(),
                  memory.outcomesWith(scope, applied.outcomes())));
    }
    // a failed namespace is planned again by the retry, whatever else it plans
    for (Outcome o : applied(pass)) {
      if (o.result() == Outcome.Result.FAILED) {
        dirty.mark(name, o.namespace());
      }
    }
    return pass;
  }

  private static List<Outcome> applied(Pass pass) {
    return pass.applied().outcomes();
  }

  /** Drops what is kept of the policy (it is deleted). */
  public void forget(String policy) {
    memories.remove(policy);
    dirty.forget(policy);
  }
}
