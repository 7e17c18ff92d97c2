package dev.pullpolicy.api.selection;

import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;

/**
 * Which ServiceAccounts of a selected namespace a policy gives its {@code imagePullSecrets} entry,
 * for the operator and the plugin alike (crds/README.md has the table). A ServiceAccount is
 * selected when {@code names} names it ({@code "*"}: every one) OR {@code selector} matches its
 * labels. {@code selector: {}} matches every ServiceAccount, as an empty LabelSelector does
 * everywhere in Kubernetes; an unset field contributes nothing; with neither field set (or no
 * {@code serviceAccounts} at all) the policy selects {@code [default]}.
 */
public final class ServiceAccounts {
  private ServiceAccounts() {}

  /** Whether a policy with this {@code serviceAccounts} (null: the default) selects the account. */
  public static boolean selected(ServiceAccountSelection selection, ServiceAccount sa) {
    List<String> names = selection == null ? null : selection.getNames();
    LabelSelector selector = selection == null ? null : selection.getSelector();
    if (names == null && selector == null) {
      names = ServiceAccountSelection.DEFAULT_NAMES;
    }
    String name = sa.getMetadata().getName();
    if (names != null && (names.contains("*") || names.contains(name))) {
      return true;
    }
    return selector != null && LabelSelectors.matches(selector, sa.getMetadata().getLabels());
  }
}
