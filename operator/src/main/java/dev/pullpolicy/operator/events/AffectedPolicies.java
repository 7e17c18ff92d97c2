package dev.pullpolicy.operator.events;

import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.selection.NamespaceVerdict;
import dev.pullpolicy.api.selection.Namespaces;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which policies an event about a Namespace, a ServiceAccount or a copy concerns: those that select
 * its namespace, or own something in it (a copy, a ServiceAccount entry, a reported failure). Never
 * every policy, and never a scan of every namespace: the cost of an event depends on the number of
 * policies and on what is in that one namespace. Pure; the callers pass what the caches hold.
 */
public final class AffectedPolicies {
  private AffectedPolicies() {}

  /**
   * A Namespace changed (or appeared, or went).
   *
   * @param copies the managed Secrets cached in that namespace
   * @param serviceAccounts the ServiceAccounts cached in that namespace
   */
  public static Set<String> ofNamespace(
      Namespace ns,
      Collection<PullCredentialPolicy> policies,
      Collection<Secret> copies,
      Collection<ServiceAccount> serviceAccounts) {
    String name = ns.getMetadata().getName();
    Set<String> affected = new HashSet<>();
    for (PullCredentialPolicy p : policies) {
      if (p.getSpec() != null
          && (Namespaces.verdict(p.getSpec().getNamespaces(), ns).matchesPolicy()
              || reportsFailureIn(p, name))) {
        affected.add(p.getMetadata().getName());
      }
    }
    for (Secret s : copies) {
      String owner = Ownership.managingPolicy(s);
      if (owner != null) {
        affected.add(owner);
      }
    }
    for (ServiceAccount sa : serviceAccounts) {
      affected.addAll(recordedPolicies(sa));
    }
    return affected;
  }

  /**
   * A ServiceAccount changed.
   *
   * @param ns its namespace as cached, or null when the cache does not hold it yet (then its own
   *     event follows)
   */
  public static Set<String> ofServiceAccount(
      ServiceAccount sa, Namespace ns, Collection<PullCredentialPolicy> policies) {
    Set<String> affected = new HashSet<>(recordedPolicies(sa));
    if (ns == null) {
      return affected;
    }
    for (PullCredentialPolicy p : policies) {
      if (p.getSpec() != null
          && Namespaces.verdict(p.getSpec().getNamespaces(), ns) == NamespaceVerdict.SELECTED) {
        affected.add(p.getMetadata().getName());
      }
    }
    return affected;
  }

  /** A managed Secret changed: the policy that manages it, and every policy that wants its name. */
  public static Set<String> ofCopy(Secret copy, Collection<PullCredentialPolicy> policies) {
    Set<String> affected = new HashSet<>();
    String owner = Ownership.managingPolicy(copy);
    if (owner != null) {
      affected.add(owner);
    }
    String name = copy.getMetadata().getName();
    for (PullCredentialPolicy p : policies) {
      if (p.getSpec() != null && name.equals(Ownership.targetName(p))) {
        affected.add(p.getMetadata().getName());
      }
    }
    return affected;
  }

  private static Set<String> recordedPolicies(ServiceAccount sa) {
    Map<String, String> annotations = sa.getMetadata().getAnnotations();
    if (annotations == null || !annotations.containsKey(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES)) {
      return Set.of();
    }
    return new HashSet<>(ServiceAccountEntries.recorded(sa).values());
  }

  private static boolean reportsFailureIn(PullCredentialPolicy p, String namespace) {
    return p.getStatus() != null && p.getStatus().failureIn(namespace) != null;
  }
}
