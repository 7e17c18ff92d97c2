package dev.pullpolicy.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A cluster-scoped policy: copy the source pull Secret(s) into every selected namespace and add the
 * copy to the selected ServiceAccounts' {@code imagePullSecrets}.
 *
 * <p>Cluster-scoped because it does not implement {@link Namespaced}.
 */
@Group(PullCredentialPolicy.GROUP)
@Version(PullCredentialPolicy.VERSION)
@Kind("PullCredentialPolicy")
@Plural("pullcredentialpolicies")
@Singular("pullcredentialpolicy")
@ShortNames("pcp")
@Categories("pullpolicy")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Synced",
    jsonPath = ".status.namespaces.synced",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Selected",
    jsonPath = ".status.namespaces.selected",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class PullCredentialPolicy
    extends CustomResource<PullCredentialPolicySpec, PullCredentialPolicyStatus> {

  public static final String GROUP = "pullpolicy.dev";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "pullcredentialpolicies." + GROUP;

  @Override
  protected PullCredentialPolicyStatus initStatus() {
    return new PullCredentialPolicyStatus();
  }
}
