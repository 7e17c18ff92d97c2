package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** The desired state: which credentials go where. */
public class PullCredentialPolicySpec {

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "Source Secrets (type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg) whose"
          + " registry credentials are merged into one copy. On a registry present in several"
          + " sources the first source wins. A Secret may be listed once (a list-map keyed by namespace"
          + " and name).")
  private List<SecretReference> sources = new ArrayList<>();

  @JsonPropertyDescription("How the copy in each namespace is named and labelled.")
  private Target target;

  @JsonPropertyDescription(
      "Which namespaces get the copy. Default: every namespace except kube-system, kube-public"
          + " and kube-node-lease. A namespace annotated pullpolicy.dev/ignore: \"true\" (any"
          + " letter case) opts out: what the policy put there is removed. A terminating namespace"
          + " is skipped (neither written nor counted), even when it also opts out.")
  private NamespaceSelection namespaces;

  @JsonPropertyDescription(
      "Which ServiceAccounts in the selected namespaces get an imagePullSecrets entry for the"
          + " copy: those in names OR matching selector. Default: the ServiceAccount named"
          + " default.")
  private ServiceAccountSelection serviceAccounts;

  @Default("Skip")
  @JsonPropertyDescription(
      "What to do when a Secret with the target name exists and pullpolicy does not manage it:"
          + " Skip (leave it, report a conflict) or Adopt (take it over). Another policy's copy"
          + " and any policy's source are never taken over.")
  private OnConflict onConflict = OnConflict.Skip;

  @Default("Delete")
  @JsonPropertyDescription(
      "What happens to the copies and the ServiceAccount entries when the policy is deleted:"
          + " Delete (remove them) or Orphan (leave them).")
  private OnDelete onDelete = OnDelete.Delete;

  public List<SecretReference> getSources() {
    return sources;
  }

  public void setSources(List<SecretReference> sources) {
    this.sources = sources;
  }

  public Target getTarget() {
    return target;
  }

  public void setTarget(Target target) {
    this.target = target;
  }

  public NamespaceSelection getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(NamespaceSelection namespaces) {
    this.namespaces = namespaces;
  }

  public ServiceAccountSelection getServiceAccounts() {
    return serviceAccounts;
  }

  public void setServiceAccounts(ServiceAccountSelection serviceAccounts) {
    this.serviceAccounts = serviceAccounts;
  }

  public OnConflict getOnConflict() {
    return onConflict;
  }

  public void setOnConflict(OnConflict onConflict) {
    this.onConflict = onConflict;
  }

  public OnDelete getOnDelete() {
    return onDelete;
  }

  public void setOnDelete(OnDelete onDelete) {
    this.onDelete = onDelete;
  }
}
