package dev.pullpolicy.operator;

import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.v1alpha1.Failure;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.operator.apply.Applier;
import dev.pullpolicy.operator.apply.Outcome;
import dev.pullpolicy.operator.desired.NamespacePlan;
import dev.pullpolicy.operator.desired.Planner;
import dev.pullpolicy.operator.status.StatusFactory;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pass of a policy over what the caches hold, once its sources are merged: plan (pure), apply
 * (through the {@link Applier}), and the status that results. The reconciler runs it on its
 * informer caches, over every namespace (a full pass) or over the few that events concern (a
 * partial pass, see {@link PolicyMemory}); the desired-state golden tests run it on a snapshot read
 * from files.
 *
 * @param policy the policy
 * @param allPolicies every policy (for their sources: a source of any policy is never written)
 * @param namespaces the namespaces to plan (every namespace, for a full pass)
 * @param managedSecrets the Secrets labelled managed by pullpolicy in those namespaces
 * @param serviceAccounts the ServiceAccounts in those namespaces
 */
public record PolicyPass(
    PullCredentialPolicy policy,
    Collection<PullCredentialPolicy> allPolicies,
    Collection<Namespace> namespaces,
    Collection<Secret> managedSecrets,
    Collection<ServiceAccount> serviceAccounts) {

  /** What the pass did. */
  public record Result(
      List<NamespacePlan> plans, List<Outcome> outcomes, PullCredentialPolicyStatus status) {

    /** True when a write failed in some namespace. */
    public boolean failed() {
      return outcomes.stream().anyMatch(o -> o.result() == Outcome.Result.FAILED);
    }

    /** How many namespaces saw a write. */
    public long namespacesWritten() {
      return outcomes.stream().filter(Outcome::wrote).count();
    }
  }

  /**
   * The plans of the namespaces given and what applying them did, in the same order.
   *
   * @param plans one per namespace that needs something or counts in the status
   * @param outcomes one per plan
   */
  public record Applied(List<NamespacePlan> plans, List<Outcome> outcomes) {

    /** How many of the namespaces opt out. */
    public int ignored() {
      return (int) plans.stream().filter(p -> p.state() == NamespacePlan.State.IGNORED).count();
    }
  }

  /** Plans and applies, and the status of the namespaces given (every namespace: a full pass). */
  public Result run(MergedConfig config, Applier applier, StatusFactory statuses) {
    Applied a = apply(config, applier);
    return new Result(
        a.plans(), a.outcomes(), status(policy, config, statuses, a.ignored(), a.outcomes()));
  }

  /**
   * The policy's status once its sources merged to {@code config}, from the outcomes of every
   * namespace it counts ({@code ignored} of them opting out).
   */
  static PullCredentialPolicyStatus status(
      PullCredentialPolicy policy,
      MergedConfig config,
      StatusFactory statuses,
      int ignored,
      List<Outcome> outcomes) {
    return statuses.synced(
        policy.getStatus(),
        policy.getMetadata().getGeneration(),
        config,
        policy.getSpec().getSources().size(),
        ignored,
        outcomes);
  }

  /** Plans the namespaces given (pure) and applies the plans. */
  public Applied apply(MergedConfig config, Applier applier) {
    Ownership ownership = Ownership.of(policy, Ownership.sourcesOf(allPolicies));
    List<NamespacePlan> plans =
        Planner.plan(
            policy,
            config,
            ownership,
            unmanagedConflicts(policy.getStatus()),
            namespaces,
            managedSecrets,
            serviceAccounts);
    return new Applied(plans, applier.apply(policy, ownership, plans));
  }

  /**
   * The namespaces a status reports as holding a Secret the policy may not write and its caches
   * cannot show (reasons Unmanaged and NotAPullSecret: Secrets not labelled as pullpolicy's): the
   * planner reads those again instead of creating blindly.
   */
  public static Set<String> unmanagedConflicts(PullCredentialPolicyStatus status) {
    if (status == null || status.getFailures() == null) {
      return Set.of();
    }
    Set<String> namespaces = new HashSet<>();
    for (Failure f : status.getFailures()) {
      if (FailureReason.Unmanaged.name().equals(f.getReason())
          || FailureReason.NotAPullSecret.name().equals(f.getReason())) {
        namespaces.add(f.getNamespace());
      }
    }
    return namespaces;
  }
}
