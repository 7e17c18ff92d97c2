package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.pullpolicy.api.conditions.ConditionType;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed and did. Never contains credential data. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PullCredentialPolicyStatus {

  /** How many failures {@link #getFailures()} holds at most. */
  public static final int MAX_FAILURES = 20;

  /**
   * How many registries {@link #getRegistries()} holds at most (the rest are counted in {@link
   * #getRegistriesOmitted()}). With hosts of at most 120 characters the list stays under 13 KB, so
   * the status stays far below the API server's object size limit (1.5 MiB in etcd) whatever the
   * sources hold.
   */
  public static final int MAX_REGISTRIES = 100;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Conditions. Ready: True (reason AllSynced, or NoNamespacesSelected) when every selected"
          + " namespace has its copy and every selected ServiceAccount its entry; False"
          + " (NotAllSynced, or SourceInvalid). SourceValid: True (SourcesValid) when the sources"
          + " are usable pull Secrets; False with the problem as reason: SourceNotFound (no pull"
          + " Secret by that name: none, or one of another type), MissingKey, InvalidJson,"
          + " NoAuths, BadAuth, WrongLayout, SourceTooLarge."
          + " AdmissionActive (informational, Ready does not depend on it): True (Installed) when"
          + " the API server adds the entry to a ServiceAccount as it is created; False when"
          + " only the operator does, a moment later: NotInstalled (the MutatingAdmissionPolicy"
          + " of deploy/ is not installed), ApiUnavailable (the API server does not serve"
          + " admissionregistration.k8s.io/v1 MutatingAdmissionPolicies); Unknown (CheckFailed).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Registry hosts covered by the merged sources (the keys of auths, without user-info),"
          + " sorted; never credentials. At most the first "
          + MAX_REGISTRIES
          + "; registriesOmitted counts the others.")
  private List<String> registries = new ArrayList<>();

  @JsonPropertyDescription(
      "How many registry hosts of the merged sources are not listed in registries (unset when"
          + " all are).")
  private Integer registriesOmitted;

  @JsonPropertyDescription(
      "SHA-256 (hex) of the merged source content that the copies carry, as in their"
          + " pullpolicy.dev/source-hash annotation: a copy whose annotation differs is stale."
          + " Never the data itself. While the sources are unusable it keeps the hash of the"
          + " sources last merged.")
  private String sourceHash;

  @JsonPropertyDescription("Namespace counts.")
  private NamespaceCounts namespaces = new NamespaceCounts();

  @JsonPropertyDescription("ServiceAccount counts.")
  private ServiceAccountCounts serviceAccounts = new ServiceAccountCounts();

  @JsonPropertyDescription(
      "The first " + MAX_FAILURES + " per-namespace failures, ordered by namespace.")
  private List<Failure> failures = new ArrayList<>();

  @JsonPropertyDescription("When the operator last brought every selected namespace in sync.")
  private String lastSyncTime;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public List<String> getRegistries() {
    return registries;
  }

  public void setRegistries(List<String> registries) {
    this.registries = registries;
  }

  public Integer getRegistriesOmitted() {
    return registriesOmitted;
  }

  public void setRegistriesOmitted(Integer registriesOmitted) {
    this.registriesOmitted = registriesOmitted;
  }

  public String getSourceHash() {
    return sourceHash;
  }

  public void setSourceHash(String sourceHash) {
    this.sourceHash = sourceHash;
  }

  public NamespaceCounts getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(NamespaceCounts namespaces) {
    this.namespaces = namespaces;
  }

  public ServiceAccountCounts getServiceAccounts() {
    return serviceAccounts;
  }

  public void setServiceAccounts(ServiceAccountCounts serviceAccounts) {
    this.serviceAccounts = serviceAccounts;
  }

  public List<Failure> getFailures() {
    return failures;
  }

  public void setFailures(List<Failure> failures) {
    this.failures = failures;
  }

  public String getLastSyncTime() {
    return lastSyncTime;
  }

  public void setLastSyncTime(String lastSyncTime) {
    this.lastSyncTime = lastSyncTime;
  }

  /** The failure reported for that namespace, or null. */
  public Failure failureIn(String namespace) {
    if (failures != null) {
      for (Failure f : failures) {
        if (namespace.equals(f.getNamespace())) {
          return f;
        }
      }
    }
    return null;
  }

  /** The condition of that type, or null. */
  public Condition condition(ConditionType type) {
    return condition(type.name());
  }

  /** The condition of that type, or null. */
  public Condition condition(String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PullCredentialPolicyStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(registries, s.registries)
        && Objects.equals(registriesOmitted, s.registriesOmitted)
        && Objects.equals(sourceHash, s.sourceHash)
        && Objects.equals(namespaces, s.namespaces)
        && Objects.equals(serviceAccounts, s.serviceAccounts)
        && Objects.equals(failures, s.failures)
        && Objects.equals(lastSyncTime, s.lastSyncTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, registries, namespaces, failures);
  }
}
