package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed and did. Never contains credential data. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PullCredentialPolicyStatus {

  /** How many failures {@link #getFailures()} holds at most. */
  public static final int MAX_FAILURES = 20;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Conditions: Ready (every selected namespace synced) and SourceValid (the sources are"
          + " readable pull Secrets).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Registry hosts covered by the merged sources (the keys of auths); never credentials.")
  private List<String> registries = new ArrayList<>();

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
